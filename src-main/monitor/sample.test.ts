// Samples built from answers captured from Apache ZooKeeper 3.8 (src-main/client/testdata).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultThresholds } from '../api/monitor-types';
import { toServerMetrics } from '../client/admin-responses';
import { parseJsonExact } from '../client/admin-json';
import { parseMntr } from '../client/four-letter-mntr';
import { parseCons, parseSrvr } from '../client/four-letter-parse';
import type { PollResult } from './ensemble-poller';
import { formatTable, jsonPoll } from './monitor-table';
import { mntrFigures, toSample, votersOf } from './sample';
import type { ServerReading } from './server-poller';

const testdata = join(__dirname, '../client/testdata');
const text = (name: string): string => readFileSync(join(testdata, '4lw-3.8', name), 'utf8');

function reading(role: 'leader' | 'follower' | 'read-only', over: Partial<ServerReading> = {}): ServerReading {
  return {
    address: `127.0.0.1:${role === 'leader' ? 2181 : 2182}`,
    up: true,
    downReason: null,
    note: null,
    metrics: parseMntr(text(`${role}-mntr.txt`)),
    stats: parseSrvr(text(`${role}-srvr.txt`)),
    connectionCount: role === 'read-only' ? null : parseCons(text(`${role}-cons.txt`)).length,
    probeMs: 0.42,
    source: '4lw',
    ...over,
  };
}

describe('toSample', () => {
  it("reads a leader's mntr, srvr and cons", () => {
    const r = reading('leader');
    expect(votersOf([r])).toBe(3);
    expect(toSample('e', 1000, r, defaultThresholds, 3)).toEqual({
      ensembleId: 'e', address: '127.0.0.1:2181', ts: 1000, up: true, downReason: null, note: null, role: 'leader',
      zxid: '0x100000000', epoch: 1, latencyAvgMs: 0, latencyMaxMs: 0, outstanding: 0, connections: 1, znodes: 5, watches: 0,
      ephemerals: 0, dataSizeBytes: 222, openFds: 56, maxFds: 20000, syncedFollowers: 2, probeMs: 0.42, source: '4lw', health: 'ok',
    });
  });

  it('keeps srvr figures when mntr is refused, and reports a read-only server as such', () => {
    const follower = toSample('e', 1, reading('follower', { metrics: null, note: 'mntr refused' }), defaultThresholds, 3);
    expect(follower).toMatchObject({ role: 'follower', zxid: '0x0', epoch: 0, znodes: 5, outstanding: 0, watches: null, openFds: null, note: 'mntr refused' });
    expect(toSample('e', 1, reading('read-only'), defaultThresholds, 3).role).toBe('read-only');
  });

  it('leaves every figure empty for a down server', () => {
    const s = toSample('e', 1, { ...reading('follower'), up: false, downReason: 'connection refused', metrics: null, stats: null, connectionCount: null, probeMs: null, source: null }, defaultThresholds, 3);
    expect(s).toMatchObject({ up: false, role: null, zxid: null, epoch: null, outstanding: null, health: 'down', downReason: 'connection refused' });
  });

  it("gives the AdminServer's monitor figures mntr's names", () => {
    const body = parseJsonExact(readFileSync(join(testdata, 'admin-3.8', 'leader-monitor.json'), 'utf8'));
    const metrics = toServerMetrics(body as never, (d) => new Error(d));
    const figures = mntrFigures(reading('leader', { metrics, source: 'admin' }))!;
    expect(figures.zk_server_state).toBe('leader');
    expect(figures.zk_synced_followers).toBe(2);
    expect(Object.keys(figures).every((k) => k.startsWith('zk_'))).toBe(true);
  });
});

describe('zoolab monitor output', () => {
  const leader = reading('leader');
  const down: ServerReading = { address: '127.0.0.1:2183', up: false, downReason: 'connection refused', note: null, metrics: null, stats: null, connectionCount: null, probeMs: null, source: null };
  const result: PollResult = {
    ts: Date.UTC(2025, 0, 6, 12),
    readings: [leader, down],
    samples: [toSample('e', 0, leader, defaultThresholds, 3), toSample('e', 0, down, defaultThresholds, 3)],
    alerts: [],
    marks: [],
  };

  it('prints a table with one row per server and the reason a server is down', () => {
    const lines = formatTable(result, '127.0.0.1:2181,127.0.0.1:2183').split('\n');
    expect(lines[0]).toBe('2025-01-06T12:00:00.000Z  127.0.0.1:2181,127.0.0.1:2183  1/2 up');
    expect(lines[1]).toMatch(/^SERVER +STATE +ROLE +ZXID +LAT avg\/max +PROBE +OUTST +CONNS +ZNODES +WATCHES +EPHEM +DATA +FDS +SYNCED +HEALTH +NOTE$/);
    expect(lines[2]).toMatch(/^127\.0\.0\.1:2181 +up +leader +0x100000000 +0\/0 ms +0\.4 ms +0 +1 +5 +0 +0 +222 B +56\/20000 +2 +ok$/);
    expect(lines[3]).toMatch(/^127\.0\.0\.1:2183 +DOWN +- .* down +connection refused$/);
  });

  it('prints JSON with state, reason, role and every mntr figure', () => {
    const json = jsonPoll(result);
    expect(json.servers[0]).toMatchObject({ address: '127.0.0.1:2181', state: 'up', reason: null, role: 'leader', probeMs: 0.42 });
    expect(json.servers[0].mntr).toMatchObject({ zk_server_state: 'leader', zk_znode_count: 5, zk_synced_followers: 2 });
    expect(json.servers[1]).toEqual({ address: '127.0.0.1:2183', state: 'down', reason: 'connection refused', role: null, zxid: null, probeMs: null, mntr: null });
  });
});
