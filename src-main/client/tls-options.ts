// TLS to a ZooKeeper secure client port (and to an AdminServer over HTTPS): the settings a user
// gives, as node:tls options, and a failed handshake as its reason in words.

import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

export interface ClientTlsOptions {
  /** PEM certificates of the CAs to trust; the system's CAs when absent. */
  ca?: string | Buffer;
  /** PEM client certificate (chain), for servers with ssl.clientAuth=need or want. */
  cert?: string | Buffer;
  /** PEM private key of the client certificate. */
  key?: string | Buffer;
  /** Unlocks an encrypted key. */
  passphrase?: string;
  /** The name the server's certificate must carry (and the SNI sent); default the host connected to. */
  servername?: string;
  /** Check that the certificate names the server (default true). */
  checkServerIdentity?: boolean;
  /** Refuse a certificate no trusted CA signed (default true). */
  rejectUnauthorized?: boolean;
}

export type TlsFailureKind =
  | 'setup' // the CA, certificate or key given cannot be used
  | 'untrusted' // the server's certificate is not signed by a trusted CA
  | 'expired' // the server's certificate is expired or not yet valid
  | 'hostname' // the server's certificate is for another name
  | 'client-cert-required' // the server wants a client certificate and none was given
  | 'client-cert-refused' // the server does not accept the client certificate given
  | 'not-tls' // the other side does not speak TLS (a plain client port?)
  | 'other';

// What retrying cannot fix: the settings or the certificates must change first.
const PERMANENT: ReadonlySet<TlsFailureKind> = new Set(['setup', 'untrusted', 'expired', 'hostname', 'client-cert-required', 'client-cert-refused']);

export class TlsError extends Error {
  readonly kind: TlsFailureKind;
  /** The failure in words, without the "TLS handshake failed" lead. */
  readonly reason: string;

  constructor(kind: TlsFailureKind, reason: string, cause?: unknown) {
    super(kind === 'setup' ? `TLS settings: ${reason}` : `TLS handshake failed: ${reason}`, cause === undefined ? undefined : { cause });
    this.name = 'TlsError';
    this.kind = kind;
    this.reason = reason;
  }

  get permanent(): boolean {
    return PERMANENT.has(this.kind);
  }
}

/** The first TlsError in an error's cause chain. */
export function tlsErrorIn(err: unknown): TlsError | null {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof TlsError) return e;
  }
  return null;
}

const contexts = new WeakMap<ClientTlsOptions, tls.SecureContext>();

/** The options' CA, certificate and key as one secure context, checked and built once per options object. */
function secureContextOf(opts: ClientTlsOptions): tls.SecureContext {
  const cached = contexts.get(opts);
  if (cached) return cached;
  if (opts.ca !== undefined && !/-----BEGIN CERTIFICATE-----/.test(opts.ca.toString())) {
    throw new TlsError('setup', 'the CA holds no PEM certificate (-----BEGIN CERTIFICATE-----)');
  }
  if ((opts.cert === undefined) !== (opts.key === undefined)) {
    throw new TlsError('setup', opts.cert === undefined ? 'a client key was given without its certificate' : 'a client certificate was given without its key');
  }
  let context: tls.SecureContext;
  try {
    context = tls.createSecureContext({ ca: opts.ca, cert: opts.cert, key: opts.key, passphrase: opts.passphrase });
  } catch (err) {
    throw new TlsError('setup', setupReason(err as NodeJS.ErrnoException, opts), err);
  }
  contexts.set(opts, context);
  return context;
}

function setupReason(err: NodeJS.ErrnoException, opts: ClientTlsOptions): string {
  const text = `${err.code ?? ''} ${err.message}`;
  if (/KEY_VALUES_MISMATCH/.test(text)) return 'the client key does not belong to the client certificate';
  if (/bad decrypt|BAD_DECRYPT|bad password|interrupted or cancelled/i.test(text) || (opts.passphrase === undefined && /ENCRYPTED/.test(String(opts.key)))) {
    return opts.passphrase === undefined ? 'the client key is encrypted: give its passphrase, or an unencrypted key' : 'the passphrase does not unlock the client key';
  }
  if (/NO_START_LINE|no start line|DECODER|unsupported/i.test(text)) return `the client certificate or key is not PEM (${err.message})`;
  return `the CA, client certificate or key cannot be used: ${err.message}`;
}

