import { expect, it } from 'vitest';
import type { Health, ServerSample } from '../../../src-main/api/monitor-types';
import { summarize, worstHealth } from './monitor-summary';

function sample(address: string, role: string | null, health: Health): ServerSample {
  const up = health !== 'down';
  return {
    ensembleId: 'e', address, ts: 1, up, downReason: up ? null : 'connection refused', note: null, role: up ? role : null,
    zxid: null, epoch: null, latencyAvgMs: null, latencyMaxMs: null, outstanding: null, connections: null,
    znodes: null, watches: null, ephemerals: null, dataSizeBytes: null, openFds: null, maxFds: null,
    syncedFollowers: null, probeMs: null, source: up ? '4lw' : null, health,
  };
}

it('finds the worst health', () => {
  expect(worstHealth([])).toBeNull();
  expect(worstHealth([sample('a', 'leader', 'ok'), sample('b', 'follower', 'warn')])).toBe('warn');
  expect(worstHealth([sample('a', 'leader', 'critical'), sample('b', null, 'down')])).toBe('down');
});

it('counts servers up, finds the leader and judges the quorum', () => {
  const all = [sample('a', 'follower', 'ok'), sample('b', 'leader', 'ok'), sample('c', 'follower', 'warn')];
  expect(summarize(3, all)).toEqual({ up: 3, total: 3, leader: 'b', worst: 'warn', quorum: true });
  const oneDown = [sample('a', 'follower', 'ok'), sample('b', null, 'down'), sample('c', 'leader', 'ok')];
  expect(summarize(3, oneDown)).toMatchObject({ up: 2, leader: 'c', quorum: true });
  const twoDown = [sample('a', 'follower', 'ok'), sample('b', null, 'down'), sample('c', null, 'down')];
  expect(summarize(3, twoDown)).toMatchObject({ up: 1, leader: null, quorum: false });
  // Before the first poll every member counts, none answers.
  expect(summarize(3, [])).toEqual({ up: 0, total: 3, leader: null, worst: null, quorum: false });
});
