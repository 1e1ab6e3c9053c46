import { describe, expect, it } from 'vitest';
import type { ZooEvent } from '../../../src-main/lab/events/zoo-event';
import { EventWindow } from './lab-event-window';

/** A PROPOSAL from leader 1 to follower 2, sent at `ts` and received 100 µs later. */
function proposal(ts: number, zxid: string): ZooEvent[] {
  const packet = { packet: 'PROPOSAL', zxid, epoch: 1, size: 40 };
  return [
    { ts, node: 1, type: 'zab.sent', peer: 2, ...packet },
    { ts: ts + 100, node: 2, type: 'zab.received', peer: 1, ...packet },
  ];
}

const limits = { events: 8, hardEvents: 12, structure: 3 };

describe('EventWindow', () => {
  it('pairs sends with receives across batches and keeps structural events apart', () => {
    const w = new EventWindow(limits);
    const [sent, received] = proposal(1000, '0x1');
    w.append([sent, { ts: 1001, node: 1, type: 'zab.state', state: 'LEADING' }], true);
    w.append([received], true);
    expect(w.messages).toEqual([expect.objectContaining({ from: 1, to: 2, sentAt: 1000, receivedAt: 1100 })]);
    expect(w.structural.map((e) => e.type)).toEqual(['zab.state']);
    expect(w.oldestTs).toBe(1000);
  });

  it('drops the oldest events past its limit while following, and keeps more while looking back', () => {
    const following = new EventWindow(limits);
    const paused = new EventWindow(limits);
    for (let i = 0; i < 5; i++) {
      following.append(proposal(i * 1000, `0x${i + 1}`), true);
      paused.append(proposal(i * 1000, `0x${i + 1}`), false);
    }
    expect(following.all).toHaveLength(6);
    expect(following.oldestTs).toBe(2000);
    expect(following.messages.map((m) => m.zxid)).toEqual(['0x3', '0x4', '0x5']);
    expect(paused.all).toHaveLength(10);
  });

  it('prepends older events and, past the hard limit, gives up the newest and the live edge', () => {
    const w = new EventWindow(limits);
    w.reset([...proposal(5000, '0x5'), ...proposal(6000, '0x6')], []);
    w.prepend([...proposal(1000, '0x1'), ...proposal(2000, '0x2')]);
    expect(w.oldestTs).toBe(1000);
    expect(w.messages.map((m) => m.zxid)).toEqual(['0x1', '0x2', '0x5', '0x6']);
    w.prepend([...proposal(0, '0x0'), ...proposal(500, '0x00'), ...proposal(700, '0x000')]);
    expect(w.all).toHaveLength(12);
    expect(w.detached).toBe(true);
    w.append(proposal(9000, '0x9'), true);
    expect(w.messages.map((m) => m.zxid)).not.toContain('0x9');
  });

  it('replaces a stretch with its complete record', () => {
    const w = new EventWindow(limits);
    // The push lost 0x2's receive and all of 0x3.
    w.reset([...proposal(1000, '0x1'), proposal(2000, '0x2')[0], ...proposal(4000, '0x4')], []);
    w.replaceRange(1500, 3500, [...proposal(2000, '0x2'), ...proposal(3000, '0x3')]);
    expect(w.messages.map((m) => [m.zxid, m.receivedAt])).toEqual([['0x1', 1100], ['0x2', 2100], ['0x3', 3100], ['0x4', 4100]]);
  });

  it('merges recovered structural events in time order without duplicates', () => {
    const w = new EventWindow(limits);
    const looking = (ts: number, node: number): ZooEvent => ({ ts, node, type: 'election.looking', round: 1 });
    w.append([looking(10, 1), looking(30, 2)], true);
    w.mergeStructure([looking(20, 3), looking(30, 2), ...proposal(25, '0x1')]);
    expect(w.structural.map((e) => e.ts)).toEqual([10, 20, 30]);
  });
});
