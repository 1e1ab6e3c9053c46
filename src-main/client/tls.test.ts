// The client, 4-letter words and the TLS settings against ZooLab's own server with a secure client
// port (certificates made by openssl for the run): what works, and each way a handshake fails.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, ZooKeeperError } from '../protocol/errors';
import { adminCommand, adminCommandNames, fourLetterWord } from '../server/monitor';
import { startInProcess, type InProcessServer } from '../server/testing/start-zoolab';
import { freePorts } from '../testing/apache-zk';
import { ZooKeeperClient } from './client';
import { FourLetterWordError, queryMntr, queryRuok, sendFourLetterWord } from './four-letter';
import { makeTestCertificates, secureClientPortConfig, type TestCertificates } from './tls-test-certs';
import { TlsError, tlsErrorIn, tlsFromFiles, type ClientTlsOptions } from './tls-options';

let certs: TestCertificates;
/** Secure port needing a client certificate, with a certificate for 127.0.0.1 and localhost. */
let strict: InProcessServer;
let strictPort: number;
/** Secure port with a certificate for zk.example.com, no client certificate asked. */
let elsewhere: InProcessServer;
let elsewherePort: number;
let trusted: ClientTlsOptions;

const monitoring = { fourLetterWord, adminCommand, adminCommandNames };

beforeAll(async () => {
  certs = makeTestCertificates();
  [strictPort, elsewherePort] = await freePorts(2);
  strict = await startInProcess(secureClientPortConfig(certs, strictPort, certs.serverKeyStore, 'need'), undefined, monitoring);
  elsewhere = await startInProcess(secureClientPortConfig(certs, elsewherePort, certs.elsewhereKeyStore, 'none'), undefined, monitoring);
  trusted = tlsFromFiles({ caFile: certs.caFile, certFile: certs.clientCertFile, keyFile: certs.clientKeyFile });
});

afterAll(async () => {
  // Clients that refused the server's certificate must not keep the server from stopping.
  await Promise.all([strict, elsewhere].map((s) => s?.stop()));
  certs?.remove();
});

async function connect(port: number, tls: ClientTlsOptions, host = '127.0.0.1', budgetMs = 8000): Promise<ZooKeeperClient> {
  const zk = new ZooKeeperClient({ connectString: `${host}:${port}`, sessionTimeoutMs: 10_000, connectTimeoutMs: 3000, tls });
  try {
    await zk.connect(budgetMs);
  } catch (err) {
    await zk.close();
    throw err;
  }
  return zk;
}

