import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TlsConfig } from './config';
import { loadTlsOptions } from './tls';
import { RawClient, startFakeServer, withTimeout } from './test-support';

let dir: string;
let certPem: string;
let keyPem: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'zoolab-net-tls-'));
  const file = (name: string): string => path.join(dir, name);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('key.pem'), '-out', file('cert.pem'),
    '-days', '2', '-subj', '/CN=zoolab-test', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  keyPem = readFileSync(file('key.pem'), 'utf8');
  certPem = readFileSync(file('cert.pem'), 'utf8');
  // ZooKeeper's PEM key store: the key and the certificate in one file.
  writeFileSync(file('keystore.pem'), keyPem + certPem);
  execFileSync('openssl', ['pkcs12', '-export', '-in', file('cert.pem'), '-inkey', file('key.pem'), '-out', file('keystore.p12'),
    '-passout', 'pass:secret'], { stdio: 'ignore' });
  execFileSync('openssl', ['pkcs12', '-export', '-nokeys', '-in', file('cert.pem'), '-out', file('truststore.p12'),
    '-passout', 'pass:secret'], { stdio: 'ignore' });
  writeFileSync(file('keystore.jks'), Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ssl = (overrides: Partial<TlsConfig>): Partial<TlsConfig> => ({ clientAuth: 'none', ...overrides });
const trusting = (): ConnectionOptions => ({ ca: certPem, servername: undefined });

describe('reading key and trust stores', () => {
  const base: TlsConfig = {
    keyStoreLocation: null, keyStorePassword: null, keyStoreType: null,
    trustStoreLocation: null, trustStorePassword: null, trustStoreType: null, clientAuth: 'need',
  };
  const reason = (cfg: Partial<TlsConfig>): string => {
    const r = loadTlsOptions({ ...base, ...cfg });
    return r.ok ? 'ok' : r.reason;
  };

  test('PEM and PKCS12 key stores and a PEM trust store are read', () => {
    expect(reason({ keyStoreLocation: path.join(dir, 'keystore.pem') })).toBe('ok');
    expect(reason({ keyStoreLocation: path.join(dir, 'keystore.p12'), keyStorePassword: 'secret', trustStoreLocation: path.join(dir, 'cert.pem') })).toBe('ok');
    expect(reason({ keyStoreLocation: path.join(dir, 'keystore.pem'), keyStoreType: 'pem' })).toBe('ok');
  });

  test('what cannot be read is named', () => {
    expect(reason({})).toBe('ssl.keyStore.location is not set');
    expect(reason({ keyStoreLocation: path.join(dir, 'keystore.p12'), keyStorePassword: 'wrong' })).toMatch(/keystore\.p12: mac verify failure/);
    expect(reason({ keyStoreLocation: path.join(dir, 'keystore.jks') })).toMatch(/keystore\.jks is JKS, which cannot be read without a Java key store library/);
    expect(reason({ keyStoreLocation: path.join(dir, 'missing.pem') })).toMatch(/cannot read key store .*missing\.pem: ENOENT/);
    expect(reason({ keyStoreLocation: path.join(dir, 'cert.pem') })).toMatch(/holds no PEM private key/);
    expect(reason({ keyStoreLocation: path.join(dir, 'keystore.bin') })).toMatch(/cannot tell the type .*keystore\.bin/);
    expect(reason({ keyStoreLocation: path.join(dir, 'keystore.pem'), keyStoreType: 'XYZ' })).toMatch(/type "XYZ" is not one of/);
    expect(reason({ keyStoreLocation: path.join(dir, 'keystore.pem'), trustStoreLocation: path.join(dir, 'truststore.p12') }))
      .toMatch(/truststore\.p12 is PKCS12, which node:tls cannot read as a trust store/);
  });
});

describe('the secure client port', () => {
  test('serves sessions and four-letter words over TLS with a self-signed PEM key store', async () => {
    const { server } = await startFakeServer({
      secureClientPort: 0, secureClientPortAddress: '127.0.0.1', fourLetterWordWhitelist: 'ruok',
      ssl: ssl({ keyStoreLocation: path.join(dir, 'keystore.pem') }),
    });
    try {
      expect(server.secureClientPortError).toBeNull();
      const c = await RawClient.connect(server.secureClientPort!, trusting());
      await c.handshake();
      expect(await c.getData(3)).toBe(3);
      const cnxn = server.connections().find((x) => x.secure);
      expect(cnxn?.clientCertificate()).toBeNull();
      c.destroy();
      const probe = await RawClient.connect(server.secureClientPort!, trusting());
      probe.write('ruok');
      expect((await probe.readToClose()).toString()).toBe('imok');
      // The plain port serves alongside.
      const plain = await RawClient.connect(server.clientPort!);
      await plain.handshake();
      expect(await plain.getData(4)).toBe(4);
      plain.destroy();
    } finally {
      await server.close();
    }
  });

  test('clientAuth=need: a client without a trusted certificate is refused; one with it is served', async () => {
    const { server, logs } = await startFakeServer({
      secureClientPort: 0, secureClientPortAddress: '127.0.0.1',
      ssl: ssl({ keyStoreLocation: path.join(dir, 'keystore.p12'), keyStorePassword: 'secret', trustStoreLocation: path.join(dir, 'cert.pem'), clientAuth: 'need' }),
    });
    try {
      const refused = await withTimeout(RawClient.connect(server.secureClientPort!, trusting()).then(async (c) => {
        await c.closed;
        return 'closed';
      }, () => 'refused'), 5000, 'no refusal');
      expect(['closed', 'refused']).toContain(refused);
      const c = await RawClient.connect(server.secureClientPort!, { ...trusting(), key: keyPem, cert: certPem });
      await c.handshake();
      expect(await c.getData(5)).toBe(5);
      const cnxn = server.connections().find((x) => x.secure && x.sessionId !== 0n);
      expect(cnxn?.clientCertificate()?.subject).toBe('CN=zoolab-test');
      expect(cnxn?.dumpConnectionInfo(true)).toMatch(/^ \/127\.0\.0\.1:\d+\[1\]\(queued=0,recved=2,sent=2\)$/);
      c.destroy();
      expect(logs.some((l) => /TLS handshake with .* failed/.test(l.message))).toBe(true);
    } finally {
      await server.close();
    }
  });

  test.each([
    ['a wrong PKCS12 password', { keyStoreLocation: 'keystore.p12', keyStorePassword: 'nope' }, /mac verify failure/],
    ['a JKS key store', { keyStoreLocation: 'keystore.jks' }, /is JKS, which cannot be read/],
    ['a missing key store', { keyStoreLocation: 'nowhere.pem' }, /ENOENT/],
  ])('%s disables only the secure port, with a log line naming why', async (_what, store, why) => {
    const { server, logs } = await startFakeServer({
      secureClientPort: 0, secureClientPortAddress: '127.0.0.1',
      ssl: ssl({ ...store, keyStoreLocation: path.join(dir, store.keyStoreLocation) }),
    });
    try {
      expect(server.secureClientPort).toBeNull();
      expect(server.secureClientPortError).toMatch(why);
      expect(logs.some((l) => l.level === 'error' && /^secure client port 0 is disabled: /.test(l.message) && why.test(l.message))).toBe(true);
      const plain = await RawClient.connect(server.clientPort!);
      await plain.handshake();
      expect(await plain.getData(1)).toBe(1);
      plain.destroy();
    } finally {
      await server.close();
    }
  });
});
