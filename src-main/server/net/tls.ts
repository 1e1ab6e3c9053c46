// The secure client port's TLS settings from ZooKeeper's ssl.* keys. PEM and PKCS12 key stores and
// PEM trust stores are read with node:tls; anything it cannot read is reported as a reason, so the
// caller disables only the secure port.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSecureContext, type TlsOptions } from 'node:tls';
import type { TlsConfig } from './config';

export type TlsSetup = { ok: true; options: TlsOptions } | { ok: false; reason: string };

type StoreType = 'PEM' | 'PKCS12' | 'JKS' | 'BCFKS';

/** KeyStoreFileType.fromPropertyValueOrFileName: the type key wins, else the extension decides. */
function storeType(what: string, location: string, configured: string | null): StoreType | string {
  if (configured) {
    const t = configured.toUpperCase();
    return t === 'PEM' || t === 'PKCS12' || t === 'JKS' || t === 'BCFKS' ? t : `${what} type "${configured}" is not one of PEM, PKCS12, JKS, BCFKS`;
  }
  const ext = path.extname(location).toLowerCase();
  const byExt: Record<string, StoreType> = { '.pem': 'PEM', '.crt': 'PEM', '.p12': 'PKCS12', '.pfx': 'PKCS12', '.jks': 'JKS', '.bcfks': 'BCFKS' };
  return byExt[ext] ?? `cannot tell the type of ${what} ${location} from its name: set its type (PEM or PKCS12)`;
}

const unsupported = (what: string, location: string, type: string): string =>
  `${what} ${location} is ${type}, which cannot be read without a Java key store library: convert it to PKCS12 ` +
  `(keytool -importkeystore -deststoretype PKCS12) or PEM`;

const pemBlocks = (text: string, label: RegExp): string[] =>
  [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g)].filter((m) => label.test(m[1])).map((m) => m[0]);

function readStore(what: string, location: string): Buffer | string {
  try {
    return readFileSync(location);
  } catch (e) {
    return `cannot read ${what} ${location}: ${(e as Error).message}`;
  }
}

export function loadTlsOptions(cfg: TlsConfig): TlsSetup {
  if (!cfg.keyStoreLocation) return { ok: false, reason: 'ssl.keyStore.location is not set' };
  const options: TlsOptions = {
    requestCert: cfg.clientAuth !== 'none',
    rejectUnauthorized: cfg.clientAuth === 'need',
  };

  const keyWhat = 'key store (ssl.keyStore.location)';
  const keyType = storeType(keyWhat, cfg.keyStoreLocation, cfg.keyStoreType);
  if (keyType === 'JKS' || keyType === 'BCFKS') return { ok: false, reason: unsupported(keyWhat, cfg.keyStoreLocation, keyType) };
  if (keyType !== 'PEM' && keyType !== 'PKCS12') return { ok: false, reason: keyType };
  const keyData = readStore(keyWhat, cfg.keyStoreLocation);
  if (typeof keyData === 'string') return { ok: false, reason: keyData };
  if (keyType === 'PKCS12') {
    options.pfx = keyData;
    options.passphrase = cfg.keyStorePassword ?? '';
  } else {
    const text = keyData.toString('utf8');
    const keys = pemBlocks(text, /PRIVATE KEY$/);
    const certs = pemBlocks(text, /^CERTIFICATE$/);
    if (keys.length === 0) return { ok: false, reason: `${keyWhat} ${cfg.keyStoreLocation} holds no PEM private key` };
    if (certs.length === 0) return { ok: false, reason: `${keyWhat} ${cfg.keyStoreLocation} holds no PEM certificate` };
    options.key = keys[0];
    options.cert = certs.join('\n');
    if (cfg.keyStorePassword) options.passphrase = cfg.keyStorePassword;
  }

  if (cfg.trustStoreLocation) {
    const trustWhat = 'trust store (ssl.trustStore.location)';
    const trustType = storeType(trustWhat, cfg.trustStoreLocation, cfg.trustStoreType);
    if (trustType === 'JKS' || trustType === 'BCFKS') return { ok: false, reason: unsupported(trustWhat, cfg.trustStoreLocation, trustType) };
    if (trustType === 'PKCS12') {
      // node:tls reads PKCS12 only together with a private key; a trust store has none.
      return { ok: false, reason: `${trustWhat} ${cfg.trustStoreLocation} is PKCS12, which node:tls cannot read as a trust store: use a PEM file of certificates` };
    }
    if (trustType !== 'PEM') return { ok: false, reason: trustType };
    const trustData = readStore(trustWhat, cfg.trustStoreLocation);
    if (typeof trustData === 'string') return { ok: false, reason: trustData };
    const certs = pemBlocks(trustData.toString('utf8'), /^CERTIFICATE$/);
    if (certs.length === 0) return { ok: false, reason: `${trustWhat} ${cfg.trustStoreLocation} holds no PEM certificate` };
    options.ca = certs;
  }

  // Build a context once now, so a wrong password or a corrupt file shows up here and not per handshake.
  try {
    createSecureContext(options);
  } catch (e) {
    return { ok: false, reason: `cannot use ${keyWhat} ${cfg.keyStoreLocation}${cfg.trustStoreLocation ? ` with trust store ${cfg.trustStoreLocation}` : ''}: ${(e as Error).message}` };
  }
  return { ok: true, options };
}
