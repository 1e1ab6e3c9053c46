// A write load whose every outcome is recorded, and a check of a recovered server against it.
// Each writer owns its keys and writes one at a time, so for every key the acknowledged history
// is exact: after a crash the key must hold its last acknowledged value, or a value whose write
// was in flight when the server died (outcome unknown), and never anything else.

import { ZooKeeperClient } from '../../client';
import { ErrorCode, ZooKeeperError } from '../../protocol/errors';

export interface Attempt {
  writer: number;
  kind: 'create' | 'set';
  path: string;
  value: string;
  outcome: 'pending' | 'acked' | 'unknown' | 'failed';
  /** The czxid (create) or mzxid (setData) the server acknowledged. */
  zxid?: bigint;
  error?: string;
}

export interface Round {
  /** Writes acknowledged in this round so far. */
  readonly acked: number;
  untilAcked(n: number, timeoutMs?: number): Promise<void>;
  /** Resolves once every writer stopped (its connection lost) and its client is closed. */
  readonly finished: Promise<void>;
}

export interface Verification {
  problems: string[];
  nodesChecked: number;
  ackedWrites: number;
  unknownWrites: number;
  /** Writes in flight at a crash that turned out to have been applied. */
  unknownPresent: number;
  maxAckedZxid: bigint;
}

const INITIAL = 'initial';

export class WriteLoad {
  readonly attempts: Attempt[] = [];
  private readonly nextSeq: number[];

  constructor(
    readonly writers: number,
    readonly root = '/load',
  ) {
    this.nextSeq = Array.from({ length: writers }, () => 0);
  }

  keyOf(writer: number): string {
    return `${this.root}/w${writer}`;
  }

  /** The keys every writer updates, created (acknowledged) before any crash. */
  async setup(zk: ZooKeeperClient): Promise<void> {
    await zk.create(this.root, INITIAL);
    for (let w = 0; w < this.writers; w++) await zk.create(this.keyOf(w), INITIAL);
  }

  /** Every writer connects its own client and writes until its connection is lost. */
  startRound(connectString: string, round: number): Round {
    let acked = 0;
    const waiters: Array<() => void> = [];
    const noteAck = () => {
      acked++;
      for (const w of waiters.splice(0)) w();
    };
    const finished = Promise.all(
      Array.from({ length: this.writers }, (_, w) => this.runWriter(connectString, round, w, noteAck)),
    ).then(() => {});
    return {
      get acked() {
        return acked;
      },
      finished,
      async untilAcked(n: number, timeoutMs = 20_000) {
        const deadline = Date.now() + timeoutMs;
        while (acked < n) {
          if (Date.now() > deadline) throw new Error(`only ${acked} of ${n} writes acknowledged in ${timeoutMs} ms`);
          await new Promise<void>((r) => {
            waiters.push(r);
            setTimeout(r, 100);
          });
        }
      },
    };
  }

  private async runWriter(connectString: string, round: number, writer: number, noteAck: () => void): Promise<void> {
    const zk = new ZooKeeperClient({ connectString, sessionTimeoutMs: 4000 });
    await zk.connect();
    try {
      for (;;) {
        const seq = this.nextSeq[writer]++;
        // Alternating a new node and an update of the writer's key covers both ways a txn changes the tree.
        const kind = seq % 2 === 0 ? 'create' : 'set';
        // Sizes up to a few KB, so records straddle pages and a kill can land inside one.
        const value = `r${round}-w${writer}-s${seq}${'.'.repeat((seq % 7) * 600)}`;
        const path = kind === 'create' ? `${this.keyOf(writer)}/s${seq}` : this.keyOf(writer);
        const attempt: Attempt = { writer, kind, path, value, outcome: 'pending' };
        this.attempts.push(attempt);
        try {
          attempt.zxid = kind === 'create' ? (await zk.create(path, value)).stat.czxid : (await zk.setData(path, value)).mzxid;
          attempt.outcome = 'acked';
          noteAck();
        } catch (err) {
          const lost = err instanceof ZooKeeperError && err.code === ErrorCode.CONNECTIONLOSS;
          attempt.outcome = lost ? 'unknown' : 'failed';
          if (!lost) attempt.error = (err as Error).message;
          return;
        }
      }
    } finally {
      await zk.close();
    }
  }

