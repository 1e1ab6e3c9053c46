import { describe, expect, it } from 'vitest';
import { defaultThresholds, type ServerSample } from '../api/monitor-types';
import { AlertTracker } from './alerts';
import { healthOf } from './health';

const A = '10.0.0.1:2181';
const B = '10.0.0.2:2181';
const C = '10.0.0.3:2181';

function up(address: string, role: string, over: Partial<ServerSample> = {}): ServerSample {
  return {
    ensembleId: 'e', address, ts: 0, up: true, downReason: null, note: null, role, zxid: '0x100000001', epoch: 1,
    latencyAvgMs: 1, latencyMaxMs: 10, outstanding: 0, connections: 1, znodes: 5, watches: 0, ephemerals: 0, dataSizeBytes: 100,
    openFds: 50, maxFds: 1000, syncedFollowers: role === 'leader' ? 2 : null, probeMs: 1, source: '4lw', health: 'ok', ...over,
  };
}

function down(address: string, reason = 'connection refused'): ServerSample {
  return { ...up(address, 'follower'), up: false, downReason: reason, role: null, health: 'down' };
}

describe('AlertTracker', () => {
  it('raises down once, clears with up, marks outages and role changes, and alerts on a leader change', () => {
    const t = new AlertTracker('e', defaultThresholds);
    const poll = (ts: number, ...samples: ServerSample[]) => t.observe(samples.map((s) => ({ ...s, ts })), 3);

    expect(poll(1, up(A, 'leader'), up(B, 'follower'), up(C, 'follower'))).toEqual({ alerts: [], marks: [] });
    const bDown = poll(2, up(A, 'leader'), down(B), up(C, 'follower'));
    expect(bDown.alerts).toEqual([{ ensembleId: 'e', ts: 2, address: B, kind: 'down', severity: 'critical', message: `${B} is down: connection refused` }]);
    expect(bDown.marks).toEqual([{ ts: 2, address: B, kind: 'down', label: 'down: connection refused' }]);
    expect(poll(3, up(A, 'leader'), down(B), up(C, 'follower'))).toEqual({ alerts: [], marks: [] });

    // The leader dies; the election is under way (no leader yet): nothing about leadership.
    const aDown = poll(4, down(A), down(B), up(C, 'follower'));
    expect(aDown.alerts.map((a) => [a.kind, a.address])).toEqual([['down', A]]);
    const elected = poll(5, down(A), down(B), up(C, 'leader', { epoch: 2 }));
    expect(elected.alerts).toEqual([{ ensembleId: 'e', ts: 5, address: C, kind: 'leaderChange', severity: 'warn', message: `leader changed: ${A} → ${C}` }]);
    expect(elected.marks).toEqual([{ ts: 5, address: C, kind: 'role', label: 'follower → leader' }]);

    const back = poll(6, up(A, 'follower'), up(B, 'follower'), up(C, 'leader', { epoch: 2 }));
    expect(back.alerts.map((a) => [a.kind, a.severity, a.message])).toEqual([
      ['up', 'info', `${A} is back up as follower`], ['up', 'info', `${B} is back up as follower`],
    ]);
    expect(back.marks).toEqual([
      { ts: 6, address: A, kind: 'up', label: 'up (follower)' },
      { ts: 6, address: A, kind: 'role', label: 'leader → follower' },
      { ts: 6, address: B, kind: 'up', label: 'up (follower)' },
    ]);

    // The same server elected again shows as a new epoch.
    const again = poll(7, up(A, 'follower'), up(B, 'follower'), up(C, 'leader', { epoch: 3 }));
    expect(again.alerts.map((a) => [a.kind, a.message])).toEqual([['leaderChange', `${C} was elected leader again (epoch 2 → 3)`]]);
  });

  it('raises a threshold when crossed, again only when it worsens, and an info when it clears', () => {
    const t = new AlertTracker('e', defaultThresholds);
    const poll = (over: Partial<ServerSample>) => t.observe([up(A, 'follower', over)], 3).alerts.map((a) => [a.kind, a.severity, a.message]);
    expect(poll({ outstanding: 5 })).toEqual([]);
    expect(poll({ outstanding: 25 })).toEqual([['outstanding', 'warn', `${A}: 25 outstanding requests (warn at 20)`]]);
    expect(poll({ outstanding: 30 })).toEqual([]);
    expect(poll({ outstanding: 60 })).toEqual([['outstanding', 'critical', `${A}: 60 outstanding requests (critical at 50)`]]);
    expect(poll({ outstanding: 30 })).toEqual([]);
    expect(poll({ outstanding: 3 })).toEqual([['outstanding', 'info', `${A}: outstanding requests back to 3`]]);
    expect(poll({ latencyAvgMs: 150, latencyMaxMs: 1500, openFds: 900 })).toEqual([
      ['latencyAvg', 'warn', `${A}: average latency 150 ms (threshold 100 ms)`],
      ['latencyMax', 'warn', `${A}: maximum latency 1500 ms (threshold 1000 ms)`],
      ['fds', 'warn', `${A}: 900 of 1000 file descriptors open (90%, threshold 80%)`],
    ]);
    // A down server has no figures: its conditions neither clear nor repeat until it answers again.
    t.observe([down(A)], 3);
    expect(poll({ latencyAvgMs: 150, latencyMaxMs: 1500, openFds: 900 })).toEqual([['up', 'info', `${A} is back up as follower`]]);
    expect(poll({})).toEqual([
      ['latencyAvg', 'info', `${A}: average latency back to 1 ms`],
      ['latencyMax', 'info', `${A}: maximum latency back to 10 ms`],
      ['fds', 'info', `${A}: file descriptors back to 5% of the maximum`],
    ]);
  });

  it('raises quorumSync while the leader has too few synced followers', () => {
    const t = new AlertTracker('e', defaultThresholds);
    const poll = (synced: number, voters: number) =>
      t.observe([up(A, 'leader', { syncedFollowers: synced })], voters).alerts.map((a) => [a.kind, a.severity]);
    expect(poll(2, 5)).toEqual([]);
    expect(poll(1, 5)).toEqual([['quorumSync', 'critical']]);
    expect(poll(1, 5)).toEqual([]);
    expect(poll(2, 5)).toEqual([['quorumSync', 'info']]);
  });
});

describe('healthOf', () => {
  it('colours a card by the worst threshold it crosses', () => {
    const h = (over: Partial<ServerSample>) => healthOf(up(A, 'follower', over), defaultThresholds, 3);
    expect(h({})).toBe('ok');
    expect(h({ outstanding: 20 })).toBe('warn');
    expect(h({ outstanding: 50 })).toBe('critical');
    expect(h({ openFds: 800 })).toBe('warn');
    expect(h({ up: false })).toBe('down');
    expect(healthOf(up(A, 'leader', { syncedFollowers: 0 }), defaultThresholds, 3)).toBe('critical');
    expect(healthOf(up(A, 'leader', { syncedFollowers: 1 }), defaultThresholds, 3)).toBe('ok');
  });
});
