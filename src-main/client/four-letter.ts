// ZooKeeper's 4-letter words over TCP (or TLS, on a secure client port): connect to the client
// port, write the word, read until the server closes. Typed helpers pair each word with its parser.

import net from 'node:net';
import tls from 'node:tls';
import { FourLetterWordError, refusalInAnswer } from './four-letter-errors';
import { parseMntr, type ServerMetrics } from './four-letter-mntr';
import {
  parseCons,
  parseConf,
  parseEnvi,
  parseIsro,
  parseRuok,
  parseSrvr,
  parseStat,
  parseWchs,
  type ConnectionInfo,
  type ServerConfig,
  type ServerStats,
  type StatReport,
  type WatchSummary,
} from './four-letter-parse';
import { tlsConnectOptions, tlsFailure, type ClientTlsOptions } from './tls-options';

export { FourLetterWordError, type FourLetterWordErrorKind } from './four-letter-errors';

export interface FourLetterWordOptions {
  /** Budget for connecting and reading the whole answer; default 5000 ms. */
  timeoutMs?: number;
  /** Ask over TLS: the port is a secure client port (ZooKeeper's Netty secureClientPort answers words too). */
  tls?: ClientTlsOptions;
}

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * Sends `word` and resolves with the server's whole answer. Rejects with FourLetterWordError:
 * refused, timeout, not-whitelisted, not-serving, no-answer (unknown word), or network.
 */
export function sendFourLetterWord(
  host: string,
  port: number,
  word: string,
  options: FourLetterWordOptions = {},
): Promise<string> {
  if (!/^[a-z]{4}$/.test(word)) {
    return Promise.reject(new RangeError(`a 4-letter word is four lowercase letters, not "${word}"`));
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const where = { host, port };
  const secure = options.tls;
  let socketOptions: net.NetConnectOpts | tls.ConnectionOptions;
  try {
    socketOptions = secure ? tlsConnectOptions(host, port, secure) : { host, port };
  } catch (error) {
    return Promise.reject(new FourLetterWordError('network', word, { ...where, detail: (error as Error).message, cause: error }));
  }
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let connected = false;
    let settled = false;
    const settle = (error: FourLetterWordError | undefined, text?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(text ?? '');
    };
    const timer = setTimeout(() => {
      const phase = connected ? `after ${timeoutMs} ms reading the answer` : `after ${timeoutMs} ms connecting`;
      settle(new FourLetterWordError('timeout', word, { ...where, detail: phase }));
    }, timeoutMs);
    const socket = secure ? tls.connect(socketOptions) : net.connect(socketOptions as net.NetConnectOpts);
    socket.on(secure ? 'secureConnect' : 'connect', () => {
      connected = true;
      // Keep our side open: ZooKeeper closes the connection itself once the answer is written,
      // and an early FIN from us can make it drop the answer.
      socket.write(word);
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      settle(refusalInAnswer(word, text, where), text);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const tlsError = secure ? tlsFailure(error, secure, connected) : null;
      if (tlsError) return settle(new FourLetterWordError('network', word, { ...where, detail: tlsError.message, cause: tlsError }));
      const kind = error.code === 'ECONNREFUSED' ? 'refused' : error.code === 'ETIMEDOUT' ? 'timeout' : 'network';
      settle(new FourLetterWordError(kind, word, { ...where, detail: error.code ?? error.message, cause: error }));
    });
  });
}

async function query<T>(
  host: string,
  port: number,
  word: string,
  parse: (text: string) => T,
  options?: FourLetterWordOptions,
): Promise<T> {
  const text = await sendFourLetterWord(host, port, word, options);
  try {
    return parse(text);
  } catch (error) {
    throw error instanceof FourLetterWordError ? error.at(host, port) : error;
  }
}

/** `ruok`: true when the server answers "imok" (it does so even without a quorum). */
export function queryRuok(host: string, port: number, options?: FourLetterWordOptions): Promise<boolean> {
  return query(host, port, 'ruok', parseRuok, options);
}

export function querySrvr(host: string, port: number, options?: FourLetterWordOptions): Promise<ServerStats> {
  return query(host, port, 'srvr', parseSrvr, options);
}

export function queryStat(host: string, port: number, options?: FourLetterWordOptions): Promise<StatReport> {
  return query(host, port, 'stat', parseStat, options);
}

export function queryMntr(host: string, port: number, options?: FourLetterWordOptions): Promise<ServerMetrics> {
  return query(host, port, 'mntr', parseMntr, options);
}

export function queryCons(host: string, port: number, options?: FourLetterWordOptions): Promise<ConnectionInfo[]> {
  return query(host, port, 'cons', parseCons, options);
}

export function queryConf(host: string, port: number, options?: FourLetterWordOptions): Promise<ServerConfig> {
  return query(host, port, 'conf', parseConf, options);
}

export function queryEnvi(host: string, port: number, options?: FourLetterWordOptions): Promise<Record<string, string>> {
  return query(host, port, 'envi', parseEnvi, options);
}

export function queryWchs(host: string, port: number, options?: FourLetterWordOptions): Promise<WatchSummary> {
  return query(host, port, 'wchs', parseWchs, options);
}

/** `isro`: 'ro' when the server runs in read-only mode (lost quorum, readonlymode.enabled). */
export function queryIsro(host: string, port: number, options?: FourLetterWordOptions): Promise<'ro' | 'rw'> {
  return query(host, port, 'isro', parseIsro, options);
}
