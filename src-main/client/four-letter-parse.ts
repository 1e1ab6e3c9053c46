// Parsers for the text answers of ZooKeeper's 4-letter words (ruok, srvr, stat, cons, conf, envi,
// wchs, isro) as printed by Apache ZooKeeper 3.5–3.9. mntr lives in four-letter-mntr.ts.

import { FourLetterWordError, refusalInAnswer } from './four-letter-errors';

export type ServerMode = 'standalone' | 'leader' | 'follower' | 'observer' | 'read-only';

const SERVER_MODES: readonly string[] = ['standalone', 'leader', 'follower', 'observer', 'read-only'];

export function isServerMode(text: string): text is ServerMode {
  return SERVER_MODES.includes(text);
}

export interface LatencyStats {
  min: number;
  /** 3.8 prints a fraction (0/2.75/8); older servers print a whole number. */
  avg: number;
  max: number;
}

/** The answer to `srvr`. */
export interface ServerStats {
  version: string;
  /** True when the server says "READ-ONLY mode; serving only read-only clients". */
  readOnly: boolean;
  latency: LatencyStats;
  received: number;
  sent: number;
  connections: number;
  outstanding: number;
  zxid: bigint;
  /** The zxid as the server printed it, e.g. "0x100000000". */
  zxidHex: string;
  mode: ServerMode;
  nodeCount: number;
  /** Only a leader prints these; -1 until it has proposed something. */
  proposalSizes?: { last: number; min: number; max: number };
}

/** The answer to `stat`: srvr plus the list of client connections. */
export interface StatReport extends ServerStats {
  clients: ConnectionInfo[];
}

/**
 * One client connection as `cons` (all fields) or `stat` (address to sent) prints it. Field names
 * are ZooKeeper's. Fields without a value yet are left out by the server and undefined here.
 */
export interface ConnectionInfo {
  /** The peer's IP address, without brackets for IPv6. */
  address: string;
  port: number;
  /** The selector interest ops: 0 for a connection that has not started a session. */
  interestOps: number;
  queued: number;
  recved: number;
  sent: number;
  sid?: bigint;
  /** The last operation, e.g. GETD, PING, or NA. */
  lop?: string;
  /** When the connection was established, epoch ms. */
  est?: number;
  /** The negotiated session timeout, ms. */
  to?: number;
  lcxid?: number;
  lzxid?: bigint;
  /** When the last response was sent, on the server's monotonic clock, ms. */
  lresp?: number;
  llat?: number;
  minlat?: number;
  avglat?: number;
  maxlat?: number;
}

/** One `server.N` line of `conf`. */
export interface QuorumServerConfig {
  id: number;
  /** More than one when the server lists several addresses joined by '|' (3.6+). */
  addresses: { host: string; quorumPort: number; electionPort: number }[];
  role: 'participant' | 'observer';
  clientAddress?: { host: string; port: number };
}

/** The answer to `conf`. */
export interface ServerConfig {
  /** Every key=value line, server.N lines included, exactly as printed. */
  values: Record<string, string>;
  servers: QuorumServerConfig[];
}

/** The answer to `wchs`. */
export interface WatchSummary {
  connections: number;
  paths: number;
  totalWatches: number;
}

export function parseRuok(text: string): boolean {
  return text.trim() === 'imok';
}

export function parseSrvr(text: string): ServerStats {
  return parseStatLike('srvr', text).stats;
}

export function parseStat(text: string): StatReport {
  const { stats, clients } = parseStatLike('stat', text);
  return { ...stats, clients };
}

