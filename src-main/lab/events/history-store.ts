// The lab's run history in SQLite, so a past run can be replayed: every event the servers logged,
// every fault the lab injected, every load-generator request and each server's figures over time,
// keyed by run and time. Tables carry a lab_ prefix and are created
// here, so the file may be the store's own or one shared with other tables.
import Database from 'better-sqlite3';
import type { ZooEvent } from './zoo-event';

export interface RunRecord {
  id: number;
  labId: string;
  /** Microseconds, like event timestamps. */
  startedAt: number;
  endedAt: number | null;
}

/** A fault the lab injected: kill, pause, cut... `target` names the server or link. */
export interface FaultRecord {
  ts: number;
  kind: string;
  target: string;
  detail: string | null;
}

export interface TimeWindow {
  /** Inclusive, microseconds. */
  fromTs?: number;
  /** Exclusive, microseconds. */
  toTs?: number;
  limit?: number;
}

/** One load-generator request (as LoadSample in the API): ms since the epoch. */
export interface LoadRecord {
  at: number;
  op: string;
  latencyMs: number;
  ok: boolean;
}

/** Each server's figures at one moment (from a status): ms since the epoch. */
export interface FiguresRecord {
  at: number;
  servers: Array<{ id: number; outstanding: number | null; connections: number | null; fsync: { count: number; sumMs: number } | null }>;
}

