// The lab's events as the renderer holds them. Two bounded lists: a window of recent events (quorum
// packets by the thousand; the timeline's arrows are paired from it) and, kept much longer, the few
// events elections and the timeline's lane shading are read from, so a busy load generator cannot
// push an election out of the history.

import { QuorumMessageMatcher, type QuorumMessage } from '../../../src-main/lab/events/timeline';
import type { ZooEvent } from '../../../src-main/lab/events/zoo-event';

/** Event types elections (election-rounds.ts) and role and epoch spans (node-spans.ts) are built from. */
export const structureTypes: readonly string[] = [
  'state',
  'zab.state',
  'zab.phase',
  'zab.epoch.accepted',
  'zab.epoch.current',
  'election.looking',
  'election.notification.sent',
  'election.notification.received',
  'election.ignored',
  'election.vote',
  'election.timeout',
  'election.finalize.abort',
  'election.quorum',
  'election.decision',
];
const structureSet = new Set(structureTypes);

export function isStructural(e: ZooEvent): boolean {
  return structureSet.has(e.type);
}

/** Identifies an event across a query and the pushes that overlap it. */
export function eventKey(e: ZooEvent): string {
  return `${e.node} ${e.ts} ${e.type} ${String(e.peer ?? e.to ?? e.from ?? '')} ${String(e.packet ?? '')}`;
}

export interface WindowLimits {
  /** Events kept while following live; beyond it the oldest go. */
  events: number;
  /** Never more than this, even while scrolled back through history. */
  hardEvents: number;
  structure: number;
}

export const defaultLimits: WindowLimits = { events: 80_000, hardEvents: 160_000, structure: 40_000 };

export class EventWindow {
  private events: ZooEvent[] = [];
  private structure: ZooEvent[] = [];
  private matcher = new QuorumMessageMatcher();
  /**
   * True once the newest events were dropped to make room for older ones: live batches would then
   * leave a hole, so they are not added until the window is reloaded from the tail.
   */
  private detachedFromLive = false;
  /** The earliest time held; batches interleave servers, so it need not be the first event's. */
  private oldest: number | null = null;

  constructor(private readonly limits: WindowLimits = defaultLimits) {}

  get all(): readonly ZooEvent[] {
    return this.events;
  }

  get messages(): readonly QuorumMessage[] {
    return this.matcher.messages();
  }

  get structural(): readonly ZooEvent[] {
    return this.structure;
  }

  get detached(): boolean {
    return this.detachedFromLive;
  }

  get oldestTs(): number | null {
    return this.oldest;
  }

  /** Starts afresh from a tail of recent events and the run's structural events. */
  reset(recent: readonly ZooEvent[], structure: readonly ZooEvent[]): void {
    this.events = [...recent];
    this.structure = structure.slice(-this.limits.structure);
    this.detachedFromLive = false;
    this.rematch();
  }

  /** A live batch. `following` says the user watches the live edge, so old events may go sooner. */
  append(batch: readonly ZooEvent[], following: boolean): void {
    if (batch.length === 0) return;
    const structural = batch.filter(isStructural);
    if (structural.length) {
      this.structure.push(...structural);
      if (this.structure.length > this.limits.structure) this.structure = this.structure.slice(-this.limits.structure);
    }
    if (this.detachedFromLive) return;
    this.events.push(...batch);
    this.matcher.add(batch);
    this.oldest = Math.min(this.oldest ?? Infinity, earliest(batch));
    const limit = following ? this.limits.events : this.limits.hardEvents;
    if (this.events.length > limit) {
      // Drop a quarter at once: re-pairing the rest costs one pass, not one per batch.
      this.events = this.events.slice(this.events.length - Math.floor(limit * 0.75));
      this.rematch();
    }
  }

  /** Structural events a push left out, found in the history: merged in time order, duplicates dropped. */
  mergeStructure(found: readonly ZooEvent[]): void {
    const held = new Set(this.structure.map(eventKey));
    const added = found.filter((e) => isStructural(e) && !held.has(eventKey(e)));
    if (added.length === 0) return;
    // A stable sort by time keeps each server's own order (its clock only moves forward).
    this.structure = [...this.structure, ...added].sort((a, b) => a.ts - b.ts).slice(-this.limits.structure);
  }

  /** Older events, all before `oldestTs`, from scrolling back through history. */
  prepend(older: readonly ZooEvent[]): void {
    if (older.length === 0) return;
    this.events = [...older, ...this.events];
    if (this.events.length > this.limits.hardEvents) {
      this.events = this.events.slice(0, this.limits.hardEvents);
      this.detachedFromLive = true;
    }
    this.rematch();
  }

  /**
   * Puts the complete record of [fromUs, toUs) in place of what the window holds of it: pushes
   * leave out the oldest events of a burst, and the history has them. Each server's events stay in
   * order, as its clock only moves forward.
   */
  replaceRange(fromUs: number, toUs: number, complete: readonly ZooEvent[]): void {
    const before = this.events.filter((e) => e.ts < fromUs);
    const after = this.events.filter((e) => e.ts >= toUs);
    this.events = [...before, ...complete, ...after];
    if (this.events.length > this.limits.hardEvents) {
      // Keep the filled range; give up what lies farther from it.
      const excess = this.events.length - this.limits.hardEvents;
      const dropOld = Math.min(excess, before.length);
      this.events = this.events.slice(dropOld, this.events.length - (excess - dropOld));
      if (excess > dropOld) this.detachedFromLive = true;
    }
    this.rematch();
  }

  private rematch(): void {
    this.matcher = new QuorumMessageMatcher();
    this.matcher.add(this.events);
    this.oldest = this.events.length ? earliest(this.events) : null;
  }
}

function earliest(events: readonly ZooEvent[]): number {
  let min = Infinity;
  for (const e of events) if (e.ts < min) min = e.ts;
  return min;
}
