// The database schema as an ordered list of migrations; schema_version records how far a file is.
import Database from 'better-sqlite3';

interface Migration {
  version: number;
  sql: string;
}

const migrations: Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE connections (
        id                 TEXT PRIMARY KEY,
        name               TEXT NOT NULL,
        connect_string     TEXT NOT NULL,
        session_timeout_ms INTEGER NOT NULL,
        auth_user          TEXT,
        password_blob      BLOB,
        created_at         INTEGER NOT NULL,
        updated_at         INTEGER NOT NULL
      );
    `,
  },
  {
    // Monitored ensembles and their history. Samples and rollups key on a small integer server id
    // (not ensemble + address text) and are WITHOUT ROWID tables clustered by (server, time), so a
    // range read for one server is one contiguous scan.
    version: 2,
    sql: `
      CREATE TABLE monitor_ensembles (
        id             TEXT PRIMARY KEY,
        name           TEXT NOT NULL,
        connect_string TEXT NOT NULL,
        connection_id  TEXT REFERENCES connections(id) ON DELETE SET NULL,
        members        TEXT NOT NULL,
        interval_sec   INTEGER NOT NULL,
        retention_days INTEGER NOT NULL,
        thresholds     TEXT NOT NULL,
        active         INTEGER NOT NULL DEFAULT 0,
        created_at     INTEGER NOT NULL,
        updated_at     INTEGER NOT NULL
      );
      CREATE TABLE monitor_servers (
        id          INTEGER PRIMARY KEY,
        ensemble_id TEXT NOT NULL REFERENCES monitor_ensembles(id) ON DELETE CASCADE,
        address     TEXT NOT NULL,
        UNIQUE (ensemble_id, address)
      );
      CREATE TABLE monitor_samples (
        server_id        INTEGER NOT NULL REFERENCES monitor_servers(id) ON DELETE CASCADE,
        ts               INTEGER NOT NULL,
        up               INTEGER NOT NULL,
        down_reason      TEXT,
        note             TEXT,
        role             TEXT,
        zxid             TEXT,
        epoch            INTEGER,
        latency_avg      REAL,
        latency_max      REAL,
        outstanding      INTEGER,
        connections      INTEGER,
        znodes           INTEGER,
        watches          INTEGER,
        ephemerals       INTEGER,
        data_size        INTEGER,
        open_fds         INTEGER,
        max_fds          INTEGER,
        synced_followers INTEGER,
        probe_ms         REAL,
        source           TEXT,
        health           TEXT NOT NULL,
        PRIMARY KEY (server_id, ts)
      ) WITHOUT ROWID;
      CREATE TABLE monitor_rollups (
        server_id       INTEGER NOT NULL REFERENCES monitor_servers(id) ON DELETE CASCADE,
        bucket_ms       INTEGER NOT NULL,
        ts              INTEGER NOT NULL,
        samples         INTEGER NOT NULL,
        down            INTEGER NOT NULL,
        latency_avg_avg REAL, latency_avg_max REAL,
        latency_max_avg REAL, latency_max_max REAL,
        outstanding_avg REAL, outstanding_max REAL,
        connections_avg REAL, connections_max REAL,
        znodes_avg      REAL, znodes_max      REAL,
        watches_avg     REAL, watches_max     REAL,
        ephemerals_avg  REAL, ephemerals_max  REAL,
        data_size_avg   REAL, data_size_max   REAL,
        open_fds_avg    REAL, open_fds_max    REAL,
        probe_ms_avg    REAL, probe_ms_max    REAL,
        PRIMARY KEY (server_id, bucket_ms, ts)
      ) WITHOUT ROWID;
      CREATE TABLE monitor_rollup_progress (
        bucket_ms  INTEGER PRIMARY KEY,
        done_until INTEGER NOT NULL
      );
      CREATE TABLE monitor_marks (
        id          INTEGER PRIMARY KEY,
        ensemble_id TEXT NOT NULL REFERENCES monitor_ensembles(id) ON DELETE CASCADE,
        ts          INTEGER NOT NULL,
        address     TEXT NOT NULL,
        kind        TEXT NOT NULL,
        label       TEXT NOT NULL
      );
      CREATE INDEX monitor_marks_by_time ON monitor_marks (ensemble_id, ts);
      CREATE TABLE monitor_alerts (
        id          INTEGER PRIMARY KEY,
        ensemble_id TEXT NOT NULL REFERENCES monitor_ensembles(id) ON DELETE CASCADE,
        ts          INTEGER NOT NULL,
        address     TEXT,
        kind        TEXT NOT NULL,
        severity    TEXT NOT NULL,
        message     TEXT NOT NULL
      );
      CREATE INDEX monitor_alerts_by_time ON monitor_alerts (ensemble_id, ts);
    `,
  },
  {
    // TLS to secure client ports, per monitored ensemble: JSON with file paths (no key contents); NULL is plain TCP.
    version: 3,
    sql: `ALTER TABLE monitor_ensembles ADD COLUMN tls TEXT;`,
  },
  {
    // The cluster lab's local ensembles; their servers' files live in dir, their run history in the
    // lab_runs/lab_events/lab_faults tables that the history store creates itself.
    version: 4,
    sql: `
      CREATE TABLE lab_definitions (
        id           TEXT PRIMARY KEY,
        name         TEXT NOT NULL,
        participants INTEGER NOT NULL,
        observers    INTEGER NOT NULL,
        tick_time    INTEGER NOT NULL,
        init_limit   INTEGER NOT NULL,
        sync_limit   INTEGER NOT NULL,
        dir          TEXT NOT NULL,
        created_at   INTEGER NOT NULL
      );
    `,
  },
];

export const LATEST_SCHEMA_VERSION = migrations[migrations.length - 1].version;

export function schemaVersion(db: Database.Database): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
  return row?.version ?? 0;
}

/**
 * A connection of its own (the monitor's, the lab's) to `file`, a store openStore has opened and so
 * migrated; it must be at `minVersion` at least, the first with `tables`. `pragmas` are set too.
 */
export function openMigrated(file: string, minVersion: number, tables: string, pragmas: readonly string[] = []): Database.Database {
  const db = new Database(file);
  try {
    db.pragma('foreign_keys = ON');
    for (const p of pragmas) db.pragma(p);
    // Another ZooLab process (the app and `zoolab web`) may be writing the same file.
    db.pragma('busy_timeout = 5000');
    const version = schemaVersion(db);
    if (version < minVersion) throw new Error(`the database ${file} has no ${tables} (schema ${version}): open it with openStore first`);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** Brings the file up to the latest schema, each step in its own transaction. */
export function migrate(db: Database.Database, file: string): void {
  const current = schemaVersion(db);
  if (current > LATEST_SCHEMA_VERSION) {
    throw new Error(
      `the database ${file} was written by a newer ZooLab (schema ${current}); this version reads up to schema ${LATEST_SCHEMA_VERSION}`,
    );
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('DELETE FROM schema_version').run();
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(m.version);
    })();
  }
}