export interface EventQuery extends TimeWindow {
  /** Only these event types; all when absent. */
  types?: readonly string[];
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS lab_runs (
    id         INTEGER PRIMARY KEY,
    lab_id     TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    ended_at   INTEGER
  );
  CREATE INDEX IF NOT EXISTS lab_runs_by_lab ON lab_runs (lab_id, started_at);
  CREATE TABLE IF NOT EXISTS lab_events (
    id     INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES lab_runs(id),
    node   INTEGER NOT NULL,
    ts     INTEGER NOT NULL,
    type   TEXT NOT NULL,
    json   TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS lab_events_by_time ON lab_events (run_id, ts);
  CREATE TABLE IF NOT EXISTS lab_faults (
    id     INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES lab_runs(id),
    ts     INTEGER NOT NULL,
    kind   TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT
  );
  CREATE INDEX IF NOT EXISTS lab_faults_by_time ON lab_faults (run_id, ts);
  CREATE TABLE IF NOT EXISTS lab_load (
    id         INTEGER PRIMARY KEY,
    run_id     INTEGER NOT NULL REFERENCES lab_runs(id),
    at         INTEGER NOT NULL,
    op         TEXT NOT NULL,
    latency_ms REAL NOT NULL,
    ok         INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS lab_load_by_time ON lab_load (run_id, at);
  CREATE TABLE IF NOT EXISTS lab_figures (
    id     INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES lab_runs(id),
    at     INTEGER NOT NULL,
    json   TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS lab_figures_by_time ON lab_figures (run_id, at);
`;

const nowMicros = (): number => Date.now() * 1000;

export class HistoryStore {
  private readonly insertEvent;
  private readonly appendBatch;
  private readonly insertLoad;
  private readonly appendLoadBatch;

  private constructor(private readonly db: Database.Database) {
    this.insertEvent = db.prepare('INSERT INTO lab_events (run_id, node, ts, type, json) VALUES (?, ?, ?, ?, ?)');
    // One transaction per batch: a commit per row would cap the rate at the disk's sync rate.
    this.appendBatch = db.transaction((runId: number, events: readonly ZooEvent[]) => {
      for (const e of events) this.insertEvent.run(runId, e.node, e.ts, e.type, JSON.stringify(e));
    });
    this.insertLoad = db.prepare('INSERT INTO lab_load (run_id, at, op, latency_ms, ok) VALUES (?, ?, ?, ?, ?)');
    this.appendLoadBatch = db.transaction((runId: number, samples: readonly LoadRecord[]) => {
      for (const s of samples) this.insertLoad.run(runId, s.at, s.op, s.latencyMs, s.ok ? 1 : 0);
    });
  }

  static open(file: string): HistoryStore {
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      // A replay that loses its last batch to a power cut is harmless; speed matters more.
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      db.exec(SCHEMA);
    } catch (err) {
      db.close();
      throw err;
    }
    return new HistoryStore(db);
  }

  /** Starts recording a run of lab `labId`; returns its id. */
  startRun(labId: string, startedAt = nowMicros()): number {
    const result = this.db.prepare('INSERT INTO lab_runs (lab_id, started_at) VALUES (?, ?)').run(labId, startedAt);
    return Number(result.lastInsertRowid);
  }

  endRun(runId: number, endedAt = nowMicros()): void {
    this.db.prepare('UPDATE lab_runs SET ended_at = ? WHERE id = ?').run(endedAt, runId);
  }

  append(runId: number, events: readonly ZooEvent[]): void {
    if (events.length > 0) this.appendBatch(runId, events);
  }

  appendFault(runId: number, fault: FaultRecord): void {
    this.db
      .prepare('INSERT INTO lab_faults (run_id, ts, kind, target, detail) VALUES (?, ?, ?, ?, ?)')
      .run(runId, fault.ts, fault.kind, fault.target, fault.detail);
  }

  appendLoad(runId: number, samples: readonly LoadRecord[]): void {
    if (samples.length > 0) this.appendLoadBatch(runId, samples);
  }

  appendFigures(runId: number, figures: FiguresRecord): void {
    this.db.prepare('INSERT INTO lab_figures (run_id, at, json) VALUES (?, ?, ?)').run(runId, figures.at, JSON.stringify(figures.servers));
  }

  /** A run's load-generator requests in time order; the window is in ms here. */
  load(runId: number, query: TimeWindow = {}): LoadRecord[] {
    const rows = this.db
      .prepare(`SELECT at, op, latency_ms AS latencyMs, ok FROM lab_load WHERE run_id = @runId AND at >= @fromTs AND at < @toTs ORDER BY at, id LIMIT @limit`)
      .all(window(runId, query)) as Array<Omit<LoadRecord, 'ok'> & { ok: number }>;
    return rows.map((r) => ({ ...r, ok: r.ok === 1 }));
  }

  /** A run's server figures in time order; the window is in ms here. */
  figures(runId: number, query: TimeWindow = {}): FiguresRecord[] {
    const rows = this.db
      .prepare(`SELECT at, json FROM lab_figures WHERE run_id = @runId AND at >= @fromTs AND at < @toTs ORDER BY at, id LIMIT @limit`)
      .all(window(runId, query)) as Array<{ at: number; json: string }>;
    return rows.map((r) => ({ at: r.at, servers: JSON.parse(r.json) as FiguresRecord['servers'] }));
  }

  /** A run's events in time order (each server's own order kept for equal timestamps). */
  events(runId: number, query: EventQuery = {}): ZooEvent[] {
    const rows = this.db
      .prepare(
        `SELECT json FROM lab_events
          WHERE run_id = @runId AND ts >= @fromTs AND ts < @toTs
            AND (@types IS NULL OR type IN (SELECT value FROM json_each(@types)))
          ORDER BY ts, id LIMIT @limit`,
      )
      .all({ ...window(runId, query), types: query.types ? JSON.stringify(query.types) : null }) as { json: string }[];
    return rows.map((r) => JSON.parse(r.json) as ZooEvent);
  }

  faults(runId: number, query: TimeWindow = {}): FaultRecord[] {
    return this.db
      .prepare(
        `SELECT ts, kind, target, detail FROM lab_faults
          WHERE run_id = @runId AND ts >= @fromTs AND ts < @toTs ORDER BY ts, id LIMIT @limit`,
      )
      .all(window(runId, query)) as FaultRecord[];
  }

  /** The lab's runs, newest first. */
  runs(labId: string): RunRecord[] {
    return this.db
      .prepare(
        `SELECT id, lab_id AS labId, started_at AS startedAt, ended_at AS endedAt FROM lab_runs
          WHERE lab_id = ? ORDER BY started_at DESC, id DESC`,
      )
      .all(labId) as RunRecord[];
  }

  /** Forgets every run of a lab, with its events and faults (the lab is being removed). */
  removeLab(labId: string): void {
    this.db.transaction(() => {
      const runs = `SELECT id FROM lab_runs WHERE lab_id = ?`;
      this.db.prepare(`DELETE FROM lab_events WHERE run_id IN (${runs})`).run(labId);
      this.db.prepare(`DELETE FROM lab_faults WHERE run_id IN (${runs})`).run(labId);
      this.db.prepare(`DELETE FROM lab_load WHERE run_id IN (${runs})`).run(labId);
      this.db.prepare(`DELETE FROM lab_figures WHERE run_id IN (${runs})`).run(labId);
      this.db.prepare('DELETE FROM lab_runs WHERE lab_id = ?').run(labId);
    })();
  }

  close(): void {
    this.db.close();
  }
}

function window(runId: number, query: TimeWindow) {
  return {
    runId,
    fromTs: query.fromTs ?? Number.MIN_SAFE_INTEGER,
    toTs: query.toTs ?? Number.MAX_SAFE_INTEGER,
    // SQLite reads a negative LIMIT as no limit.
    limit: query.limit ?? -1,
  };
}
