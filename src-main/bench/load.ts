// A load generator on ZooLab's own client, usable against any ZooKeeper: one kind of request with a
// fixed number in flight, each request's latency recorded, exact percentiles at the end.

import { performance } from 'node:perf_hooks';
import { OPEN_ACL_UNSAFE, ZooKeeperClient } from '../client';
import { ErrorCode, ZooKeeperError } from '../protocol/errors';
import type { MultiOp } from '../protocol/multi';
import { OpCode } from '../protocol/opcodes';

export type LoadOp = 'create' | 'set' | 'get' | 'mixed';
export const loadOps: readonly LoadOp[] = ['create', 'set', 'get', 'mixed'];

export interface LoadOptions {
  /** host:port[,host:port...][/chroot] */
  connect: string;
  /** mixed: of every 10 requests, 8 get, 1 set and 1 create (a read-mostly coordination load). */
  op: LoadOp;
  /** Requests in flight at every moment (until fewer than this remain). */
  concurrency: number;
  /** Requests in total. */
  ops: number;
  /** Bytes in each value written (and pre-written, for get). */
  size: number;
  /** Sessions the requests are spread over, round-robin. Default 1. */
  clients?: number;
  /** Default 10 s: a lost server ends the run soon rather than after a long session. */
  sessionTimeoutMs?: number;
  /** A request with no reply after this long fails with REQUESTTIMEOUT. Default 30 s. */
  requestTimeoutMs?: number;
}

export interface LoadResult {
  /** Requests that succeeded; latencies and throughput are of these. */
  ops: number;
  seconds: number;
  opsPerSec: number;
  /** Percentiles by nearest rank over every successful request; NaN when none succeeded. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Requests that failed; a lost session also stops the run, so ops + errors can fall short. */
  errors: number;
  /** What the first failure said, when there was one. */
  firstError?: string;
}

// get and set cycle over this many pre-created nodes: enough that no node is a hot spot, few
// enough that preparing them takes a moment even with one fsync per multi.
const poolMax = 1000;
// Preparation and cleanup go in multi batches of at most this many bytes (jute.maxbuffer is 1 MiB).
const batchBytes = 256 * 1024;
const batchMaxOps = 500;
const housekeepingInFlight = 4;

// Failures that mean the session (or the server) is gone: the rest of the run would only measure that.
const sessionLost = new Set<number>([ErrorCode.CONNECTIONLOSS, ErrorCode.SESSIONEXPIRED, ErrorCode.REQUESTTIMEOUT, ErrorCode.AUTHFAILED]);

/** The p-th percentile (0..100) of ascending values, by nearest rank: exact, no interpolation. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function validateLoadOptions(o: LoadOptions): string | null {
  if (!loadOps.includes(o.op)) return `op must be one of ${loadOps.join(', ')}, not '${o.op}'`;
  if (!Number.isInteger(o.concurrency) || o.concurrency < 1) return 'concurrency must be a whole number of at least 1';
  if (!Number.isInteger(o.ops) || o.ops < 1) return 'ops must be a whole number of at least 1';
  if (!Number.isInteger(o.size) || o.size < 0) return 'size must be a whole number of bytes (0 or more)';
  if (o.clients !== undefined && (!Number.isInteger(o.clients) || o.clients < 1)) return 'clients must be a whole number of at least 1';
  return null;
}

/** Runs `worker(i)` for i in [0, count) with at most `width` running at once. */
async function inParallel(count: number, width: number, worker: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await worker(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, lane));
}

/** Splits ops into multi requests that stay well under the server's packet limit. */
function batches(ops: MultiOp[], bytesPerOp: number): MultiOp[][] {
  const per = Math.max(1, Math.min(batchMaxOps, Math.floor(batchBytes / bytesPerOp)));
  const out: MultiOp[][] = [];
  for (let i = 0; i < ops.length; i += per) out.push(ops.slice(i, i + per));
  return out;
}