/** node:tls connect options for host:port; throws TlsError('setup') when the CA, certificate or key is unusable. */
export function tlsConnectOptions(host: string, port: number, opts: ClientTlsOptions): tls.ConnectionOptions {
  const name = opts.servername ?? host;
  return {
    host,
    port,
    secureContext: secureContextOf(opts),
    // SNI carries host names only (RFC 6066); the certificate is still checked against an IP.
    servername: net.isIP(name) ? undefined : name,
    rejectUnauthorized: opts.rejectUnauthorized ?? true,
    checkServerIdentity: (_host, cert) => (opts.checkServerIdentity === false ? undefined : tls.checkServerIdentity(name, cert)),
  };
}

const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_SIGNATURE_FAILURE', 'CERT_UNTRUSTED', 'INVALID_CA', 'CERT_REJECTED',
]);

/**
 * The TLS meaning of a socket error, or null when it is not about TLS (refused, unreachable, ...).
 * `secured`: whether the handshake had completed, as a reset before that means no TLS was spoken.
 */
export function tlsFailure(err: Error, opts: ClientTlsOptions, secured: boolean): TlsError | null {
  if (err instanceof TlsError) return err;
  const e = err as NodeJS.ErrnoException & { reason?: string; host?: string; cert?: { subjectaltname?: string; subject?: { CN?: string } } };
  const code = e.code ?? '';
  const hasCert = opts.cert !== undefined;
  if (UNTRUSTED.has(code)) {
    const signer = opts.ca === undefined ? 'a CA this system trusts (give the CA file)' : 'the CA given';
    return new TlsError('untrusted', `the server's certificate is not trusted: it is not signed by ${signer} (${e.message})`, err);
  }
  if (code === 'CERT_HAS_EXPIRED') return new TlsError('expired', "the server's certificate has expired", err);
  if (code === 'CERT_NOT_YET_VALID') return new TlsError('expired', "the server's certificate is not valid yet", err);
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const names = e.cert?.subjectaltname || (e.cert?.subject?.CN ? `CN=${e.cert.subject.CN}` : 'none');
    return new TlsError('hostname',
      `hostname mismatch: the server's certificate is not for ${e.host ?? 'this host'} (it names ${names}); ` +
      'connect by a name it carries, or turn the hostname check off', err);
  }
  if (/CERTIFICATE_REQUIRED|PEER_DID_NOT_RETURN_A_CERTIFICATE/.test(code) || (!hasCert && /ALERT_HANDSHAKE_FAILURE|ALERT_BAD_CERTIFICATE/.test(code))) {
    return new TlsError('client-cert-required', 'the server requires a client certificate (ssl.clientAuth=need): give a certificate and key', err);
  }
  if (/ALERT_UNKNOWN_CA|ALERT_BAD_CERTIFICATE|ALERT_CERTIFICATE_UNKNOWN|ALERT_ACCESS_DENIED|ALERT_UNSUPPORTED_CERTIFICATE|ALERT_DECRYPT_ERROR/.test(code)) {
    return new TlsError('client-cert-refused', `the server refused the client certificate: its trust store does not hold the CA that signed it (${e.reason ?? code})`, err);
  }
  if (!secured && (code === 'ECONNRESET' || /WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|RECORD_LAYER_FAILURE/.test(code))) {
    return new TlsError('not-tls', 'the server ended the connection before the TLS handshake completed: is this its secure client port (secureClientPort)?', err);
  }
  if (/^ERR_SSL_|^ERR_TLS_/.test(code)) return new TlsError('other', e.reason ?? e.message, err);
  return null;
}

/** Paths of PEM files, as the monitor and the command line take them. */
export interface TlsFiles {
  caFile?: string | null;
  certFile?: string | null;
  keyFile?: string | null;
  /** Default true. */
  verifyHostname?: boolean;
}

/** Reads the files into ClientTlsOptions, checked: a file that cannot be read or used is a TlsError('setup') naming it. */
export function tlsFromFiles(files: TlsFiles): ClientTlsOptions {
  const read = (what: string, file: string | null | undefined): Buffer | undefined => {
    if (!file) return undefined;
    try {
      return readFileSync(file);
    } catch (err) {
      throw new TlsError('setup', `cannot read the ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, err);
    }
  };
  const opts: ClientTlsOptions = {
    ca: read('CA file', files.caFile),
    cert: read('client certificate file', files.certFile),
    key: read('client key file', files.keyFile),
    checkServerIdentity: files.verifyHostname ?? true,
  };
  for (const k of ['ca', 'cert', 'key'] as const) if (opts[k] === undefined) delete opts[k];
  secureContextOf(opts);
  return opts;
}