/** The failure to connect; `budgetMs` bounds the retries of a failure that may pass (a reset, a hang-up). */
async function refusal(port: number, tls: ClientTlsOptions, budgetMs?: number): Promise<{ error: ZooKeeperError; tls: TlsError; ms: number }> {
  const started = Date.now();
  const error = await connect(port, tls, '127.0.0.1', budgetMs).then(
    async (zk) => {
      await zk.close();
      throw new Error('expected the TLS connection to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ZooKeeperError);
  const cause = tlsErrorIn(error);
  expect(cause).toBeInstanceOf(TlsError);
  return { error: error as ZooKeeperError, tls: cause!, ms: Date.now() - started };
}

describe('a session over TLS to ZooLab', () => {
  it('works with the CA, a client certificate and the hostname check, by IP and by name', async () => {
    const zk = await connect(strictPort, trusted);
    try {
      await zk.create('/tls', 'over TLS');
      expect((await zk.getData('/tls')).data?.toString()).toBe('over TLS');
      // The server sees the session on its secure port, with our certificate.
      const secure = strict.server.net.connections().filter((c) => c.secure);
      expect(secure.length).toBe(1);
      expect(secure[0].clientCertificate()?.subject).toContain('CN=zoolab-client');
    } finally {
      await zk.close();
    }
    const byName = await connect(strictPort, trusted, 'localhost');
    expect(await byName.exists('/tls')).not.toBeNull();
    await byName.close();
  });

  it('refuses a server whose certificate the CA given did not sign, at once and in words', async () => {
    const { error, tls, ms } = await refusal(strictPort, tlsFromFiles({ caFile: certs.otherCaFile, certFile: certs.clientCertFile, keyFile: certs.clientKeyFile }));
    expect(tls.kind).toBe('untrusted');
    expect(error.code).toBe(ErrorCode.CONNECTIONLOSS);
    expect(error.message).toMatch(/TLS handshake failed: the server's certificate is not trusted: it is not signed by the CA given/);
    // Not retried until the deadline: a certificate does not change by asking again.
    expect(ms).toBeLessThan(3000);
  });

  it('without a CA, trusts only the system CAs', async () => {
    const { tls } = await refusal(strictPort, { cert: trusted.cert, key: trusted.key });
    expect(tls.message).toMatch(/not signed by a CA this system trusts \(give the CA file\)/);
  });

  it('checks the hostname: a certificate for another name fails with the check on and passes with it off', async () => {
    const { tls } = await refusal(elsewherePort, tlsFromFiles({ caFile: certs.caFile }));
    expect(tls.kind).toBe('hostname');
    expect(tls.message).toMatch(/hostname mismatch: the server's certificate is not for 127\.0\.0\.1 \(it names DNS:zk\.example\.com\)/);
    const zk = await connect(elsewherePort, tlsFromFiles({ caFile: certs.caFile, verifyHostname: false }));
    expect(await zk.exists('/')).not.toBeNull();
    await zk.close();
    // A name the certificate carries passes the check while connecting by address.
    const named = await connect(elsewherePort, { ...tlsFromFiles({ caFile: certs.caFile }), servername: 'zk.example.com' });
    await named.close();
    // The check still applies to the certificate the trusted CA signed for localhost.
    expect((await refusal(strictPort, { ...trusted, servername: 'zk.example.com' })).tls.kind).toBe('hostname');
  });

  it('says a client certificate is required when the server needs one and none is given', async () => {
    const { tls } = await refusal(strictPort, tlsFromFiles({ caFile: certs.caFile }));
    expect(tls.kind).toBe('client-cert-required');
    expect(tls.message).toMatch(/the server requires a client certificate \(ssl.clientAuth=need\)/);
  });

  it('says the server refused a client certificate its trust store does not cover', async () => {
    const rogue = tlsFromFiles({ caFile: certs.caFile, certFile: certs.rogueCertFile, keyFile: certs.rogueKeyFile });
    const { tls } = await refusal(strictPort, rogue, 1500);
    expect(tls.message).toMatch(/client certificate/);
    expect(tls.kind === 'client-cert-refused' || tls.kind === 'other').toBe(true);
  });

  it('says a plain client port does not speak TLS', async () => {
    const { tls } = await refusal(strict.port, trusted, 1500);
    expect(tls.kind).toBe('not-tls');
    expect(tls.message).toMatch(/is this its secure client port/);
  });
});

describe('4-letter words over TLS to ZooLab', () => {
  it('mntr and ruok answer on the secure port', async () => {
    const mntr = await queryMntr('127.0.0.1', strictPort, { tls: trusted });
    expect(mntr.serverState).toBe('standalone');
    expect(mntr.znodeCount).toBeGreaterThanOrEqual(2);
    expect(mntr.version).toMatch(/^3\./);
    expect(await queryRuok('127.0.0.1', strictPort, { tls: trusted })).toBe(true);
  });

  it('a handshake failure is a network error whose detail says why', async () => {
    const error = await sendFourLetterWord('127.0.0.1', elsewherePort, 'srvr', { tls: tlsFromFiles({ caFile: certs.caFile }) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FourLetterWordError);
    expect((error as FourLetterWordError).kind).toBe('network');
    expect((error as Error).message).toMatch(/'srvr': network error talking to 127\.0\.0\.1:\d+: TLS handshake failed: hostname mismatch/);
    expect(tlsErrorIn(error)?.kind).toBe('hostname');
    const noCert = await sendFourLetterWord('127.0.0.1', strictPort, 'srvr', { tls: tlsFromFiles({ caFile: certs.caFile }) }).catch((e: unknown) => e);
    expect(tlsErrorIn(noCert)?.kind).toBe('client-cert-required');
  });
});

describe('TLS settings that cannot be used are named before connecting', () => {
  it('files that are missing, not PEM, mismatched or encrypted', () => {
    const setup = (fn: () => unknown): string => {
      try {
        fn();
      } catch (err) {
        expect(err).toBeInstanceOf(TlsError);
        expect((err as TlsError).kind).toBe('setup');
        return (err as Error).message;
      }
      throw new Error('expected a setup error');
    };
    expect(setup(() => tlsFromFiles({ caFile: `${certs.dir}/missing.pem` }))).toMatch(/cannot read the CA file .*missing\.pem: ENOENT/);
    expect(setup(() => tlsFromFiles({ caFile: certs.clientKeyFile }))).toMatch(/the CA holds no PEM certificate/);
    expect(setup(() => tlsFromFiles({ certFile: certs.clientCertFile }))).toMatch(/a client certificate was given without its key/);
    expect(setup(() => tlsFromFiles({ certFile: certs.clientCertFile, keyFile: certs.rogueKeyFile }))).toMatch(/the client key does not belong to the client certificate/);
    expect(setup(() => tlsFromFiles({ certFile: certs.clientCertFile, keyFile: certs.encryptedClientKeyFile })))
      .toMatch(/the client key is encrypted: give its passphrase, or an unencrypted key/);
  });

  it('an encrypted key works with its passphrase', async () => {
    const zk = await connect(strictPort, {
      ca: certs.read(certs.caFile), cert: certs.read(certs.clientCertFile), key: certs.read(certs.encryptedClientKeyFile), passphrase: 'secret',
    });
    await zk.close();
    const wrong = await refusal(strictPort, { ca: trusted.ca, cert: trusted.cert, key: certs.read(certs.encryptedClientKeyFile), passphrase: 'nope' });
    expect(wrong.tls.message).toMatch(/the passphrase does not unlock the client key/);
  });
});
