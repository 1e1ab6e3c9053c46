// Generates a run: a seeded random sequence of steps over a small path space (names a, b, c to
// depth 3), so operations keep colliding: creates under missing parents, deletes of non-empty
// nodes, ACLs that lock out other sessions, watches that fire from other sessions' writes.

import { AddWatchMode, CreateMode, isEphemeral, isSequential, isTTL, Perms, WatcherType } from '../../protocol/constants';
import { digestId } from '../../protocol/digest';
import { OpCode } from '../../protocol/opcodes';
import type { ACL } from '../../protocol/records';
import { Prng } from './prng';
import { SEQ_REF, SLOTS, SUPER_CREDENTIAL, type RawOp, type Step, type StepKind, type StepOp } from './steps';

export interface GeneratorOptions {
  /** One session expiry every this many steps (0: none); each costs about a session timeout of wall time. */
  expireEvery?: number;
}

const NAMES = ['a', 'b', 'c'];
const SPECIAL_PATHS = ['/', '/zookeeper', '/zookeeper/quota', '/zookeeper/config', '/d'];
const INVALID_PATHS = ['', 'a', '/a/', '//a', '/a/./b', '/a/../b', '/a\u0000b', '/zookeeper/quota/'];

const world = (perms: number): ACL => ({ perms, id: { scheme: 'world', id: 'anyone' } });
const digest = (cred: string, perms: number): ACL => ({ perms, id: { scheme: 'digest', id: digestId(cred) } });
const ip = (addr: string, perms: number): ACL => ({ perms, id: { scheme: 'ip', id: addr } });

const VALID_ACLS: Array<[ACL[], number]> = [
  [[world(Perms.ALL)], 50],
  [[{ perms: Perms.ALL, id: { scheme: 'auth', id: '' } }], 8],
  [[world(Perms.READ)], 6],
  [[digest('alice:pw', Perms.ALL)], 6],
  [[digest('bob:pw', Perms.READ | Perms.WRITE)], 3],
  [[ip('127.0.0.1', Perms.ALL)], 4],
  [[ip('10.0.0.0/8', Perms.ALL)], 2],
  [[ip('127.0.0.0/24', Perms.READ | Perms.CREATE)], 2],
  [[world(Perms.READ), digest('alice:pw', Perms.ALL)], 5],
  [[world(Perms.CREATE | Perms.DELETE)], 3],
  [[world(Perms.ADMIN)], 2],
  [[world(Perms.ALL), world(Perms.ALL)], 1],
  [[{ perms: Perms.READ, id: { scheme: 'auth', id: 'ignored' } }, world(Perms.WRITE)], 1],
];
const INVALID_ACLS: ACL[][] = [
  [{ perms: Perms.ALL, id: { scheme: 'foo', id: 'bar' } }],
  [{ perms: Perms.ALL, id: { scheme: 'world', id: 'nobody' } }],
  [{ perms: Perms.ALL, id: { scheme: 'digest', id: 'alice' } }],
  [ip('not.an.ip', Perms.ALL)],
  [ip('10.0.0.0/99', Perms.ALL)],
  [world(0)],
  [world(63)],
  [world(Perms.ALL), { perms: Perms.ALL, id: { scheme: 'super', id: '' } }],
];

const STEP_WEIGHTS: Partial<Record<StepKind, number>> = {
  create: 22, delete: 7, setData: 9, getData: 7, exists: 6, getChildren: 7, getACL: 3, setACL: 4, sync: 1.5,
  multi: 6, multiRead: 2.5, getEphemerals: 1.5, getAllChildrenNumber: 1.5, addWatch: 4, removeWatches: 3,
  whoAmI: 1, addAuth: 1.5, close: 0.6, disconnect: 0.4, raw: 3,
};

class StepGenerator {
  private offline: { slot: number; until: number } | null = null;
  private pendingExpire = false;
  /** Paths this run asked to create or watch: ops that follow favour them, so more of them hit. */
  private readonly created: string[] = [];
  private readonly watched: string[][] = SLOTS.map(() => []);

