// A deterministic discrete-event simulator for protocol state machines. Nodes are pure: they take
// messages and clock readings and return messages to send, their next wake-up time and events.
// The simulator owns the clock, the network (delay, loss, duplication, reordering, partitions) and
// the node lifecycle (start, crash, restart from what was on disk), all drawn from one seeded PRNG,
// so a run is a function of its seed. Election and ZAB nodes plug in through SimNode.

import type { EventFields } from '../events';
import { EventQueue } from './event-queue';
import { SimNetwork, type NetworkProfile } from './network';
import { Prng } from './prng';

/** Something a node reports: `fields` for the event log and traces, `data` typed for checkers. */
export interface SimEvent {
  type: string;
  fields: EventFields;
  data?: unknown;
}

export interface Outbound<M> {
  to: number;
  msg: M;
}

/** What a node returns from every call. */
export interface Step<M> {
  send: readonly Outbound<M>[];
  /** When the node next wants onTick, or null for never (until a message arrives). */
  wakeAt: number | null;
  events?: readonly SimEvent[];
}

export interface SimNode<M, D> {
  readonly id: number;
  /** Boot: fresh, or after a crash with what `durable` returned then (given to the factory). */
  start(now: number): Step<M>;
  onMessage(now: number, from: number, msg: M): Step<M>;
  onTick(now: number): Step<M>;
  /** The state on disk if the process died now; loseUnsynced drops writes not yet fsynced. */
  durable(loseUnsynced: boolean): D;
}

export type NodeFactory<M, D> = (id: number, durable: D | undefined) => SimNode<M, D>;

/** Hooks for invariant checkers and statistics. */
export interface SimObserver<M> {
  onEvent?(now: number, node: number, event: SimEvent): void;
  onDeliver?(now: number, from: number, to: number, msg: M): void;
  onCrash?(now: number, node: number): void;
  onStart?(now: number, node: number, incarnation: number): void;
}

export interface SimulationOptions<M, D> {
  seed: number;
  ids: readonly number[];
  factory: NodeFactory<M, D>;
  network?: Partial<NetworkProfile>;
  /** One line for a message in traces. */
  describe?: (msg: M) => string;
  /** How many trace lines to keep for a failure report. */
  traceLimit?: number;
  observers?: SimObserver<M>[];
  /** Guard against a node that keeps waking itself without the clock moving. */
  maxSteps?: number;
}

type Agenda<M> =
  | { kind: 'deliver'; from: number; to: number; msg: M; incarnation: number }
  | { kind: 'wake'; node: number; token: number }
  | { kind: 'action'; label: string; run: () => void };

interface Slot<M, D> {
  node: SimNode<M, D> | null;
  incarnation: number;
  durable: D | undefined;
  wakeToken: number;
  wakeAt: number | null;
}

type TraceEntry = [time: number, text: string | (() => string)];

export class Simulation<M, D> {
  readonly rng: Prng;
  readonly net: SimNetwork;
  now = 0;
  readonly counters = { sent: 0, delivered: 0, dropped: 0, steps: 0 };
  private readonly queue = new EventQueue<Agenda<M>>();
  private readonly slots = new Map<number, Slot<M, D>>();
  private readonly trail: TraceEntry[] = [];
  private trailAt = 0;
  private readonly traceLimit: number;
  private readonly observers: SimObserver<M>[];
  private readonly describe: (msg: M) => string;
  private readonly maxSteps: number;

  constructor(private readonly opts: SimulationOptions<M, D>) {
    this.rng = new Prng(opts.seed);
    this.net = new SimNetwork(this.rng.fork(), opts.network);
    this.traceLimit = opts.traceLimit ?? 400;
    this.observers = opts.observers ?? [];
    this.describe = opts.describe ?? ((m) => JSON.stringify(m));
    this.maxSteps = opts.maxSteps ?? 20_000_000;
    for (const id of opts.ids) this.slots.set(id, { node: null, incarnation: 0, durable: undefined, wakeToken: 0, wakeAt: null });
  }

  get ids(): readonly number[] {
    return this.opts.ids;
  }

  addObserver(o: SimObserver<M>): void {
    this.observers.push(o);
  }

  isUp(id: number): boolean {
    return this.slot(id).node !== null;
  }

  upIds(): number[] {
    return this.opts.ids.filter((id) => this.isUp(id));
  }

  /** The running instance of a node (null while it is down). */
  node(id: number): SimNode<M, D> | null {
    return this.slot(id).node;
  }

  incarnation(id: number): number {
    return this.slot(id).incarnation;
  }

  /** Boots a node now: a fresh one, or a restart from what survived its last crash. */
  start(id: number): void {
    const s = this.slot(id);
    if (s.node) throw new Error(`node ${id} is already up`);
    s.incarnation++;
    s.node = this.opts.factory(id, s.durable);
    this.note(`node ${id} starts (incarnation ${s.incarnation})`);
    for (const o of this.observers) o.onStart?.(this.now, id, s.incarnation);
    this.apply(id, s.node.start(this.now));
  }

