// One failover round of `npm run bench:ensemble`: with a client writing continuously, kill -9 the
// leader and time (a) until another server reports `Mode: leader` and (b) until the first write sent
// after the kill is acknowledged; then start the killed server again and wait until it follows.

import { performance } from 'node:perf_hooks';
import { ZooKeeperClient } from '../src-main/client';
import { ErrorCode, ZooKeeperError } from '../src-main/protocol/errors';
import { engineName, srvrMode, type BenchEnsemble } from './ensemble-engines';

export interface FailoverOptions {
  /** The writer's request timeout: a write stuck on a dead connection is given up and sent again. */
  requestTimeoutMs: number;
  /** How often the surviving servers are asked for their mode. */
  pollMs: number;
  /** Budget for each of: a new leader, the first write, the killed server following again. */
  timeoutMs: number;
}

export interface FailoverResult {
  /** The leader that was killed, and the server that took over. */
  killed: number;
  newLeader: number | null;
  /** (a) kill -9 → a surviving server answers srvr with `Mode: leader`; null: none within the budget. */
  newLeaderMs: number | null;
  /** (b) kill -9 → the first acknowledgement of a write sent after the kill. */
  firstWriteMs: number | null;
  /** The last acknowledgement before the kill → the first after it: how long writers saw nothing succeed. */
  writeGapMs: number | null;
  /** Writes that failed in the round (connection loss, timeouts while there was no leader). */
  writeErrors: number;
  firstWriteError?: string;
  /** Sessions the writer lost (and replaced); a failover should lose none. */
  expiredSessions: number;
  /** For each lost session: its id, negotiated timeout, and when (ms after the kill) and how it ended. */
  sessionLosses: string[];
  /** Start of the killed server → it reports `Mode: follower`. */
  rejoinMs: number | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Waits until one server leads and the others follow; returns the leader's id. */
export async function waitForSteadyEnsemble(ens: BenchEnsemble, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let modes: (string | null)[] = [];
  for (;;) {
    modes = await Promise.all(ens.ids.map((id) => srvrMode(ens.clientPort(id))));
    const leaders = ens.ids.filter((_, i) => modes[i] === 'leader');
    if (leaders.length === 1 && modes.every((m) => m === 'leader' || m === 'follower')) return leaders[0];
    if (Date.now() >= deadline) {
      const seen = ens.ids.map((id, i) => `server ${id}: ${modes[i] ?? 'not serving'}`).join(', ');
      throw new Error(`the ${engineName[ens.engine]} ensemble did not settle (one leader, the rest following) within ${timeoutMs} ms: ${seen}\n${ens.logTails()}`);
    }
    await sleep(100);
  }
}

interface Ack {
  issued: number;
  acked: number;
}

/** One session on the whole connect string, setting a small node back to back. */
class Writer {
  readonly acks: Ack[] = [];
  errors = 0;
  firstError: string | undefined;
  expiredSessions = 0;
  /** What each lost session said, with the time (performance.now()) it was seen. */
  readonly sessionLosses: string[] = [];
  private running = true;
  private loop: Promise<void> = Promise.resolve();
  private client: ZooKeeperClient;
  private readonly path = `/zoolab-bench-failover-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

  constructor(private readonly connect: string, private readonly requestTimeoutMs: number) {
    this.client = this.newClient();
  }

  private newClient(): ZooKeeperClient {
    // 1 s per connection attempt: a server in the middle of an election must not hold the writer up.
    return new ZooKeeperClient({ connectString: this.connect, sessionTimeoutMs: 20_000, connectTimeoutMs: 1000, requestTimeoutMs: this.requestTimeoutMs });
  }

  async start(): Promise<void> {
    await this.client.connect(30_000);
    await this.client.create(this.path, Buffer.alloc(16, 'w'));
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    const value = Buffer.alloc(16, 'w');
    while (this.running) {
      const issued = performance.now();
      try {
        await this.client.setData(this.path, value);
        this.acks.push({ issued, acked: performance.now() });
      } catch (err) {
        if (!this.running) break;
        this.errors++;
        this.firstError ??= describe(err);
        const state = this.client.state;
        if ((err instanceof ZooKeeperError && err.code === ErrorCode.SESSIONEXPIRED) || state === 'expired' || state === 'closed') {
          this.expiredSessions++;
          this.sessionLosses.push(`session 0x${this.client.sessionId.toString(16)} (negotiated ${this.client.negotiatedTimeoutMs} ms) ${state} `
            + `at ${Math.round(performance.now())} ms: ${describe(err)}`);
          await this.client.close().catch(() => {});
          this.client = this.newClient();
          await this.client.connect(30_000).catch(() => {});
        }
        // Requests fail at once while the session reconnects; do not spin on that.
        await sleep(5);
      }
    }
  }

  /** Resolves once `count` writes have been acknowledged since the call. */
  async steady(count: number, timeoutMs: number): Promise<void> {
    const want = this.acks.length + count;
    const deadline = Date.now() + timeoutMs;
    while (this.acks.length < want) {
      if (Date.now() >= deadline) throw new Error(`the writer got only ${this.acks.length - want + count} of ${count} writes acknowledged in ${timeoutMs} ms (${this.firstError ?? 'no errors'})`);
      await sleep(10);
    }
  }

  firstAckSentAfter(t: number): Ack | undefined {
    return this.acks.find((a) => a.issued >= t);
  }

  lastAckBefore(t: number): Ack | undefined {
    return this.acks.findLast((a) => a.acked < t);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.client.delete(this.path).catch(() => {});
    await this.client.close().catch(() => {});
  }
}

export async function failoverRound(ens: BenchEnsemble, o: FailoverOptions, log: (line: string) => void): Promise<FailoverResult> {
  const leader = await waitForSteadyEnsemble(ens, o.timeoutMs);
  const others = ens.ids.filter((id) => id !== leader);
  const writer = new Writer(ens.connectString, o.requestTimeoutMs);
  let result: FailoverResult;
  try {
    await writer.start();
    await writer.steady(50, o.timeoutMs);
    const errorsBefore = writer.errors;
    writer.firstError = undefined;

    const killedAt = performance.now();
    const killing = ens.kill(leader);
    let newLeader: number | null = null;
    let newLeaderMs: number | null = null;
    const deadline = killedAt + o.timeoutMs;
    while (performance.now() < deadline) {
      const modes = await Promise.all(others.map((id) => srvrMode(ens.clientPort(id), 500)));
      const i = modes.indexOf('leader');
      if (i >= 0) {
        newLeader = others[i];
        newLeaderMs = performance.now() - killedAt;
        break;
      }
      await sleep(o.pollMs);
    }
    await killing;
    let first = writer.firstAckSentAfter(killedAt);
    while (!first && performance.now() < deadline) {
      await sleep(5);
      first = writer.firstAckSentAfter(killedAt);
    }
    const lastBefore = writer.lastAckBefore(killedAt);
    result = {
      killed: leader, newLeader, newLeaderMs,
      firstWriteMs: first ? first.acked - killedAt : null,
      writeGapMs: first && lastBefore ? first.acked - lastBefore.acked : null,
      writeErrors: writer.errors - errorsBefore,
      ...(writer.firstError === undefined ? {} : { firstWriteError: writer.firstError }),
      expiredSessions: writer.expiredSessions,
      sessionLosses: writer.sessionLosses.map((l) => l.replace(/at (\d+) ms/, (_, t: string) => `${Math.round(Number(t) - killedAt)} ms after the kill`)),
      rejoinMs: null,
    };
    if (newLeader === null) log(`    no new leader within ${o.timeoutMs} ms after killing server ${leader}:\n${ens.logTails()}`);
    if (!first) log(`    no write acknowledged within ${o.timeoutMs} ms after killing server ${leader} (${writer.errors - errorsBefore} failed: ${writer.firstError ?? '-'})`);
  } finally {
    await writer.stop();
  }

  const startedAt = performance.now();
  await ens.start(leader);
  for (;;) {
    if (await srvrMode(ens.clientPort(leader), 500) === 'follower') {
      result.rejoinMs = performance.now() - startedAt;
      break;
    }
    if (performance.now() - startedAt > o.timeoutMs) {
      throw new Error(`${engineName[ens.engine]} server ${leader} did not follow again within ${o.timeoutMs} ms of its restart\n${ens.logTails()}`);
    }
    await sleep(50);
  }
  await waitForSteadyEnsemble(ens, o.timeoutMs);
  return result;
}
