import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerSample } from '../api/monitor-types';
import { exportCsv } from './metrics-csv';
import { openMonitorStore, type MonitorStore } from './metrics-db';
import { MINUTE_MS, TEN_MINUTES_MS } from './metrics';
import { DATABASE_FILE, openStore, type Store } from './store';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2025, 0, 6);

function sample(ensembleId: string, address: string, ts: number, over: Partial<ServerSample> = {}): ServerSample {
  return {
    ensembleId, address, ts, up: true, downReason: null, note: null, role: 'follower', zxid: '0x100000005', epoch: 1,
    latencyAvgMs: 1.5, latencyMaxMs: 12, outstanding: 0, connections: 4, znodes: 120, watches: 7, ephemerals: 2,
    dataSizeBytes: 4096, openFds: 60, maxFds: 4096, syncedFollowers: null, probeMs: 0.8, source: '4lw', health: 'ok', ...over,
  };
}

describe('monitor store', () => {
  let dir: string;
  let store: Store;
  let mon: MonitorStore;
  let ensembleId: string;
  const members = [1, 2, 3].map((i) => ({ address: `10.0.0.${i}:2181`, adminUrl: null }));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'zoolab-metrics-'));
    store = openStore(dir);
    mon = openMonitorStore(store.file);
    ensembleId = mon.ensembles.save({ name: 'prod', connectString: '10.0.0.1:2181', connectionId: null, members }).id;
  });
  afterEach(() => {
    mon.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrates a schema-1 database, keeping its saved connections', () => {
    const old = mkdtempSync(join(tmpdir(), 'zoolab-schema1-'));
    try {
      const db = new Database(join(old, DATABASE_FILE));
      db.exec(`
        CREATE TABLE schema_version (version INTEGER NOT NULL);
        INSERT INTO schema_version VALUES (1);
        CREATE TABLE connections (id TEXT PRIMARY KEY, name TEXT NOT NULL, connect_string TEXT NOT NULL, session_timeout_ms INTEGER NOT NULL,
          auth_user TEXT, password_blob BLOB, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
        INSERT INTO connections VALUES ('c1', 'kept', 'zk:2181', 30000, NULL, NULL, 1, 1);
      `);
      expect(() => openMonitorStore(join(old, DATABASE_FILE))).toThrow(/has no monitor tables \(schema 1\): open it with openStore first/);
      db.close();
      const migrated = openStore(old);
      const monitor = openMonitorStore(migrated.file);
      expect(migrated.connections.list().map((c) => c.name)).toEqual(['kept']);
      expect(monitor.ensembles.save({ name: 'e', connectString: 'zk:2181', connectionId: 'c1', members: [] }).connectionId).toBe('c1');
      monitor.close();
      migrated.close();
    } finally {
      rmSync(old, { recursive: true, force: true });
    }
  });

  it('saves ensembles with defaults, updates them and refuses bad input in words', async () => {
    const def = mon.ensembles.get(ensembleId)!;
    expect(def).toMatchObject({ name: 'prod', intervalSec: 5, retentionDays: 7, thresholds: { outstandingWarn: 20, outstandingCritical: 50 } });
    const updated = mon.ensembles.save({ ...def, intervalSec: 10, thresholds: { avgLatencyMs: 50 } });
    expect(updated).toMatchObject({ id: ensembleId, intervalSec: 10, retentionDays: 7, thresholds: { avgLatencyMs: 50, maxLatencyMs: 1000 } });
    expect(mon.ensembles.list()).toEqual([updated]);

    const bad = (over: object) => () => mon.ensembles.save({ ...def, ...over } as never);
    expect(bad({ name: ' ' })).toThrow(/needs a name/);
    expect(bad({ members: [{ address: 'nohost', adminUrl: null }] })).toThrow(/host:clientPort, not "nohost"/);
    expect(bad({ members: [members[0], members[0]] })).toThrow(/listed twice/);
    expect(bad({ members: [{ address: 'a:1', adminUrl: 'ftp://x' }] })).toThrow(/http:\/\/ or https:\/\//);
    expect(bad({ intervalSec: 0 })).toThrow(/poll interval .* from 1 to 3600/);
    expect(bad({ thresholds: { outstandingWarn: 60 } })).toThrow(/critical .* must not be below the warning/);
    expect(bad({ connectionId: 'missing' })).toThrow(/no saved connection with id missing/);
    expect(bad({ id: 'missing' })).toThrow(/no monitored ensemble with id missing/);

    // A deleted saved connection leaves the ensemble without credentials, not dangling.
    const conn = await store.connections.save({ name: 'c', connectString: '10.0.0.1:2181', sessionTimeoutMs: 30000 });
    mon.ensembles.save({ ...def, connectionId: conn.id });
    store.connections.remove(conn.id);
    expect(mon.ensembles.get(ensembleId)?.connectionId).toBeNull();
  });

  it('keeps samples, answers latest and raw history, and logs alerts and marks', () => {
    for (let i = 0; i < 10; i++) {
      mon.metrics.record(members.map((m, j) => sample(ensembleId, m.address, T0 + i * 5000, { outstanding: i + j, role: j === 0 ? 'leader' : 'follower' })));
    }
    mon.metrics.record([sample(ensembleId, members[1].address, T0 + 50_000, { up: false, downReason: 'connection refused', role: null, outstanding: null, health: 'down' })]);
    const latest = mon.metrics.latest(ensembleId, members.map((m) => m.address));
    expect(latest.map((s) => [s.address, s.ts, s.up])).toEqual([
      [members[0].address, T0 + 45_000, true], [members[1].address, T0 + 50_000, false], [members[2].address, T0 + 45_000, true],
    ]);
    expect(latest[1]).toEqual(sample(ensembleId, members[1].address, T0 + 50_000, { up: false, downReason: 'connection refused', role: null, outstanding: null, health: 'down' }));

    const series = mon.metrics.history(ensembleId, 'outstanding', T0, T0 + 60_000, T0 + 60_000);
    expect(series.map((s) => [s.address, s.resolutionMs, s.points.length])).toEqual([
      [members[0].address, 0, 10], [members[1].address, 0, 10], [members[2].address, 0, 10],
    ]);
    expect(series[1].points.slice(0, 2)).toEqual([[T0, 1], [T0 + 5000, 2]]);

    const a = mon.events.addAlert({ ensembleId, ts: T0, address: members[1].address, kind: 'down', severity: 'critical', message: 'down' });
    mon.events.addAlert({ ensembleId, ts: T0 + 1, address: members[1].address, kind: 'up', severity: 'info', message: 'up' });
    expect(mon.events.alerts(ensembleId, 10).map((x) => x.kind)).toEqual(['up', 'down']);
    expect(mon.events.alerts(ensembleId, 1)[0]).toMatchObject({ kind: 'up', ensembleId });
    expect(a.id).toBeGreaterThan(0);
    mon.events.addMarks(ensembleId, [{ ts: T0 + 10, address: members[0].address, kind: 'role', label: 'follower → leader' }]);
    expect(mon.events.marks(ensembleId, T0, T0 + 100)).toEqual([{ ts: T0 + 10, address: members[0].address, kind: 'role', label: 'follower → leader' }]);

    // Removing the ensemble removes its history through the foreign keys.
    mon.ensembles.remove(ensembleId);
    mon.metrics.forget(ensembleId);
    expect(mon.metrics.counts().samples).toBe(0);
    expect(mon.events.alerts(ensembleId, 10)).toEqual([]);
  });

  it('downsamples to 1-minute and 10-minute buckets (avg and max), picks the resolution from the range, exports CSV', () => {
    // Two hours at 5 s: outstanding cycles 0..11 every minute, latencyMax peaks once per minute.
    for (let t = T0; t < T0 + 2 * HOUR; t += 5000) {
      const k = ((t - T0) / 5000) % 12;
      mon.metrics.record([sample(ensembleId, members[0].address, t, { outstanding: k, latencyMaxMs: k === 3 ? 900 : 10 })]);
    }
    const now = T0 + 2 * HOUR;
    mon.metrics.compact(now);
    const counts = mon.metrics.counts();
    // Raw samples older than an hour are gone; every closed bucket was rolled up first.
    expect(counts.samples).toBeLessThanOrEqual(12 * 61);
    expect(counts.minuteBuckets).toBe(119);
    expect(counts.tenMinuteBuckets).toBe(11);

    expect(mon.metrics.history(ensembleId, 'outstanding', now - HOUR, now, now)[0].resolutionMs).toBe(0);
    const day = mon.metrics.history(ensembleId, 'outstanding', now - DAY, now, now)[0];
    expect(day.resolutionMs).toBe(MINUTE_MS);
    // Stored buckets and the newest ones computed on the fly, with no gap or overlap.
    expect(day.points).toHaveLength(120);
    expect(day.points.every(([, v]) => v === 5.5)).toBe(true);
    expect(day.points.map(([ts]) => ts)).toEqual(Array.from({ length: 120 }, (_, i) => T0 + i * MINUTE_MS));
    const maxes = mon.metrics.history(ensembleId, 'latencyMaxMs', now - DAY, now, now)[0].points;
    expect(maxes.every(([, v]) => v === 900)).toBe(true);
    const week = mon.metrics.history(ensembleId, 'outstanding', now - 7 * DAY, now, now)[0];
    expect(week.resolutionMs).toBe(TEN_MINUTES_MS);
    expect(week.points).toHaveLength(12);

    const raw = exportCsv(mon.metrics, ensembleId, now - 10 * MINUTE_MS, now, now).split('\r\n');
    expect(raw[0]).toMatch(/^time,ts,address,resolution,samples,down_samples,role,zxid,.*,latencyAvgMs,latencyMaxMs,outstanding,/);
    expect(raw[1]).toMatch(new RegExp(`^2025-01-06T01:50:00.000Z,${now - 10 * MINUTE_MS},10\\.0\\.0\\.1:2181,raw,1,0,follower,0x100000005,1,4lw,ok,,,1\\.5,`));
    expect(raw).toHaveLength(1 + 120 + 1);
    const buckets = exportCsv(mon.metrics, ensembleId, now - DAY, now, now).split('\r\n');
    expect(buckets[1]).toMatch(/^2025-01-06T00:00:00.000Z,\d+,10\.0\.0\.1:2181,1m,12,0,,,,,,,,1\.5,900,5\.5,/);
  });

  it('quotes CSV cells and defuses formula-like server text', () => {
    mon.metrics.record([sample(ensembleId, members[0].address, T0, { up: false, health: 'down', downReason: '=HYPERLINK("x"), refused' })]);
    const csv = exportCsv(mon.metrics, ensembleId, T0 - 1, T0 + 1, T0);
    expect(csv.split('\r\n')[1]).toContain(`,"'=HYPERLINK(""x""), refused",`);
  });

  it('stays bounded over a simulated week at 5 s for 5 servers', { timeout: 300_000 }, () => {
    const five = [1, 2, 3, 4, 5].map((i) => ({ address: `zk${i}.example:2181`, adminUrl: null }));
    const id = mon.ensembles.save({ name: 'week', connectString: five.map((m) => m.address).join(','), connectionId: null, members: five }).id;
    const sizes: number[] = [];
    let rand = 42;
    const noise = (): number => ((rand = (rand * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const started = Date.now();
    const end = T0 + 7 * DAY;
    for (let minute = T0; minute < end; minute += MINUTE_MS) {
      const batch: ServerSample[] = [];
      for (let t = minute; t < minute + MINUTE_MS; t += 5000) {
        for (const [i, m] of five.entries()) {
          batch.push(sample(id, m.address, t, {
            role: i === 0 ? 'leader' : 'follower', latencyAvgMs: noise() * 5, latencyMaxMs: noise() * 200, outstanding: Math.floor(noise() * 10),
            connections: 100 + Math.floor(noise() * 50), znodes: 50_000 + Math.floor(noise() * 100), watches: 2000 + Math.floor(noise() * 500),
            probeMs: noise() * 3, zxid: `0x1${(t / 1000).toString(16)}`, syncedFollowers: i === 0 ? 4 : null,
          }));
        }
      }
      mon.metrics.record(batch);
      // The service runs the job every minute; every ten simulated minutes is enough to bound the file.
      if ((minute - T0) % TEN_MINUTES_MS === 0) mon.metrics.compact(minute);
      if ((minute - T0 + MINUTE_MS) % DAY === 0) {
        mon.checkpoint();
        sizes.push(statSync(store.file).size);
      }
    }
    mon.metrics.compact(end);
    mon.checkpoint();
    const counts = mon.metrics.counts();
    const size = statSync(store.file).size;
    console.log(`simulated week, 5 servers at 5 s (${(7 * DAY) / 5000 * 5} samples) in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
      `${(size / 1024 / 1024).toFixed(2)} MiB; per day ${sizes.map((s) => (s / 1024 / 1024).toFixed(2)).join(', ')} MiB; ` +
      `${counts.samples} raw, ${counts.minuteBuckets} 1-min, ${counts.tenMinuteBuckets} 10-min rows`);

    // Raw: the last hour plus at most the ten minutes between job runs; 1-minute: 24 h (+ slack); 10-minute: the week.
    expect(counts.samples).toBeLessThanOrEqual(5 * ((HOUR + 11 * MINUTE_MS) / 5000));
    expect(counts.minuteBuckets).toBeLessThanOrEqual(5 * (24 * 60 + 11));
    expect(counts.tenMinuteBuckets).toBeLessThanOrEqual(5 * (7 * 144));
    // After the first day only the 10-minute series grows: 720 rows a day for 5 servers, ~140 KiB.
    expect((size - sizes[0]) / 6).toBeLessThan(200 * 1024);
    expect(size).toBeLessThan(4 * 1024 * 1024);

    // A shorter retention trims the 10-minute series on the next run.
    mon.ensembles.save({ ...mon.ensembles.get(id)!, retentionDays: 2 });
    mon.metrics.compact(end);
    expect(mon.metrics.counts().tenMinuteBuckets).toBeLessThanOrEqual(5 * (2 * 144));
  });
});