function parseStatLike(word: string, text: string): { stats: ServerStats; clients: ConnectionInfo[] } {
  rejectRefusal(word, text);
  const fields = new Map<string, string>();
  const clients: ConnectionInfo[] = [];
  let readOnly = false;
  let inClients = false;
  for (const line of lines(text)) {
    if (inClients) {
      if (line.trim() === '') inClients = false;
      else clients.push(parseConnectionLine(word, line));
      continue;
    }
    if (line === 'Clients:') inClients = true;
    else if (line.startsWith('READ-ONLY mode')) readOnly = true;
    else {
      const colon = line.indexOf(': ');
      if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 2).trim());
    }
  }
  const need = (key: string): string => {
    const value = fields.get(key);
    if (value === undefined) throw malformed(word, `no "${key}" line`);
    return value;
  };
  const [min, avg, max] = numberTriple(word, need('Latency min/avg/max'));
  const zxidHex = need('Zxid');
  const mode = need('Mode');
  if (!isServerMode(mode)) throw malformed(word, `unknown mode "${mode}"`);
  const proposalText = fields.get('Proposal sizes last/min/max');
  const proposal = proposalText === undefined ? undefined : numberTriple(word, proposalText);
  const stats: ServerStats = {
    version: need('Zookeeper version'),
    readOnly,
    latency: { min, avg, max },
    received: integer(word, need('Received')),
    sent: integer(word, need('Sent')),
    connections: integer(word, need('Connections')),
    outstanding: integer(word, need('Outstanding')),
    zxid: hexLong(word, zxidHex),
    zxidHex,
    mode,
    nodeCount: integer(word, need('Node count')),
  };
  if (proposal) stats.proposalSizes = { last: proposal[0], min: proposal[1], max: proposal[2] };
  return { stats, clients };
}

export function parseCons(text: string): ConnectionInfo[] {
  rejectRefusal('cons', text);
  return lines(text)
    .filter((line) => line.trim() !== '')
    .map((line) => parseConnectionLine('cons', line));
}

// " /127.0.0.1:35946[1](queued=0,recved=8,sent=8,sid=0x1000004d0850000,...)"; IPv6 peers print as
// "/[0:0:0:0:0:0:0:1]:57558", and a resolved peer as "host/10.0.0.1:2181".
const CONNECTION_LINE = /^\s*[^/\s]*\/(\[[^\]]+\]|[^\s[]+):(\d+)\[(\d+)\]\((.*)\)\s*$/;

// Printed only once the connection has a session.
const OPTIONAL_CONNECTION_NUMBERS = ['est', 'to', 'lresp', 'llat', 'minlat', 'avglat', 'maxlat'] as const;

function parseConnectionLine(word: string, line: string): ConnectionInfo {
  const match = CONNECTION_LINE.exec(line);
  if (!match) throw malformed(word, `unreadable connection line "${line.trim()}"`);
  const [, address, port, interestOps, body] = match;
  const values = new Map<string, string>();
  for (const pair of body.split(',')) {
    const eq = pair.indexOf('=');
    if (eq > 0) values.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  const counter = (key: string): number => {
    const value = values.get(key);
    if (value === undefined) throw malformed(word, `no ${key} in "${line.trim()}"`);
    return javaNumber(word, value);
  };
  const info: ConnectionInfo = {
    address: unbracket(address),
    port: Number(port),
    interestOps: Number(interestOps),
    queued: counter('queued'),
    recved: counter('recved'),
    sent: counter('sent'),
  };
  for (const key of OPTIONAL_CONNECTION_NUMBERS) {
    const value = values.get(key);
    if (value !== undefined) info[key] = javaNumber(word, value);
  }
  const sid = values.get('sid');
  if (sid !== undefined) info.sid = hexLong(word, sid);
  const lop = values.get('lop');
  if (lop !== undefined) info.lop = lop;
  const lcxid = values.get('lcxid');
  if (lcxid !== undefined) info.lcxid = Number(hexLong(word, lcxid));
  const lzxid = values.get('lzxid');
  if (lzxid !== undefined) info.lzxid = hexLong(word, lzxid);
  return info;
}

export function parseConf(text: string): ServerConfig {
  rejectRefusal('conf', text);
  const values = keyValueLines(text);
  const servers = Object.entries(values)
    .filter(([key]) => /^server\.\d+$/.test(key))
    .map(([key, value]) => parseQuorumServer(Number(key.slice('server.'.length)), value));
  return { values, servers };
}

const QUORUM_ADDRESS = /^(\[[^\]]+\]|[^:]+):(\d+):(\d+)(?::(participant|observer))?$/;

