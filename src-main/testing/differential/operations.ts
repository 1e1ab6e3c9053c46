// One data step through ZooKeeperClient, its answer normalised. Errors are answers too: a
// ZooKeeperError becomes its code name (with every op's result for a failed multi).

import type { ZooKeeperClient, Watcher } from '../../client';
import { isSequential } from '../../protocol/constants';
import { ZooKeeperError } from '../../protocol/errors';
import type { MultiOp, MultiResult } from '../../protocol/multi';
import { OpCode } from '../../protocol/opcodes';
import { InvalidPathError } from '../../protocol/paths';
import type { Normalizer } from './normalize';
import type { Step, StepOp } from './steps';

export interface OpContext {
  client: ZooKeeperClient;
  n: Normalizer;
  /** The slot's one watcher: events are read off the wire, so it does nothing. */
  watcher: Watcher;
  /** A step path with its sequential reference resolved. */
  path(p: string): string;
  /** Remembers a sequential node this session created (its path as the client sees it). */
  created(path: string): void;
}

type DataStep = Exclude<Step, { kind: 'close' | 'expire' | 'disconnect' | 'reconnect' | 'raw' }>;

export async function runClientOp(step: DataStep, ctx: OpContext): Promise<unknown> {
  try {
    return { ok: await call(step, ctx) };
  } catch (e) {
    if (e instanceof ZooKeeperError) {
      const results = (e as ZooKeeperError & { results?: MultiResult[] }).results;
      return results ? { err: e.codeName, results: results.map((r) => ctx.n.multiResult(r)) } : { err: e.codeName };
    }
    if (e instanceof InvalidPathError) return { clientError: e.message };
    throw e;
  }
}

const bytes = (s: string | null) => (s === null ? null : Buffer.from(s));

async function call(step: DataStep, ctx: OpContext): Promise<unknown> {
  const { client: c, n } = ctx;
  const watch = (w: boolean) => (w ? ctx.watcher : undefined);
  switch (step.kind) {
    case 'create': {
      const r = await c.create(ctx.path(step.path), bytes(step.data), { mode: step.mode, acl: step.acl, ttl: step.ttl });
      if (isSequential(step.mode)) ctx.created(r.path);
      return { path: r.path, stat: n.stat(r.stat) };
    }
    case 'delete': return c.delete(ctx.path(step.path), step.version).then(() => null);
    case 'setData': return n.stat(await c.setData(ctx.path(step.path), bytes(step.data), step.version));
    case 'getData': {
      const r = await c.getData(ctx.path(step.path), watch(step.watch));
      return { data: n.data(r.data), stat: n.stat(r.stat) };
    }
    case 'exists': return n.stat(await c.exists(ctx.path(step.path), watch(step.watch)));
    case 'getChildren': {
      const r = await c.getChildren(ctx.path(step.path), watch(step.watch));
      return { children: n.unordered(r.children), stat: n.stat(r.stat) };
    }
    case 'getACL': {
      const r = await c.getACL(ctx.path(step.path));
      return { acl: n.acl(r.acl), stat: n.stat(r.stat) };
    }
    case 'setACL': return n.stat(await c.setACL(ctx.path(step.path), step.acl, step.version));
    case 'sync': return c.sync(ctx.path(step.path));
    case 'multi': {
      const ops = step.ops.map((op) => multiOp(op, ctx));
      const results = await c.multi(ops);
      ops.forEach((op, i) => {
        const r = results[i];
        if ('flags' in op && isSequential(op.flags) && r && 'path' in r) ctx.created(r.path);
      });
      return results.map((r) => n.multiResult(r));
    }
    case 'multiRead': return (await c.multiRead(step.ops.map((op) => multiOp(op, ctx)))).map((r) => n.multiResult(r));
    case 'getEphemerals': return n.unordered(await c.getEphemerals(ctx.path(step.path)));
    case 'getAllChildrenNumber': return c.getAllChildrenNumber(ctx.path(step.path));
    case 'addWatch': return c.addWatch(ctx.path(step.path), ctx.watcher, step.mode).then(() => null);
    case 'removeWatches':
      return c.removeWatches(ctx.path(step.path), step.specific ? ctx.watcher : null, step.watcherType).then(() => null);
    case 'whoAmI': return n.clientInfo(await c.whoAmI());
    case 'addAuth': return c.addAuth(step.scheme, step.auth).then(() => null);
  }
}

function multiOp(op: StepOp, ctx: OpContext): MultiOp {
  const path = ctx.path(op.path);
  switch (op.type) {
    case 'create':
      if (op.opcode === OpCode.createTTL) return { type: OpCode.createTTL, path, data: bytes(op.data), acl: op.acl, flags: op.flags, ttl: op.ttl ?? 0 };
      return { type: op.opcode as typeof OpCode.create2, path, data: bytes(op.data), acl: op.acl, flags: op.flags };
    case 'delete': return { type: OpCode.delete, path, version: op.version };
    case 'setData': return { type: OpCode.setData, path, data: bytes(op.data), version: op.version };
    case 'check': return { type: OpCode.check, path, version: op.version };
    case 'getData': return { type: OpCode.getData, path };
    case 'getChildren': return { type: OpCode.getChildren, path };
  }
}