  constructor(private readonly rng: Prng, private readonly opts: Required<GeneratorOptions>) {}

  next(index: number): Step {
    const { rng } = this;
    const every = this.opts.expireEvery;
    if (every > 0 && index % every === Math.floor(every / 2)) this.pendingExpire = true;
    if (this.offline && (index >= this.offline.until || this.pendingExpire)) {
      const slot = this.offline.slot;
      this.offline = null;
      return { kind: 'reconnect', slot };
    }
    const online = SLOTS.map((_, i) => i).filter((i) => i !== this.offline?.slot);
    const slot = rng.pick(online);
    if (this.pendingExpire) {
      this.pendingExpire = false;
      return { kind: 'expire', slot };
    }
    let kind = rng.weighted(STEP_WEIGHTS);
    if (kind === 'disconnect' && this.offline) kind = 'getData';
    switch (kind) {
      case 'create': {
        const args = this.createArgs();
        if (!args.path.endsWith('/')) this.remember(this.created, args.path);
        return { kind, slot, ...args };
      }
      case 'delete': return { kind, slot, path: this.knownPath(), version: this.version() };
      case 'setData': return { kind, slot, path: this.knownPath(), data: this.data(), version: this.version() };
      case 'getData': case 'exists': case 'getChildren': {
        const step = { kind, slot, path: this.knownPath(), watch: rng.chance(0.5) };
        if (step.watch) this.remember(this.watched[slot], step.path);
        return step;
      }
      case 'getACL': case 'sync': case 'getAllChildrenNumber': return { kind, slot, path: this.path() };
      case 'getEphemerals': return { kind, slot, path: rng.chance(0.4) ? '/' : this.path() };
      case 'setACL': return { kind, slot, path: this.path(), acl: this.acl(), version: this.version() };
      case 'multi': return { kind, slot, ops: this.multiOps() };
      case 'multiRead': return { kind, slot, ops: this.multiReadOps() };
      case 'addWatch': {
        const path = rng.chance(0.15) ? '/' : this.knownPath();
        this.remember(this.watched[slot], path);
        return { kind, slot, path, mode: rng.pick([AddWatchMode.PERSISTENT, AddWatchMode.PERSISTENT_RECURSIVE]) };
      }
      case 'removeWatches':
        return { kind, slot, path: this.watchedPath(slot), watcherType: rng.pick([WatcherType.Children, WatcherType.Data, WatcherType.Any, WatcherType.Any]), specific: rng.chance(0.5) };
      case 'whoAmI': return { kind, slot };
      case 'addAuth': return { kind, slot, ...this.auth() };
      case 'close': return { kind, slot };
      case 'disconnect':
        this.offline = { slot, until: index + rng.int(2, 8) };
        return { kind, slot };
      case 'raw': return { kind, slot, op: this.rawOp(slot) };
      default: throw new Error(`no generator for ${kind}`);
    }
  }

  private remember(list: string[], path: string): void {
    list.push(path);
    if (list.length > 20) list.shift();
  }

  /** Often a path this run created, else any path. */
  private knownPath(): string {
    return this.created.length > 0 && this.rng.chance(0.35) ? this.rng.pick(this.created) : this.path();
  }

  /** Mostly a path this slot asked to watch, so watch removal reaches the server's watch table. */
  private watchedPath(slot: number): string {
    const list = this.watched[slot];
    return list.length > 0 && this.rng.chance(0.75) ? this.rng.pick(list) : this.path();
  }

  private path(): string {
    const { rng } = this;
    const r = rng.next();
    if (r < 0.05) return rng.pick(SPECIAL_PATHS);
    if (r < 0.13) return `${this.nodePath(rng.int(0, 2))}/${SEQ_REF}`.replace('//', '/');
    return this.nodePath(Number(rng.weighted({ 1: 3, 2: 4, 3: 3 })));
  }

