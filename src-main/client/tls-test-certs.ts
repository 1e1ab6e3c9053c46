// Certificates for TLS tests, made with openssl in a temp directory: a CA, a server certificate for
// 127.0.0.1/localhost, one for another name, a client certificate, and a second CA with its own
// client certificate (one the servers do not trust).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestCertificates {
  dir: string;
  /** PEM files. */
  caFile: string;
  otherCaFile: string;
  /** ZooKeeper's PEM key stores: key and certificate in one file. */
  serverKeyStore: string;
  elsewhereKeyStore: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** The client key encrypted with the passphrase "secret". */
  encryptedClientKeyFile: string;
  rogueCertFile: string;
  rogueKeyFile: string;
  read(file: string): Buffer;
  remove(): void;
}

export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zoolab-tls-'));
  const file = (name: string): string => path.join(dir, name);
  const openssl = (...args: string[]): void => void execFileSync('openssl', args, { stdio: 'ignore' });
  const ca = (name: string, cn: string): void => openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file(`${name}.key`),
    '-out', file(`${name}.pem`), '-days', '2', '-subj', `/CN=${cn}`, '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  const leaf = (name: string, cn: string, san: string, signer: string): void => {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', `/CN=${cn}`);
    writeFileSync(file(`${name}.ext`), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\n`);
    openssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', file(`${signer}.pem`), '-CAkey', file(`${signer}.key`), '-CAcreateserial',
      '-out', file(`${name}.pem`), '-days', '2', '-extfile', file(`${name}.ext`));
    writeFileSync(file(`${name}-keystore.pem`), readFileSync(file(`${name}.key`), 'utf8') + readFileSync(file(`${name}.pem`), 'utf8'));
  };
  ca('ca', 'ZooLab test CA');
  ca('other-ca', 'Some other CA');
  leaf('server', 'localhost', 'DNS:localhost,IP:127.0.0.1', 'ca');
  leaf('elsewhere', 'zk.example.com', 'DNS:zk.example.com', 'ca');
  // ZooKeeper may check a client certificate's names against the client's address too.
  leaf('client', 'zoolab-client', 'DNS:localhost,IP:127.0.0.1', 'ca');
  leaf('rogue', 'rogue-client', 'DNS:localhost,IP:127.0.0.1', 'other-ca');
  openssl('pkey', '-in', file('client.key'), '-aes256', '-passout', 'pass:secret', '-out', file('client-encrypted.key'));
  return {
    dir,
    caFile: file('ca.pem'),
    otherCaFile: file('other-ca.pem'),
    serverKeyStore: file('server-keystore.pem'),
    elsewhereKeyStore: file('elsewhere-keystore.pem'),
    clientCertFile: file('client.pem'),
    clientKeyFile: file('client.key'),
    encryptedClientKeyFile: file('client-encrypted.key'),
    rogueCertFile: file('rogue.pem'),
    rogueKeyFile: file('rogue.key'),
    read: (f) => readFileSync(f),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** zoo.cfg lines for a secure client port on 127.0.0.1 with a PEM key store and the test CA as trust store. */
export function secureClientPortConfig(certs: TestCertificates, port: number, keyStore: string, clientAuth: 'none' | 'want' | 'need'): Record<string, string> {
  return {
    secureClientPort: String(port),
    secureClientPortAddress: '127.0.0.1',
    'ssl.keyStore.location': keyStore,
    'ssl.keyStore.type': 'PEM',
    'ssl.trustStore.location': certs.caFile,
    'ssl.trustStore.type': 'PEM',
    'ssl.clientAuth': clientAuth,
  };
}
