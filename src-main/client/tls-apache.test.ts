// The client, 4-letter words and AdminServer commands over TLS against real Apache ZooKeeper 3.8:
// Netty's secure client port (ssl.clientAuth=need, PEM key and trust stores) and Jetty's AdminServer
// with admin.forceHttps, all with certificates openssl made for the run.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, ZooKeeperError } from '../protocol/errors';
import { freePorts, requireApacheZooKeeper, startZooKeeper, type ApacheZooKeeper } from '../testing/apache-zk';
import { AdminCommandError, adminMonitor, adminServerStats } from './admin-http';
import { ZooKeeperClient } from './client';
import { FourLetterWordError, queryMntr, querySrvr } from './four-letter';
import { makeTestCertificates, secureClientPortConfig, type TestCertificates } from './tls-test-certs';
import { tlsErrorIn, tlsFromFiles, type ClientTlsOptions, type TlsFailureKind } from './tls-options';

const haveZk = requireApacheZooKeeper();

describe.skipIf(!haveZk)('TLS to Apache ZooKeeper 3.8 (Netty secure client port, HTTPS AdminServer)', () => {
  let certs: TestCertificates;
  let server: ApacheZooKeeper;
  let securePort: number;
  let adminUrl: string;
  let trusted: ClientTlsOptions;

  beforeAll(async () => {
    certs = makeTestCertificates();
    [securePort] = await freePorts(1);
    server = await startZooKeeper({
      adminServer: true,
      extraConfig: {
        // Only the Netty connection factory serves a secure client port.
        serverCnxnFactory: 'org.apache.zookeeper.server.NettyServerCnxnFactory',
        ...secureClientPortConfig(certs, securePort, certs.serverKeyStore, 'need'),
        // Jetty takes its key store from the quorum TLS settings.
        'admin.forceHttps': 'true',
        'ssl.quorum.keyStore.location': certs.serverKeyStore,
        'ssl.quorum.keyStore.type': 'PEM',
        'ssl.quorum.trustStore.location': certs.caFile,
        'ssl.quorum.trustStore.type': 'PEM',
      },
    });
    adminUrl = `https://127.0.0.1:${server.adminPort}`;
    trusted = tlsFromFiles({ caFile: certs.caFile, certFile: certs.clientCertFile, keyFile: certs.clientKeyFile });
  });

  afterAll(async () => {
    await server?.stop();
    certs?.remove();
  });

  async function failure(tls: ClientTlsOptions, budgetMs = 8000): Promise<{ error: ZooKeeperError; kind: TlsFailureKind | undefined; ms: number }> {
    const zk = new ZooKeeperClient({ connectString: `127.0.0.1:${securePort}`, connectTimeoutMs: 3000, tls });
    const started = Date.now();
    const error = await zk.connect(budgetMs).then(() => new Error('expected the TLS connection to fail'), (e: unknown) => e);
    await zk.close();
    expect(error).toBeInstanceOf(ZooKeeperError);
    return { error: error as ZooKeeperError, kind: tlsErrorIn(error)?.kind, ms: Date.now() - started };
  }

  it('a session works over TLS with the CA and a client certificate', async () => {
    const zk = new ZooKeeperClient({ connectString: `127.0.0.1:${securePort}`, sessionTimeoutMs: 10_000, tls: trusted });
    await zk.connect();
    try {
      await zk.create('/tls', 'from ZooLab over TLS');
      expect((await zk.getData('/tls')).data?.toString()).toBe('from ZooLab over TLS');
      const srvr = await querySrvr('127.0.0.1', securePort, { tls: trusted });
      expect(srvr.mode).toBe('standalone');
    } finally {
      await zk.close();
    }
  });

  it('a wrong CA fails at once, in words', async () => {
    const { error, kind, ms } = await failure(tlsFromFiles({ caFile: certs.otherCaFile, certFile: certs.clientCertFile, keyFile: certs.clientKeyFile }));
    expect(kind).toBe('untrusted');
    expect(error.code).toBe(ErrorCode.CONNECTIONLOSS);
    expect(error.message).toMatch(/TLS handshake failed: the server's certificate is not trusted: it is not signed by the CA given/);
    expect(ms).toBeLessThan(3000);
  });

  it('the hostname check refuses a name the certificate does not carry, and can be turned off', async () => {
    const { error, kind } = await failure({ ...trusted, servername: 'zk.example.com' });
    expect(kind).toBe('hostname');
    expect(error.message).toMatch(/hostname mismatch: the server's certificate is not for zk\.example\.com \(it names DNS:localhost, IP Address:127\.0\.0\.1\)/);
    const zk = new ZooKeeperClient({ connectString: `127.0.0.1:${securePort}`, tls: { ...trusted, servername: 'zk.example.com', checkServerIdentity: false } });
    await zk.connect();
    expect(await zk.exists('/zookeeper')).not.toBeNull();
    await zk.close();
  });

  it('ssl.clientAuth=need refuses a session without a client certificate, and one from another CA', async () => {
    const none = await failure(tlsFromFiles({ caFile: certs.caFile }));
    expect(none.kind).toBe('client-cert-required');
    expect(none.error.message).toMatch(/the server requires a client certificate/);
    const rogue = await failure(tlsFromFiles({ caFile: certs.caFile, certFile: certs.rogueCertFile, keyFile: certs.rogueKeyFile }));
    expect(rogue.kind).toBe('client-cert-refused');
    expect(rogue.error.message).toMatch(/the server refused the client certificate/);
  });

  it('mntr over TLS on the secure port parses, and agrees with the plain port', async () => {
    const [secure, plain] = await Promise.all([queryMntr('127.0.0.1', securePort, { tls: trusted }), queryMntr('127.0.0.1', server.clientPort)]);
    expect(secure.serverState).toBe('standalone');
    expect(secure.version).toMatch(/^3\.8\./);
    expect(secure.znodeCount).toBe(plain.znodeCount);
    expect(Object.keys(secure.values).sort()).toEqual(Object.keys(plain.values).sort());
    const refused = await queryMntr('127.0.0.1', securePort, { tls: tlsFromFiles({ caFile: certs.caFile }) }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(FourLetterWordError);
    expect(tlsErrorIn(refused)?.kind).toBe('client-cert-required');
  });

  it('the AdminServer answers over HTTPS with the CA, and says why without it', async () => {
    const monitor = await adminMonitor(adminUrl, { tls: trusted });
    expect(monitor.serverState).toBe('standalone');
    expect((await adminServerStats(adminUrl, { tls: { ca: trusted.ca } })).mode).toBe('standalone');
    const untrusted = await adminMonitor(adminUrl, { tls: tlsFromFiles({ caFile: certs.otherCaFile }) }).catch((e: unknown) => e);
    expect(untrusted).toBeInstanceOf(AdminCommandError);
    expect((untrusted as AdminCommandError).kind).toBe('network');
    expect((untrusted as Error).message).toMatch(/network error talking to https:\/\/127\.0\.0\.1:\d+\/commands\/monitor: TLS handshake failed: the server's certificate is not trusted/);
    const systemCas = await adminMonitor(adminUrl).catch((e: unknown) => e);
    expect(tlsErrorIn(systemCas)?.kind).toBe('untrusted');
  });
});