  private nodePath(depth: number): string {
    let p = '';
    for (let i = 0; i < depth; i++) p += `/${this.rng.pick(NAMES)}`;
    return p === '' ? '/' : p;
  }

  private data(): string | null {
    const { rng } = this;
    return rng.pick([null, '', 'x', `v${rng.int(0, 99)}`, `v${rng.int(0, 99)}`, 'y'.repeat(rng.int(50, 300))]);
  }

  private version(): number {
    return this.rng.pick([-1, -1, -1, 0, 0, 1, 2, 3]);
  }

  private acl(): ACL[] {
    const { rng } = this;
    if (rng.chance(0.06)) return rng.pick(INVALID_ACLS);
    const total = VALID_ACLS.reduce((s, [, w]) => s + w, 0);
    let r = rng.next() * total;
    for (const [acl, w] of VALID_ACLS) if ((r -= w) < 0) return acl;
    return VALID_ACLS[0][0];
  }

  private mode(): number {
    return Number(this.rng.weighted({
      [CreateMode.PERSISTENT]: 40, [CreateMode.EPHEMERAL]: 18, [CreateMode.PERSISTENT_SEQUENTIAL]: 10,
      [CreateMode.EPHEMERAL_SEQUENTIAL]: 8, [CreateMode.CONTAINER]: 12, [CreateMode.PERSISTENT_WITH_TTL]: 7,
      [CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL]: 5,
    }));
  }

  private ttl(): number {
    return this.rng.pick([1, 5000, 3_600_000]);
  }

  private createArgs(): { path: string; data: string | null; mode: number; acl: ACL[]; ttl?: number } {
    const { rng } = this;
    let mode = this.mode();
    // A sequential create under parent P with name n makes P/n0000000042; an empty name makes P/0000000042.
    const path = isSequential(mode) && rng.chance(0.1) ? `${this.nodePath(rng.int(0, 2))}/`.replace('//', '/') : this.path();
    // Ephemeral or locked-down nodes near the root would block most of the tree below them.
    const shallow = path.split('/').filter(Boolean).length <= 1;
    if (shallow && isEphemeral(mode) && rng.chance(0.7)) mode = isSequential(mode) ? CreateMode.PERSISTENT_SEQUENTIAL : CreateMode.PERSISTENT;
    const acl = shallow && rng.chance(0.7) ? [world(Perms.ALL)] : this.acl();
    const ttl = isTTL(mode) ? this.ttl() : undefined;
    return { path, data: this.data(), mode, acl, ...(ttl !== undefined ? { ttl } : {}) };
  }

  private multiOps(): StepOp[] {
    const { rng } = this;
    const count = rng.chance(0.03) ? 0 : rng.int(1, 4);
    return Array.from({ length: count }, (): StepOp => {
      switch (rng.weighted({ create: 35, delete: 20, setData: 20, check: 15, read: 3 })) {
        case 'create': return this.multiCreate();
        case 'delete': return { type: 'delete', path: this.knownPath(), version: this.version() };
        case 'setData': return { type: 'setData', path: this.knownPath(), data: this.data(), version: this.version() };
        case 'check': return { type: 'check', path: this.knownPath(), version: this.version() };
        default: return { type: rng.pick(['getData', 'getChildren'] as const), path: this.path() };
      }
    });
  }

  private multiCreate(): StepOp {
    const { rng } = this;
    const args = this.createArgs();
    const flags = args.mode;
    let opcode: number = rng.chance(0.2) ? OpCode.create : OpCode.create2;
    if (flags === CreateMode.CONTAINER) opcode = OpCode.createContainer;
    if (args.ttl !== undefined) opcode = OpCode.createTTL;
    // Now and then a create opcode that does not match its flags, for the server to reject.
    if (rng.chance(0.04)) opcode = rng.pick([OpCode.create2, OpCode.createContainer, OpCode.createTTL]);
    const op: StepOp = { type: 'create', opcode, path: args.path, data: args.data, acl: args.acl, flags };
    return opcode === OpCode.createTTL ? { ...op, ttl: args.ttl ?? this.ttl() } : op;
  }

