import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { elections } from './elections';
import { fixtureEvents } from './fixture-events';
import { HistoryStore } from './history-store';
import type { ZooEvent } from './zoo-event';

const T0 = 1_795_313_838_000_000;
const TYPES = ['zab.sent', 'zab.received', 'txn', 'election.vote'];

/** `count` events from three servers, 100 µs apart, with a nested field to survive the trip. */
function syntheticEvents(count: number): ZooEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    ts: T0 + i * 100,
    node: (i % 3) + 1,
    type: TYPES[i % TYPES.length],
    zxid: `0x${(i + 1).toString(16)}`,
    detail: { seq: i, text: 'ünïcode' },
  }));
}

describe('HistoryStore', () => {
  let dir: string;
  let file: string;
  let store: HistoryStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'zoolab-history-'));
    file = join(dir, 'lab-history.sqlite');
    store = HistoryStore.open(file);
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips 10,000 events and reads them back by time window, type and limit', () => {
    const run = store.startRun('lab-a', T0);
    const other = store.startRun('lab-a', T0 + 5);
    const events = syntheticEvents(10_000);
    for (let i = 0; i < events.length; i += 1_000) store.append(run, events.slice(i, i + 1_000));
    store.append(other, syntheticEvents(10));

    expect(store.events(run)).toEqual(events);
    const window = store.events(run, { fromTs: T0 + 250_000, toTs: T0 + 300_000 });
    expect(window).toEqual(events.slice(2_500, 3_000));
    expect(store.events(run, { fromTs: T0 + 250_000, limit: 7 })).toEqual(events.slice(2_500, 2_507));
    const txns = store.events(run, { types: ['txn', 'election.vote'], toTs: T0 + 100_000 });
    expect(txns).toEqual(events.slice(0, 1_000).filter((e) => e.type === 'txn' || e.type === 'election.vote'));
    expect(store.events(other)).toHaveLength(10);
  });

  it('keeps each server\'s order for events with the same timestamp', () => {
    const run = store.startRun('lab-a');
    const sameTime = [2, 1, 3, 1].map((node, i) => ({ ts: T0, node, type: 'zab.sent', seq: i }));
    store.append(run, sameTime);
    expect(store.events(run).map((e) => e.seq)).toEqual([0, 1, 2, 3]);
  });

  it('lists a lab\'s runs newest first and records when they end', () => {
    const first = store.startRun('lab-a', T0);
    const second = store.startRun('lab-a', T0 + 1_000);
    store.startRun('lab-b', T0 + 2_000);
    store.endRun(first, T0 + 500);
    expect(store.runs('lab-a')).toEqual([
      { id: second, labId: 'lab-a', startedAt: T0 + 1_000, endedAt: null },
      { id: first, labId: 'lab-a', startedAt: T0, endedAt: T0 + 500 },
    ]);
    expect(store.runs('nope')).toEqual([]);
  });

  it('records faults beside the events and reads them by time', () => {
    const run = store.startRun('lab-a');
    store.appendFault(run, { ts: T0 + 30, kind: 'kill', target: 'server-3', detail: 'SIGKILL' });
    store.appendFault(run, { ts: T0 + 10, kind: 'cut', target: '1<->2', detail: null });
    expect(store.faults(run).map((f) => f.kind)).toEqual(['cut', 'kill']);
    expect(store.faults(run, { fromTs: T0 + 20 })).toEqual([{ ts: T0 + 30, kind: 'kill', target: 'server-3', detail: 'SIGKILL' }]);
    expect(() => store.appendFault(9_999, { ts: T0, kind: 'kill', target: 'x', detail: null })).toThrow(/FOREIGN KEY/);
  });

  it('forgets every run, event and fault of a removed lab, and nothing of the others', () => {
    const gone = store.startRun('lab-a', T0);
    const kept = store.startRun('lab-b', T0);
    store.append(gone, syntheticEvents(5));
    store.append(kept, syntheticEvents(3));
    store.appendFault(gone, { ts: T0, kind: 'kill', target: 'server-1', detail: null });
    store.appendLoad(gone, [{ at: 1, op: 'read', latencyMs: 0.5, ok: true }]);
    store.appendFigures(gone, { at: 1, servers: [{ id: 1, outstanding: 0, connections: 1, fsync: null }] });
    store.removeLab('lab-a');
    expect(store.load(gone)).toEqual([]);
    expect(store.figures(gone)).toEqual([]);
    expect(store.runs('lab-a')).toEqual([]);
    expect(store.events(gone)).toEqual([]);
    expect(store.faults(gone)).toEqual([]);
    expect(store.events(kept)).toHaveLength(3);
  });

  it('keeps load samples and server figures per run, in time order, by window', () => {
    const run = store.startRun('lab-a');
    const other = store.startRun('lab-a');
    store.appendLoad(run, [
      { at: 20, op: 'write', latencyMs: 2.5, ok: true },
      { at: 10, op: 'read', latencyMs: 0.25, ok: false },
    ]);
    store.appendLoad(other, [{ at: 15, op: 'create', latencyMs: 1, ok: true }]);
    expect(store.load(run)).toEqual([
      { at: 10, op: 'read', latencyMs: 0.25, ok: false },
      { at: 20, op: 'write', latencyMs: 2.5, ok: true },
    ]);
    expect(store.load(run, { fromTs: 15 })).toEqual([{ at: 20, op: 'write', latencyMs: 2.5, ok: true }]);
    const servers = [{ id: 2, outstanding: 3, connections: 4, fsync: { count: 5, sumMs: 6 } }];
    store.appendFigures(run, { at: 30, servers });
    expect(store.figures(run)).toEqual([{ at: 30, servers }]);
    expect(store.figures(other)).toEqual([]);
  });

  it('replays a stored run after reopening: the same elections come out', () => {
    const events = fixtureEvents();
    const run = store.startRun('lab-a', events[0].ts);
    store.append(run, events);
    store.endRun(run, events.at(-1)!.ts);
    expect(existsSync(`${file}-wal`)).toBe(true);
    store.close();

    store = HistoryStore.open(file);
    const replayed = store.events(run);
    expect(replayed).toEqual(events);
    expect(elections(replayed)).toEqual(elections(events));
    expect(store.runs('lab-a')[0].endedAt).toBe(events.at(-1)!.ts);
  });
});