function parseQuorumServer(id: number, text: string): QuorumServerConfig {
  const semicolon = text.indexOf(';');
  const serverPart = semicolon < 0 ? text : text.slice(0, semicolon);
  const clientPart = semicolon < 0 ? '' : text.slice(semicolon + 1).trim();
  let role: QuorumServerConfig['role'] = 'participant';
  const addresses = serverPart.split('|').map((segment) => {
    const match = QUORUM_ADDRESS.exec(segment.trim());
    if (!match) throw malformed('conf', `unreadable server.${id} address "${segment}"`);
    if (match[4]) role = match[4] as QuorumServerConfig['role'];
    return { host: unbracket(match[1]), quorumPort: Number(match[2]), electionPort: Number(match[3]) };
  });
  const server: QuorumServerConfig = { id, addresses, role };
  if (clientPart) {
    const colon = clientPart.lastIndexOf(':');
    if (colon < 0) throw malformed('conf', `unreadable server.${id} client address "${clientPart}"`);
    server.clientAddress = { host: unbracket(clientPart.slice(0, colon)), port: integer('conf', clientPart.slice(colon + 1)) };
  }
  return server;
}

/** The answer to `envi`: Java system properties and host facts, as printed. */
export function parseEnvi(text: string): Record<string, string> {
  rejectRefusal('envi', text);
  return keyValueLines(text);
}

export function parseWchs(text: string): WatchSummary {
  rejectRefusal('wchs', text);
  const match = /^(\d+) connections watching (\d+) paths\s*\n\s*Total watches:\s*(\d+)/.exec(text.trim());
  if (!match) throw malformed('wchs', 'expected "N connections watching N paths" and "Total watches:N"');
  return { connections: Number(match[1]), paths: Number(match[2]), totalWatches: Number(match[3]) };
}

export function parseIsro(text: string): 'ro' | 'rw' {
  rejectRefusal('isro', text);
  const answer = text.trim();
  if (answer === 'ro' || answer === 'rw') return answer;
  throw malformed('isro', `expected "ro" or "rw", got "${answer.slice(0, 80)}"`);
}

// --- shared helpers (also used by four-letter-mntr.ts) ---

export function lines(text: string): string[] {
  return text.split(/\r?\n/);
}

function keyValueLines(text: string): Record<string, string> {
  const entries: [string, string][] = [];
  for (const line of lines(text)) {
    const eq = line.indexOf('=');
    if (eq > 0) entries.push([line.slice(0, eq), line.slice(eq + 1)]);
  }
  // fromEntries defines own properties, so a key like "__proto__" cannot touch the prototype.
  return Object.fromEntries(entries);
}

export function rejectRefusal(word: string, text: string): void {
  const refusal = refusalInAnswer(word, text);
  if (refusal) throw refusal;
}

export function malformed(word: string, detail: string): FourLetterWordError {
  return new FourLetterWordError('malformed', word, { detail });
}

/** Java prints doubles as 2.75, 0.0, 1.0E-4, NaN or Infinity and longs as plain digits. */
export const JAVA_NUMBER = /^(-?\d+(\.\d+)?([eE]-?\d+)?|NaN|-?Infinity)$/;

function javaNumber(word: string, text: string): number {
  if (!JAVA_NUMBER.test(text)) throw malformed(word, `"${text}" is not a number`);
  return Number(text);
}

function integer(word: string, text: string): number {
  if (!/^-?\d+$/.test(text)) throw malformed(word, `"${text}" is not a whole number`);
  return Number(text);
}

function numberTriple(word: string, text: string): [number, number, number] {
  const parts = text.split('/');
  if (parts.length !== 3) throw malformed(word, `expected a/b/c, got "${text}"`);
  return [javaNumber(word, parts[0]), javaNumber(word, parts[1]), javaNumber(word, parts[2])];
}

/**
 * Java's Long.toHexString prints a long as unsigned hex; read it back as the signed long the
 * wire protocol carries, so -1 ("0xffffffffffffffff", no zxid yet) stays -1.
 */
function hexLong(word: string, text: string): bigint {
  if (!/^0x[0-9a-fA-F]{1,16}$/.test(text)) throw malformed(word, `"${text}" is not a hex long`);
  return BigInt.asIntN(64, BigInt(text));
}

function unbracket(host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1');
}