async function createAll(zk: ZooKeeperClient, paths: string[], value: Buffer): Promise<void> {
  const ops: MultiOp[] = paths.map((path) => ({ type: OpCode.create, path, data: value, acl: OPEN_ACL_UNSAFE, flags: 0 }));
  const groups = batches(ops, 128 + value.length);
  await inParallel(groups.length, housekeepingInFlight, async (i) => void (await zk.multi(groups[i])));
}

/** Deletes leaf nodes, several batches at once; ones already gone are fine. */
async function deleteAll(zk: ZooKeeperClient, paths: string[]): Promise<void> {
  const groups = batches(paths.map((path) => ({ type: OpCode.delete, path, version: -1 })), 128);
  await inParallel(groups.length, housekeepingInFlight, async (i) => {
    try {
      await zk.multi(groups[i]);
    } catch (err) {
      if (!(err instanceof ZooKeeperError) || sessionLost.has(err.code)) throw err;
      // One missing node fails the whole multi: fall back to one delete at a time.
      for (const op of groups[i]) {
        await zk.delete(op.path).catch((e: unknown) => {
          if (!(e instanceof ZooKeeperError && e.code === ErrorCode.NONODE)) throw e;
        });
      }
    }
  });
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Prepares a fresh parent node (and, for set/get/mixed, the nodes to work on), runs the requests
 * and removes everything it created, whatever happened.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const invalid = validateLoadOptions(options);
  if (invalid) throw new Error(invalid);
  const { op, concurrency, ops: total, size } = options;
  const clients = Array.from({ length: options.clients ?? 1 }, () => new ZooKeeperClient({
    connectString: options.connect,
    sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
  }));
  try {
    await Promise.all(clients.map((c) => c.connect()));
    const admin = clients[0];
    const value = Buffer.alloc(size, 'x');
    const parent = `/zoolab-bench-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    await admin.create(parent);
    const pool = op === 'create' ? [] : Array.from({ length: Math.min(total, poolMax) }, (_, i) => `${parent}/p${i}`);
    const created: string[] = [];
    let outcome: LoadResult | undefined;
    try {
      await createAll(admin, pool, value);
      outcome = await measure(clients, concurrency, total, (zk, i) => {
        const kind = op === 'mixed' ? (i % 10 === 0 ? 'create' : i % 10 === 1 ? 'set' : 'get') : op;
        const node = pool[i % pool.length];
        if (kind === 'create') {
          const path = `${parent}/c${i}`;
          return zk.create(path, value).then(() => void created.push(path));
        }
        return kind === 'set' ? zk.setData(node, value) : zk.getData(node);
      });
      return outcome;
    } finally {
      try {
        await deleteAll(admin, [...created, ...pool]);
        await admin.delete(parent);
      } catch (err) {
        // After a thrown error that error says more; otherwise nodes must not be left behind silently.
        if (outcome) {
          const how = outcome.firstError ? `stopped (${outcome.firstError})` : 'finished';
          throw new Error(`the run ${how} but ${parent} could not be removed: ${describe(err)}`);
        }
      }
    }
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

/** Keeps exactly `concurrency` requests in flight until `total` have been issued. */
async function measure(clients: ZooKeeperClient[], concurrency: number, total: number,
  request: (zk: ZooKeeperClient, i: number) => Promise<unknown>): Promise<LoadResult> {
  const latencies = new Float64Array(total);
  let succeeded = 0;
  let errors = 0;
  let firstError: string | undefined;
  let stopped = false;
  let next = 0;
  const lane = async () => {
    while (!stopped && next < total) {
      const i = next++;
      const t0 = performance.now();
      try {
        await request(clients[i % clients.length], i);
        latencies[succeeded++] = performance.now() - t0;
      } catch (err) {
        errors++;
        firstError ??= describe(err);
        if (err instanceof ZooKeeperError && sessionLost.has(err.code)) stopped = true;
      }
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
  const seconds = (performance.now() - start) / 1000;
  const sorted = latencies.subarray(0, succeeded).sort();
  return {
    ops: succeeded,
    seconds,
    opsPerSec: seconds > 0 ? succeeded / seconds : 0,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: percentile(sorted, 100),
    errors,
    ...(firstError === undefined ? {} : { firstError }),
  };
}
