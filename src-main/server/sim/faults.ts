// Random faults for a simulation run: crashes and restarts, partitions, one-way link failures and
// network weather (delay, loss, duplication, reordering). Each fault is chosen when it fires, from
// the run's PRNG and the state of the world then, so a seed replays the same story.

import type { NetworkProfile } from './network';
import type { Prng } from './prng';
import type { Simulation } from './simulator';

export interface FaultOptions {
  /** Nodes the faults may hit. */
  ids: readonly number[];
  /** Faults happen before this time; at it the network heals and calms and nodes come back. */
  until: number;
  /** Mean time between two faults. */
  meanGapMs: number;
  /** At most this many nodes down at once. */
  maxDown: number;
  /** How long a crashed node stays down, [min, max] ms. */
  downMs: readonly [number, number];
  /** The network once faults stop. */
  calm: NetworkProfile;
  /** Nodes crashed at `until` and left down (e.g. a minority, to test liveness without them). */
  keepDown?: readonly number[];
  /** Probability that a crash also loses the node's unsynced writes. */
  loseUnsyncedRate?: number;
  /** Draws the network profile of a weather change (default randomWeather). */
  weather?: (rng: Prng) => NetworkProfile;
}

/**
 * Draws a network profile anywhere from calm to very bad. Delays are at least 1 ms: a protocol
 * whose answers can answer each other would otherwise never let the clock move.
 */
export function randomWeather(rng: Prng, duplicates = true): NetworkProfile {
  const minDelayMs = rng.int(1, 10);
  return {
    minDelayMs,
    maxDelayMs: minDelayMs + rng.pick([5, 30, 150, 400, 1500]),
    lossRate: rng.pick([0, 0, 0.01, 0.05, 0.2, 0.4]),
    duplicateRate: duplicates ? rng.pick([0, 0, 0.02, 0.1]) : 0,
    reorder: rng.chance(0.5),
  };
}

export function injectFaults<M, D>(sim: Simulation<M, D>, rng: Prng, opts: FaultOptions): void {
  const down = new Set<number>();
  const gap = () => Math.max(1, Math.round(-Math.log(1 - rng.next()) * opts.meanGapMs));

  const restart = (id: number) => {
    if (!down.has(id) || sim.now >= opts.until) return;
    down.delete(id);
    sim.start(id);
  };

  const fault = () => {
    if (sim.now >= opts.until) return;
    const up = opts.ids.filter((id) => sim.isUp(id));
    const roll = rng.next();
    if (roll < 0.35 && down.size < opts.maxDown && up.length > 0) {
      const id = rng.pick(up);
      down.add(id);
      sim.crash(id, rng.chance(opts.loseUnsyncedRate ?? 0));
      const back = sim.now + rng.int(opts.downMs[0], opts.downMs[1]);
      sim.at(back, `restart node ${id}`, () => restart(id));
    } else if (roll < 0.55) {
      const shuffled = rng.shuffle(opts.ids);
      const cut = rng.int(1, shuffled.length - 1);
      const groups = [shuffled.slice(0, cut), shuffled.slice(cut)];
      sim.net.heal();
      sim.net.partition(groups);
      sim.note(`partition ${groups.map((g) => `{${g.join(',')}}`).join(' | ')}`);
    } else if (roll < 0.65) {
      const [a, b] = rng.shuffle(opts.ids);
      sim.net.cutLink(a, b, false);
      sim.note(`link ${a} -> ${b} fails`);
    } else if (roll < 0.8) {
      sim.net.heal();
      sim.note('network heals');
    } else {
      sim.net.profile = (opts.weather ?? randomWeather)(rng);
      const p = sim.net.profile;
      sim.note(`weather: delay ${p.minDelayMs}-${p.maxDelayMs} ms, loss ${p.lossRate}, dup ${p.duplicateRate}, reorder ${p.reorder}`);
    }
    sim.at(sim.now + gap(), 'fault', fault);
  };

  sim.at(gap(), 'fault', fault);
  sim.at(opts.until, 'faults stop: the network heals and calms, crashed nodes restart', () => {
    sim.net.heal();
    sim.net.profile = opts.calm;
    const keep = new Set(opts.keepDown ?? []);
    for (const id of opts.ids) {
      if (keep.has(id)) {
        if (sim.isUp(id)) sim.crash(id);
      } else if (!sim.isUp(id)) {
        sim.start(id);
      }
    }
    down.clear();
  });
}
