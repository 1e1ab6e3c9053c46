// Turns the AdminServer's JSON answers into the same typed shapes the 4-letter-word parsers give
// (server_stats ≈ srvr, connections ≈ cons, monitor ≈ mntr, ...), so monitors can use either.

import type { JsonValue } from './admin-json';
import { summarizeMetrics, type MetricValue, type ServerMetrics } from './four-letter-mntr';
import {
  isServerMode,
  type ConnectionInfo,
  type QuorumServerConfig,
  type ServerStats,
  type WatchSummary,
} from './four-letter-parse';

export type JsonObject = { [key: string]: JsonValue };

/** Builds the caller's error for an answer that lacks what ZooKeeper always sends. */
export type Fail = (detail: string) => Error;

export interface LeaderInfo {
  isLeader: boolean;
  leaderId: number;
  leaderIp: string;
}

/** Every field but the envelope ("command", "error") that every answer carries. */
export function withoutEnvelope(body: JsonObject): JsonObject {
  const { command: _command, error: _error, ...rest } = body;
  return rest;
}

export function toServerMetrics(body: JsonObject, fail: Fail): ServerMetrics {
  const entries: [string, MetricValue][] = [];
  for (const [key, value] of Object.entries(withoutEnvelope(body))) {
    // Counters beyond 2^53 lose nothing a chart can show; text stays text.
    if (typeof value === 'number' || typeof value === 'string') entries.push([key, value]);
    else if (typeof value === 'bigint') entries.push([key, Number(value)]);
  }
  return summarizeMetrics(Object.fromEntries(entries), '', fail);
}

export function toServerStats(body: JsonObject, fail: Fail): ServerStats {
  const top = new Fields(body, '', fail);
  const stats = top.object('server_stats');
  const mode = stats.string('server_state');
  if (!isServerMode(mode)) throw fail(`server_stats.server_state is "${mode}"`);
  const zxid = stats.long('last_processed_zxid');
  const result: ServerStats = {
    version: top.string('version'),
    readOnly: top.boolean('read_only'),
    latency: { min: stats.number('min_latency'), avg: stats.number('avg_latency'), max: stats.number('max_latency') },
    received: stats.number('packets_received'),
    sent: stats.number('packets_sent'),
    connections: stats.number('num_alive_client_connections'),
    outstanding: stats.number('outstanding_requests'),
    zxid,
    // As srvr prints it: Java's Long.toHexString, unsigned.
    zxidHex: `0x${BigInt.asUintN(64, zxid).toString(16)}`,
    mode,
    nodeCount: top.number('node_count'),
  };
  if (top.has('proposal_stats')) {
    const proposal = top.object('proposal_stats');
    result.proposalSizes = {
      last: proposal.number('last_buffer_size'),
      min: proposal.number('min_buffer_size'),
      max: proposal.number('max_buffer_size'),
    };
  }
  return result;
}

/** Plain and TLS connections together, as `cons` lists them; session fields only once there is a session. */
export function toConnections(body: JsonObject, fail: Fail): ConnectionInfo[] {
  const top = new Fields(body, '', fail);
  const all = [...top.objects('connections'), ...(top.has('secure_connections') ? top.objects('secure_connections') : [])];
  return all.map((c) => {
    const { host, port } = splitHostPort(c.string('remote_socket_address'), fail);
    const info: ConnectionInfo = {
      address: host,
      port,
      interestOps: c.number('interest_ops'),
      queued: c.number('outstanding_requests'),
      recved: c.number('packets_received'),
      sent: c.number('packets_sent'),
    };
    const sid = c.has('session_id') ? c.long('session_id') : 0n;
    if (sid === 0n) return info;
    info.sid = sid;
    info.lop = c.string('last_operation');
    info.est = c.number('established');
    info.to = c.number('session_timeout');
    const lcxid = c.number('last_cxid');
    if (lcxid >= 0) info.lcxid = lcxid;
    const lzxid = c.long('last_zxid');
    if (lzxid >= 0n) info.lzxid = lzxid;
    info.lresp = c.number('last_response_time');
    info.llat = c.number('last_latency');
    info.minlat = c.number('min_latency');
    info.avglat = c.number('avg_latency');
    info.maxlat = c.number('max_latency');
    return info;
  });
}

