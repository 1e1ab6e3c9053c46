// The database schema as an ordered list of migrations; schema_version records how far a file is.
import type Database from 'better-sqlite3';

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
];

export const LATEST_SCHEMA_VERSION = migrations[migrations.length - 1].version;

export function schemaVersion(db: Database.Database): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
  return row?.version ?? 0;
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