  private multiReadOps(): StepOp[] {
    const { rng } = this;
    return Array.from({ length: rng.int(1, 4) }, (): StepOp =>
      rng.chance(0.05) ? { type: 'setData', path: this.path(), data: 'w', version: -1 }
        : { type: rng.pick(['getData', 'getChildren'] as const), path: this.path() });
  }

  private auth(): { scheme: string; auth: string } {
    const { rng } = this;
    switch (rng.weighted({ alice: 25, bob: 20, super: 10, dave: 15, ip: 10, unknown: 4, world: 3 })) {
      case 'alice': return { scheme: 'digest', auth: 'alice:pw' };
      case 'bob': return { scheme: 'digest', auth: 'bob:pw' };
      case 'super': return { scheme: 'digest', auth: SUPER_CREDENTIAL };
      case 'dave': return { scheme: 'digest', auth: 'dave:pw' };
      case 'ip': return { scheme: 'ip', auth: '' };
      case 'unknown': return { scheme: 'foo', auth: 'bar' };
      default: return { scheme: 'world', auth: 'anyone' };
    }
  }

  private rawPath(): string {
    return this.rng.chance(0.5) ? this.rng.pick(INVALID_PATHS) : this.path().replace(SEQ_REF, 'b');
  }

  private rawOp(slot: number): RawOp {
    const { rng } = this;
    switch (rng.weighted({ create: 30, read: 20, path: 10, write: 10, watches: 25, opcodeOnly: 2 })) {
      case 'create': {
        const acl = rng.chance(0.3) ? [] : this.acl();
        const opcode = rng.pick([OpCode.create, OpCode.create2, OpCode.createContainer, OpCode.createTTL]);
        const flags = rng.pick([0, 1, 2, 4, 5, 6, 7, -1]);
        const op: RawOp = { type: 'create', opcode, path: this.rawPath(), acl, flags };
        if (opcode !== OpCode.createTTL) return op;
        // createTTL with non-TTL flags skips the ttl check in prep; a bad ttl then throws while the
        // txn is applied, which kills Apache ZooKeeper 3.8's request processor: no reply ever comes.
        const ttlFlags = flags === 5 || flags === 6;
        return { ...op, ttl: ttlFlags ? rng.pick([0, -1, 1000, 2 ** 40, 2 ** 41]) : 1000 };
      }
      case 'read':
        return { type: 'read', opcode: rng.pick([OpCode.exists, OpCode.getData, OpCode.getChildren, OpCode.getChildren2]), path: this.rawPath(), watch: rng.chance(0.5) };
      case 'path':
        return { type: 'path', opcode: rng.pick([OpCode.getACL, OpCode.sync, OpCode.getAllChildrenNumber, OpCode.getEphemerals]), path: this.rawPath() };
      case 'write': return { type: 'write', opcode: rng.pick([OpCode.delete, OpCode.setData]), path: this.rawPath(), version: this.version() };
      case 'watches':
        return { type: 'watches', opcode: rng.pick([OpCode.checkWatches, OpCode.removeWatches]), path: this.watchedPath(slot).replace(SEQ_REF, 'b'), watcherType: rng.pick([1, 2, 3, 3, 4]) };
      default: return { type: 'opcodeOnly', opcode: rng.pick([999, OpCode.reconfig]) };
    }
  }
}

/** The same seed and options always give the same steps. */
export function generateSteps(seed: number, count: number, opts: GeneratorOptions = {}): Step[] {
  const gen = new StepGenerator(new Prng(seed), { expireEvery: opts.expireEvery ?? 1000 });
  return Array.from({ length: count }, (_, i) => gen.next(i));
}
