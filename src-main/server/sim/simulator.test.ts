import { describe, expect, it } from 'vitest';
import { injectFaults } from './faults';
import { reliableNetwork, type NetworkProfile } from './network';
import { Simulation, type SimNode, type Step } from './simulator';

type Msg = { n: number };

/** A toy protocol: on start, each node sends `burst` numbered messages to every other node. */
class Chatter implements SimNode<Msg, number> {
  readonly received: Array<[from: number, n: number, at: number]> = [];
  ticks: number[] = [];

  constructor(readonly id: number, readonly peers: number[], readonly boots: number, private readonly burst = 20,
    private readonly wake: number | null = null) {}

  start(): Step<Msg> {
    const send = this.peers.filter((p) => p !== this.id).flatMap((to) => Array.from({ length: this.burst }, (_, n) => ({ to, msg: { n } })));
    return { send, wakeAt: this.wake, events: [{ type: 'boot', fields: { boots: this.boots } }] };
  }

  onMessage(now: number, from: number, msg: Msg): Step<Msg> {
    this.received.push([from, msg.n, now]);
    return { send: [], wakeAt: this.wake };
  }

  onTick(now: number): Step<Msg> {
    this.ticks.push(now);
    return { send: [], wakeAt: now + 100 };
  }

  durable(): number {
    return this.boots + 1;
  }
}

function world(seed: number, network: Partial<NetworkProfile>, opts: { burst?: number; wake?: number | null } = {}) {
  const ids = [1, 2, 3];
  const sim = new Simulation<Msg, number>({
    seed, ids, network,
    factory: (id, boots) => new Chatter(id, ids, boots ?? 0, opts.burst, opts.wake ?? null),
    describe: (m) => `n=${m.n}`,
  });
  const node = (id: number) => sim.node(id) as Chatter;
  return { sim, node };
}

const jittery: Partial<NetworkProfile> = { minDelayMs: 1, maxDelayMs: 200, reorder: false };

