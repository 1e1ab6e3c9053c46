// Helpers for scripted scenarios on a small, well-behaved ensemble: start it, wait for a serving
// leader, write through a chosen server, and step the simulation until a condition holds (or fail
// with the trace). The faults are the scenario's own, injected at exact protocol moments.

import { QuorumMaj } from '../../election/quorum';
import { Prng } from '../../sim/prng';
import type { SimObserver } from '../../sim/simulator';
import type { LogEntry } from '../actions';
import { Ensemble } from './ensemble';
import type { ZabSimMessage, ZabSimNode } from './zab-node';

export interface ScriptedOptions {
  participants?: number;
  observers?: SimObserver<ZabSimMessage>[];
  traceLimit?: number;
}

/** A reliable (FIFO, lossless, 1-5 ms) network, tick 100 ms, initLimit 5, syncLimit 2. */
export function scriptedEnsemble(seed: number, opts: ScriptedOptions = {}): Ensemble {
  const rng = new Prng(seed);
  const participants = Array.from({ length: opts.participants ?? 3 }, (_, i) => i + 1);
  const ens = new Ensemble(seed, rng, {
    participants, observers: [],
    peer: {
      quorum: new QuorumMaj(participants), tickMs: 100, initLimit: 5, syncLimit: 2,
      election: { finalizeWaitMs: 200, minNotificationIntervalMs: 200, maxNotificationIntervalMs: 800 },
    },
    fsyncMs: [1, 3], writeGapMs: [5, 5], network: { minDelayMs: 1, maxDelayMs: 5, lossRate: 0, duplicateRate: 0, reorder: false },
  }, { observers: opts.observers, traceLimit: opts.traceLimit ?? 2000, describe: `scripted ensemble of ${participants.length}` });
  ens.client.endAt = Infinity;
  return ens;
}

/** Runs until `cond` holds, checking every millisecond of simulated time; fails after `withinMs`. */
export function runUntil(ens: Ensemble, what: string, cond: () => boolean, withinMs = 20_000): void {
  if (!ens.sim.run(ens.sim.now + withinMs, cond, 1)) ens.fail(`${what}: not within ${withinMs} ms\n${ens.roles()}`);
}

/** Waits until one leader serves and every live server follows it. */
export function settle(ens: Ensemble, what = 'a serving leader followed by every live server'): ZabSimNode {
  runUntil(ens, what, () => {
    const leader = ens.leader();
    return leader !== null && ens.serving().length === ens.servers.filter((id) => ens.sim.isUp(id)).length;
  });
  return ens.leader()!;
}

/** Sends a write to server `to` and waits until it is acknowledged and applied everywhere. */
export function write(ens: Ensemble, to: number, id: string): bigint {
  ens.client.queue.push({ to, id });
  runUntil(ens, `write ${id} acknowledged and applied`, () => ens.client.acked.has(id) && ens.quiet());
  return ens.client.acked.get(id)!.zxid;
}

/** Where a txn is in a log or applied list: its zxid, or null. */
export function find(entries: readonly LogEntry[], id: string): bigint | null {
  return entries.find((e) => e.txn.toString() === id)?.zxid ?? null;
}