  /** Kills a node: its memory, timers and undelivered messages to it are gone; its disk stays. */
  crash(id: number, loseUnsynced = false): void {
    const s = this.slot(id);
    if (!s.node) return;
    s.durable = s.node.durable(loseUnsynced);
    s.node = null;
    s.wakeToken++;
    s.wakeAt = null;
    this.note(`node ${id} crashes${loseUnsynced ? ', losing its unsynced writes' : ''}`);
    for (const o of this.observers) o.onCrash?.(this.now, id);
  }

  /**
   * Calls into a running node from outside the network (a client request, an operator command)
   * and applies what it returns; does nothing while the node is down.
   */
  poke(id: number, call: (node: SimNode<M, D>, now: number) => Step<M>): void {
    const node = this.slot(id).node;
    if (node) this.apply(id, call(node, this.now));
  }

  /** Runs `run` at simulated time `time` (a fault, a check, a client request...). */
  at(time: number, label: string, run: () => void): void {
    this.queue.push(Math.max(time, this.now), { kind: 'action', label, run });
  }

  /** Records a line in the trace (faults and checks use it to explain a failure). */
  note(text: string | (() => string)): void {
    this.record(this.now, text);
  }

  /**
   * Processes events in time order up to `until` (the clock ends there). With `stopWhen`, checks
   * it every `checkEveryMs` of simulated time and stops early, returning true, once it holds.
   */
  run(until: number, stopWhen?: () => boolean, checkEveryMs = 100): boolean {
    let nextCheck = stopWhen ? this.now : Infinity;
    for (;;) {
      const t = this.queue.peekTime();
      if (nextCheck <= until && (t === undefined || nextCheck < t)) {
        this.now = Math.max(this.now, nextCheck);
        if (stopWhen!()) return true;
        nextCheck += checkEveryMs;
        continue;
      }
      if (t === undefined || t > until) break;
      const e = this.queue.pop()!;
      this.now = e.time;
      if (++this.counters.steps > this.maxSteps) throw new Error(`step budget of ${this.maxSteps} exceeded at t=${this.now}`);
      this.dispatch(e.item);
    }
    this.now = Math.max(this.now, until);
    return false;
  }

  /** The last trace lines, oldest first, for a failure report. */
  trace(): string {
    const n = Math.min(this.trail.length, this.traceLimit);
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      const [t, text] = this.trail[(this.trailAt - n + i + this.traceLimit) % this.traceLimit];
      lines.push(`${String(t).padStart(8)}ms  ${typeof text === 'function' ? text() : text}`);
    }
    return lines.join('\n');
  }

  private dispatch(a: Agenda<M>): void {
    switch (a.kind) {
      case 'action':
        this.note(a.label);
        a.run();
        return;
      case 'wake': {
        const s = this.slot(a.node);
        if (!s.node || a.token !== s.wakeToken) return;
        s.wakeAt = null;
        this.apply(a.node, s.node.onTick(this.now));
        return;
      }
      case 'deliver': {
        const s = this.slot(a.to);
        // A crash or restart resets the connection: what was in flight to the old process is lost.
        if (!s.node || s.incarnation !== a.incarnation || !this.net.connected(a.from, a.to)) {
          this.counters.dropped++;
          return;
        }
        this.counters.delivered++;
        const { from, to, msg } = a;
        this.record(this.now, () => `${from} -> ${to}  ${this.describe(msg)}`);
        for (const o of this.observers) o.onDeliver?.(this.now, from, to, msg);
        this.apply(to, s.node.onMessage(this.now, from, msg));
      }
    }
  }

  private apply(id: number, step: Step<M>): void {
    const s = this.slot(id);
    if (step.events) {
      for (const ev of step.events) {
        this.record(this.now, () => `[${id}] ${ev.type} ${JSON.stringify(ev.fields)}`);
        for (const o of this.observers) o.onEvent?.(this.now, id, ev);
      }
    }
    for (const { to, msg } of step.send) {
      this.counters.sent++;
      const target = this.slots.get(to);
      if (!target) throw new Error(`node ${id} sent to unknown node ${to}`);
      const times = this.net.plan(id, to, this.now);
      if (times.length === 0) this.counters.dropped++;
      for (const t of times) this.queue.push(t, { kind: 'deliver', from: id, to, msg, incarnation: target.incarnation });
    }
    // The node may have crashed itself through an observer; then its timers are gone.
    if (!s.node) return;
    if (step.wakeAt !== s.wakeAt) {
      s.wakeToken++;
      s.wakeAt = step.wakeAt;
      if (step.wakeAt !== null) this.queue.push(Math.max(step.wakeAt, this.now), { kind: 'wake', node: id, token: s.wakeToken });
    }
  }

  private record(time: number, text: string | (() => string)): void {
    if (this.traceLimit === 0) return;
    if (this.trail.length < this.traceLimit) this.trail.push([time, text]);
    else this.trail[this.trailAt] = [time, text];
    this.trailAt = (this.trailAt + 1) % this.traceLimit;
  }

  private slot(id: number): Slot<M, D> {
    const s = this.slots.get(id);
    if (!s) throw new Error(`no node ${id} in this simulation`);
    return s;
  }
}