describe('Simulation', () => {
  it('is a function of its seed', () => {
    const log = (seed: number) => {
      const { sim, node } = world(seed, { ...jittery, lossRate: 0.2, duplicateRate: 0.2, reorder: true });
      for (const id of sim.ids) sim.start(id);
      sim.run(10_000);
      return sim.ids.map((id) => node(id).received);
    };
    expect(log(5)).toEqual(log(5));
    expect(log(5)).not.toEqual(log(6));
  });

  it('keeps each link FIFO unless reordering is on', () => {
    const fifo = world(1, jittery);
    for (const id of fifo.sim.ids) fifo.sim.start(id);
    fifo.sim.run(10_000);
    const fromTwo = fifo.node(1).received.filter(([f]) => f === 2).map(([, n]) => n);
    expect(fromTwo).toEqual(Array.from({ length: 20 }, (_, i) => i));

    const mixed = world(1, { ...jittery, reorder: true });
    for (const id of mixed.sim.ids) mixed.sim.start(id);
    mixed.sim.run(10_000);
    const order = mixed.node(1).received.filter(([f]) => f === 2).map(([, n]) => n);
    expect(order.sort((a, b) => a - b)).toEqual(fromTwo);
    expect(mixed.node(1).received.filter(([f]) => f === 2).map(([, n]) => n)).not.toEqual(fromTwo);
  });

  it('loses and duplicates messages at the configured rates', () => {
    const lost = world(2, { ...reliableNetwork, lossRate: 1 });
    for (const id of lost.sim.ids) lost.sim.start(id);
    lost.sim.run(1000);
    expect(lost.node(1).received).toEqual([]);
    expect(lost.sim.counters.dropped).toBe(lost.sim.counters.sent);

    const doubled = world(2, { ...reliableNetwork, duplicateRate: 1 });
    for (const id of doubled.sim.ids) doubled.sim.start(id);
    doubled.sim.run(1000);
    expect(doubled.node(1).received).toHaveLength(2 * 2 * 20);
  });

  it('partitions cut links both ways, one-way cuts one, and healing restores them', () => {
    const { sim, node } = world(3, reliableNetwork, { burst: 1 });
    sim.net.partition([[1], [2, 3]]);
    sim.net.cutLink(2, 3, false);
    for (const id of sim.ids) sim.start(id);
    sim.run(1000);
    expect(node(1).received).toEqual([]);
    expect(node(2).received.map(([f]) => f)).toEqual([3]);
    expect(node(3).received).toEqual([]);
    sim.net.heal();
    expect(sim.net.partitioned).toBe(false);
    expect(sim.net.connected(2, 3)).toBe(true);
  });

  it('a crash drops what is in flight to the node and its timers; a restart boots from its disk', () => {
    const { sim, node } = world(4, { minDelayMs: 50, maxDelayMs: 50 }, { burst: 1, wake: 10 });
    for (const id of [2, 3, 1]) sim.start(id);
    sim.run(20);
    expect(node(1).ticks).toEqual([10]);
    sim.crash(1);
    expect(sim.isUp(1)).toBe(false);
    sim.run(40);
    sim.start(1);
    expect(sim.incarnation(1)).toBe(2);
    expect(node(1).boots).toBe(1);
    sim.run(200);
    // What 2 and 3 sent the first incarnation died with it; what that incarnation sent before
    // dying still arrives (the kernel flushes a killed process's socket), and so does the second's.
    expect(node(1).received).toEqual([]);
    expect(node(2).received.filter(([f]) => f === 1).map(([, , at]) => at)).toEqual([50, 90]);
    expect(() => sim.start(1)).toThrow(/already up/);
  });

  it('stops early when asked, and keeps the last trace lines', () => {
    const { sim, node } = world(5, jittery);
    for (const id of sim.ids) sim.start(id);
    const stopped = sim.run(100_000, () => node(1).received.length >= 10, 10);
    expect(stopped).toBe(true);
    expect(sim.now).toBeLessThan(1000);
    const trace = sim.trace().split('\n');
    expect(trace.length).toBeLessThanOrEqual(400);
    expect(trace.at(-1)).toMatch(/ms {2}\d -> \d {2}n=\d+$/);
  });

  it('lets a caller outside the network drive a node, and applies what it returns', () => {
    const { sim, node } = world(6, reliableNetwork, { burst: 0 });
    for (const id of sim.ids) sim.start(id);
    sim.at(500, 'client request', () => sim.poke(1, (_n, now) => ({ send: [{ to: 2, msg: { n: now } }], wakeAt: null })));
    sim.run(1000);
    expect(node(2).received.map(([f, n]) => [f, n])).toEqual([[1, 500]]);
    sim.crash(3);
    expect(() => sim.poke(3, () => { throw new Error('not called'); })).not.toThrow();
  });

  it('refuses a node that keeps waking itself without the clock moving', () => {
    const sim = new Simulation<Msg, number>({
      seed: 1, ids: [1], maxSteps: 1000,
      factory: (id) => ({ id, start: () => ({ send: [], wakeAt: 0 }), onMessage: () => ({ send: [], wakeAt: 0 }), onTick: () => ({ send: [], wakeAt: 0 }), durable: () => 0 }),
    });
    sim.start(1);
    expect(() => sim.run(10)).toThrow(/step budget/);
  });
});

describe('random faults', () => {
  it('stop at `until`: the network heals and calms, nodes come back except those kept down', () => {
    const run = (seed: number) => {
      const { sim } = world(seed, jittery, { burst: 1 });
      for (const id of sim.ids) sim.start(id);
      injectFaults(sim, sim.rng.fork(), {
        ids: sim.ids, until: 20_000, meanGapMs: 200, maxDown: 2, downMs: [10, 5000], calm: reliableNetwork, keepDown: [3],
      });
      sim.run(19_999);
      const before = sim.trace();
      sim.run(20_000);
      return { sim, before };
    };
    const { sim, before } = run(9);
    expect(before).toMatch(/crashes/);
    expect(before).toMatch(/partition|link .* fails/);
    expect(sim.isUp(1) && sim.isUp(2)).toBe(true);
    expect(sim.isUp(3)).toBe(false);
    expect(sim.net.partitioned).toBe(false);
    expect(sim.net.profile).toEqual(reliableNetwork);
    expect(run(9).before).toBe(before);
  });
});
