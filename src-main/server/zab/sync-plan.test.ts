import { describe, expect, it } from 'vitest';
import { Outbox, type LogEntry } from './actions';
import { ZabStore } from './store';
import { planSync } from './sync-plan';
import { makeZxid } from './zxid';

const z = (epoch: number, counter: number) => makeZxid(BigInt(epoch), BigInt(counter));
const entry = (epoch: number, counter: number): LogEntry => ({ zxid: z(epoch, counter), txn: Buffer.from(`${epoch}.${counter}`) });

function storeOf(entries: LogEntry[], opts: { base?: bigint; capacity?: number } = {}): { store: ZabStore; out: Outbox } {
  const out = new Outbox();
  return { store: new ZabStore({ acceptedEpoch: 3n, currentEpoch: 3n, recent: entries, base: opts.base ?? 0n }, out, opts.capacity), out };
}

describe('planSync', () => {
  // The leader's history: 1.1 1.2 1.3 | 2.1 2.2 | 3.1
  const history = [entry(1, 1), entry(1, 2), entry(1, 3), entry(2, 1), entry(2, 2), entry(3, 1)];
  const { store } = storeOf(history);
  const last = z(3, 1);

  it('sends an empty DIFF to a learner that is level with the leader', () => {
    expect(planSync(store, last, last)).toEqual({ mode: 'DIFF', zxid: last, after: last });
  });

  it('sends a DIFF of what follows a zxid the leader has', () => {
    expect(planSync(store, last, z(1, 2))).toEqual({ mode: 'DIFF', zxid: last, after: z(1, 2) });
    expect([...store.range(z(1, 2), last)].map((e) => e.zxid)).toEqual([z(1, 3), z(2, 1), z(2, 2), z(3, 1)]);
    expect(planSync(store, last, 0n)).toEqual({ mode: 'DIFF', zxid: last, after: 0n });
  });

  it('cuts back a learner that is ahead of the whole history (an old leader that proposed alone)', () => {
    expect(planSync(store, last, z(3, 5))).toEqual({ mode: 'TRUNC', zxid: last, upTo: last });
    expect(planSync(store, z(2, 2), z(2, 3))).toEqual({ mode: 'TRUNC', zxid: z(2, 2), upTo: z(2, 2) });
  });

  it('cuts back within the learner own epoch, then sends the rest', () => {
    // 2.3 was proposed by epoch 2's leader alone; the history moved on to 3.1 without it.
    expect(planSync(store, last, z(2, 3))).toEqual({ mode: 'TRUNC', zxid: z(2, 2), upTo: last });
  });

  it('sends a snapshot rather than cut back across an epoch', () => {
    // 1.7 is not in the history and the leader's last zxid before it is of the same epoch...
    expect(planSync(store, last, z(1, 7)).mode).toBe('TRUNC');
    // ...but a learner that has epoch-2 txns the leader does not, where the leader skipped from 1.3, cannot be cut safely.
    const gap = storeOf([entry(1, 1), entry(1, 2), entry(3, 1)]).store;
    expect(planSync(gap, z(3, 1), z(2, 4))).toEqual({ mode: 'SNAP', zxid: z(3, 1) });
  });

  it('sends a snapshot to a learner older than the kept log', () => {
    const { store: short } = storeOf(history, { capacity: 3 });
    expect(short.base).toBe(z(1, 3));
    expect(planSync(short, last, z(1, 2))).toEqual({ mode: 'SNAP', zxid: last });
    expect(planSync(short, last, z(1, 3))).toEqual({ mode: 'DIFF', zxid: last, after: z(1, 3) });
  });

  it('plans against the committed part only: proposals in flight follow separately', () => {
    expect(planSync(store, z(2, 2), z(2, 2))).toEqual({ mode: 'DIFF', zxid: z(2, 2), after: z(2, 2) });
    expect(planSync(store, z(2, 2), z(3, 1))).toEqual({ mode: 'TRUNC', zxid: z(2, 2), upTo: z(2, 2) });
  });
});

describe('ZabStore', () => {
  it('keeps the newest commitLogCount entries and remembers the zxid before them', () => {
    const { store } = storeOf([], { capacity: 2 });
    expect(store.lastZxid).toBe(0n);
    for (let i = 1; i <= 5; i++) store.append(entry(1, i));
    expect(store.size).toBe(2);
    expect(store.base).toBe(z(1, 3));
    expect(store.lastZxid).toBe(z(1, 5));
    expect(store.has(z(1, 4))).toBe(true);
    expect(store.has(z(1, 3))).toBe(false);
    expect(store.before(z(1, 5))).toBe(z(1, 4));
    expect(store.before(z(1, 4))).toBe(z(1, 3));
    expect(() => store.append(entry(1, 5))).toThrow(/after/);
  });

  it('asks for one fsync per batch and tracks what is durable', () => {
    const { store, out } = storeOf([entry(1, 1)]);
    expect(store.durableZxid).toBe(z(1, 1));
    store.append(entry(1, 2));
    store.append(entry(1, 3));
    store.flush();
    store.flush();
    expect(out.take().actions.map((a) => a.kind)).toEqual(['append', 'append', 'flush']);
    expect(store.unsynced).toBe(true);
    store.synced(z(1, 2));
    expect(store.durableZxid).toBe(z(1, 2));
    store.synced(z(9, 9));
    expect(store.durableZxid).toBe(z(1, 3));
    expect(store.unsynced).toBe(false);
  });

  it('truncates, leaving the rest durable, and installs snapshots', () => {
    const { store, out } = storeOf([entry(1, 1), entry(1, 2)]);
    store.append(entry(1, 3));
    store.truncate(z(1, 1));
    expect(store.lastZxid).toBe(z(1, 1));
    expect(store.durableZxid).toBe(z(1, 1));
    store.installSnapshot(z(2, 4), Buffer.from('snap'));
    expect(store.lastZxid).toBe(z(2, 4));
    expect(store.size).toBe(0);
    expect(store.base).toBe(z(2, 4));
    expect(out.take().actions.map((a) => a.kind)).toEqual(['append', 'truncate', 'installSnapshot']);
  });

  it('writes the epoch files as actions, in order', () => {
    const { store, out } = storeOf([]);
    store.setAcceptedEpoch(4n);
    store.setCurrentEpoch(4n);
    expect(out.take().actions).toEqual([{ kind: 'setAcceptedEpoch', epoch: 4n }, { kind: 'setCurrentEpoch', epoch: 4n }]);
  });
});
