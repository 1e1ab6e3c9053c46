// The simulated client workload: one pseudo-node that sends writes to random servers at random
// moments and records which ones a server acknowledged (applied where it was sent). It never
// crashes; the scenario opens and closes its sending window.

import type { Prng } from '../../sim/prng';
import type { Outbound, SimNode, Step } from '../../sim/simulator';
import type { ZabSimMessage } from './zab-node';

export interface Acked {
  zxid: bigint;
  at: number;
}

export class SimClient implements SimNode<ZabSimMessage, null> {
  /** Writes are sent to `servers`, while now is in [sendFrom, sendUntil). */
  sendFrom = 0;
  sendUntil = 0;
  /** The client stops waking up at this time. */
  endAt = Infinity;
  /** Scripted writes, sent at the next wake-up whatever the window. */
  readonly queue: { to: number; id: string }[] = [];
  readonly acked = new Map<string, Acked>();
  /** Writes that ended in a connection loss: they may or may not have been committed. */
  readonly failed = new Set<string>();
  readonly sent = new Map<string, { at: number; to: number }>();
  private counter = 0;
  private wake: number | null = null;

  constructor(readonly id: number, public servers: readonly number[], private readonly rng: Prng,
    private readonly gapMs: readonly [number, number]) {}

  start(now: number): Step<ZabSimMessage> {
    return { send: [], wakeAt: this.next(now) };
  }

  onMessage(now: number, _from: number, msg: ZabSimMessage): Step<ZabSimMessage> {
    if (msg.kind === 'written' && !this.acked.has(msg.id)) this.acked.set(msg.id, { zxid: msg.zxid, at: now });
    if (msg.kind === 'failed') this.failed.add(msg.id);
    return { send: [], wakeAt: this.next(now) };
  }

  onTick(now: number): Step<ZabSimMessage> {
    const send: Outbound<ZabSimMessage>[] = [];
    for (const { to, id } of this.queue.splice(0)) {
      this.sent.set(id, { at: now, to });
      send.push({ to, msg: { kind: 'write', id } });
    }
    if (now >= this.sendFrom && now < this.sendUntil) {
      const id = `w${++this.counter}`;
      const to = this.rng.pick(this.servers);
      this.sent.set(id, { at: now, to });
      send.push({ to, msg: { kind: 'write', id } });
    }
    return { send, wakeAt: this.next(now) };
  }

  durable(): null {
    return null;
  }

  /** Writes sent at or after `since` with no answer yet. */
  unanswered(since: number): string[] {
    return [...this.sent].filter(([id, { at }]) => at >= since && !this.acked.has(id) && !this.failed.has(id))
      .map(([id, { at, to }]) => `${id} (to ${to} at ${at} ms)`);
  }

  ackedSince(since: number): number {
    let n = 0;
    for (const [id, { at }] of this.sent) if (at >= since && this.acked.has(id)) n++;
    return n;
  }

  /** Keeps one wake-up scheduled: messages must not push the next write out. */
  private next(now: number): number | null {
    if (this.wake !== null && this.wake > now) return this.wake;
    this.wake = now >= this.endAt ? null : now + this.rng.int(this.gapMs[0], this.gapMs[1]);
    return this.wake;
  }
}