  /** Compares what the server holds now with every recorded attempt. */
  async verify(zk: ZooKeeperClient, serverZxid: bigint): Promise<Verification> {
    const problems: string[] = [];
    const result: Verification = { problems, nodesChecked: 0, ackedWrites: 0, unknownWrites: 0, unknownPresent: 0, maxAckedZxid: 0n };
    const seenZxids = new Map<bigint, Attempt>();
    for (const a of this.attempts) {
      if (a.outcome === 'failed') problems.push(`${a.kind} ${a.path} failed with an answer from the server: ${a.error}`);
      if (a.outcome === 'unknown') result.unknownWrites++;
      if (a.outcome !== 'acked') continue;
      result.ackedWrites++;
      if (a.zxid! > result.maxAckedZxid) result.maxAckedZxid = a.zxid!;
      const twin = seenZxids.get(a.zxid!);
      if (twin) problems.push(`zxid 0x${a.zxid!.toString(16)} acknowledged twice: ${twin.kind} ${twin.path} and ${a.kind} ${a.path}`);
      seenZxids.set(a.zxid!, a);
    }
    if (result.maxAckedZxid > serverZxid) {
      problems.push(`the server's last zxid 0x${serverZxid.toString(16)} is behind an acknowledged zxid 0x${result.maxAckedZxid.toString(16)}`);
    }
    for (let w = 0; w < this.writers; w++) {
      const mine = this.attempts.filter((a) => a.writer === w);
      this.checkOrder(mine, problems);
      const counts = await Promise.all([
        this.checkKey(zk, mine.filter((a) => a.kind === 'set'), w, serverZxid, problems),
        this.checkCreates(zk, mine, w, serverZxid, problems),
      ]);
      for (const c of counts) {
        result.nodesChecked += c.nodes;
        result.unknownPresent += c.unknownPresent;
      }
    }
    return result;
  }

  /** One writer's writes were sequential, so their acknowledged zxids must rise. */
  private checkOrder(mine: Attempt[], problems: string[]): void {
    let last = 0n;
    for (const a of mine) {
      if (a.outcome !== 'acked') continue;
      if (a.zxid! <= last) problems.push(`${a.kind} ${a.path}=${a.value} got zxid 0x${a.zxid!.toString(16)}, not after 0x${last.toString(16)}`);
      last = a.zxid!;
    }
  }

  private async checkKey(zk: ZooKeeperClient, sets: Attempt[], writer: number, serverZxid: bigint, problems: string[]) {
    const key = this.keyOf(writer);
    const { data, stat } = await zk.getData(key);
    const value = data?.toString() ?? '';
    const lastAcked = sets.findLastIndex((a) => a.outcome === 'acked');
    const at = sets.findIndex((a) => a.value === value);
    let unknownPresent = 0;
    if (at === -1 && value !== INITIAL) problems.push(`${key} holds ${JSON.stringify(value)}, which was never written`);
    else if (at < lastAcked) problems.push(`${key} holds ${JSON.stringify(value)}: the acknowledged ${sets[lastAcked].value} is lost`);
    else if (at >= 0 && at === lastAcked && stat.mzxid !== sets[at].zxid) {
      problems.push(`${key}=${value} has mzxid 0x${stat.mzxid.toString(16)}, acknowledged as 0x${sets[at].zxid!.toString(16)}`);
    } else if (at > lastAcked) unknownPresent++;
    if (stat.mzxid > serverZxid) problems.push(`${key} has mzxid 0x${stat.mzxid.toString(16)} past the server's zxid 0x${serverZxid.toString(16)}`);
    return { nodes: 1, unknownPresent };
  }

  private async checkCreates(zk: ZooKeeperClient, mine: Attempt[], writer: number, serverZxid: bigint, problems: string[]) {
    const key = this.keyOf(writer);
    const creates = new Map(mine.filter((a) => a.kind === 'create').map((a) => [a.path, a]));
    const { children } = await zk.getChildren(key);
    const present = new Set(children.map((c) => `${key}/${c}`));
    let unknownPresent = 0;
    for (const [path, a] of creates) {
      if (a.outcome === 'acked' && !present.has(path)) problems.push(`acknowledged create ${path} (zxid 0x${a.zxid!.toString(16)}) is lost`);
    }
    const nodes = await Promise.all([...present].map(async (path) => ({ path, ...(await zk.getData(path)) })));
    for (const { path, data, stat } of nodes) {
      const a = creates.get(path);
      const value = data?.toString() ?? '';
      if (!a) {
        problems.push(`${path} exists but was never created by the load`);
        continue;
      }
      if (a.outcome === 'unknown') unknownPresent++;
      if (value !== a.value) problems.push(`${path} holds ${JSON.stringify(value)}, written as ${JSON.stringify(a.value)}`);
      if (a.outcome === 'acked' && stat.czxid !== a.zxid) {
        problems.push(`${path} has czxid 0x${stat.czxid.toString(16)}, acknowledged as 0x${a.zxid!.toString(16)}`);
      }
      if (stat.mzxid > serverZxid) problems.push(`${path} has mzxid 0x${stat.mzxid.toString(16)} past the server's zxid 0x${serverZxid.toString(16)}`);
    }
    return { nodes: nodes.length, unknownPresent };
  }
}