export function toWatchSummary(body: JsonObject, fail: Fail): WatchSummary {
  const top = new Fields(body, '', fail);
  return {
    connections: top.number('num_connections'),
    paths: top.number('num_paths'),
    totalWatches: top.number('num_total_watches'),
  };
}

export function toEnvironment(body: JsonObject): Record<string, string> {
  return Object.fromEntries(Object.entries(withoutEnvelope(body)).map(([key, value]) => [key, String(value)]));
}

export function toIsReadOnly(body: JsonObject, fail: Fail): boolean {
  return new Fields(body, '', fail).boolean('read_only');
}

export function toLeaderInfo(body: JsonObject, fail: Fail): LeaderInfo {
  const top = new Fields(body, '', fail);
  return { isLeader: top.boolean('is_leader'), leaderId: top.number('leader_id'), leaderIp: top.string('leader_ip') };
}

/** The voting members (observers are not listed), shaped like conf's server.N lines. */
export function toVotingView(body: JsonObject, fail: Fail): QuorumServerConfig[] {
  const config = new Fields(body, '', fail).object('current_config');
  return config.keys().map((key) => {
    const member = config.object(key);
    const quorum = member.strings('server_addresses').map((a) => splitHostPort(a, fail));
    const election = member.strings('election_addresses').map((a) => splitHostPort(a, fail));
    const role = member.string('learner_type');
    if (role !== 'participant' && role !== 'observer') throw fail(`current_config.${key}.learner_type is "${role}"`);
    const server: QuorumServerConfig = {
      id: Number(key),
      addresses: quorum.map((q, i) => ({ host: q.host, quorumPort: q.port, electionPort: election[i]?.port ?? 0 })),
      role,
    };
    const client = member.string('client_address');
    if (client !== '') server.clientAddress = splitHostPort(client, fail);
    return server;
  });
}

function splitHostPort(text: string, fail: Fail): { host: string; port: number } {
  const colon = text.lastIndexOf(':');
  const port = Number(text.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port)) throw fail(`"${text}" is not host:port`);
  return { host: text.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port };
}

/** Typed reads of one JSON object that name the missing or mistyped field. */
class Fields {
  constructor(
    private readonly body: JsonObject,
    private readonly path: string,
    private readonly fail: Fail,
  ) {}

  has(key: string): boolean {
    return Object.hasOwn(this.body, key) && this.body[key] !== null;
  }

  keys(): string[] {
    return Object.keys(this.body);
  }

  number(key: string): number {
    const value = this.get(key);
    if (typeof value === 'number') return value;
    if (typeof value === 'bigint') return Number(value);
    throw this.wrongType(key, 'a number');
  }

  /** 64-bit ids and zxids: bigint whatever their size, so callers need not care. */
  long(key: string): bigint {
    const value = this.get(key);
    if (typeof value === 'bigint') return value;
    if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
    throw this.wrongType(key, 'a whole number');
  }

  string(key: string): string {
    const value = this.get(key);
    if (typeof value === 'string') return value;
    throw this.wrongType(key, 'text');
  }

  boolean(key: string): boolean {
    const value = this.get(key);
    if (typeof value === 'boolean') return value;
    throw this.wrongType(key, 'true or false');
  }

  strings(key: string): string[] {
    const value = this.get(key);
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
    throw this.wrongType(key, 'a list of text');
  }

  object(key: string): Fields {
    const value = this.get(key);
    if (isObject(value)) return new Fields(value, `${this.path}${key}.`, this.fail);
    throw this.wrongType(key, 'an object');
  }

  objects(key: string): Fields[] {
    const value = this.get(key);
    if (Array.isArray(value) && value.every(isObject)) {
      return value.map((item, i) => new Fields(item as JsonObject, `${this.path}${key}[${i}].`, this.fail));
    }
    throw this.wrongType(key, 'a list of objects');
  }

  private get(key: string): JsonValue {
    if (!Object.hasOwn(this.body, key)) throw this.fail(`no ${this.path}${key}`);
    return this.body[key];
  }

  private wrongType(key: string, expected: string): Error {
    return this.fail(`${this.path}${key} is not ${expected}`);
  }
}

export function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
