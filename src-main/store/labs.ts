// The cluster lab's definitions: what each lab was made as and where its files are. A connection
// of its own to the app's database file, like the monitor's (openStore has migrated the schema).
import type Database from 'better-sqlite3';
import type { LabDefinition } from '../api/lab-types';
import { openMigrated } from './migrations';

/** The first schema version with lab_definitions. */
const LAB_SCHEMA_VERSION = 4;

interface LabRow {
  id: string;
  name: string;
  participants: number;
  observers: number;
  tick_time: number;
  init_limit: number;
  sync_limit: number;
  dir: string;
  created_at: number;
}

export class LabRepository {
  private constructor(private readonly db: Database.Database) {}

  /** Opens `file`, a store openStore has opened (so it is migrated). */
  static open(file: string): LabRepository {
    const db = openMigrated(file, LAB_SCHEMA_VERSION, 'lab tables');
    return new LabRepository(db);
  }

  list(): LabDefinition[] {
    const rows = this.db.prepare('SELECT * FROM lab_definitions ORDER BY created_at, id').all() as LabRow[];
    return rows.map(toDefinition);
  }

  get(id: string): LabDefinition | null {
    const row = this.db.prepare('SELECT * FROM lab_definitions WHERE id = ?').get(id) as LabRow | undefined;
    return row ? toDefinition(row) : null;
  }

  insert(def: LabDefinition): void {
    this.db
      .prepare(
        `INSERT INTO lab_definitions (id, name, participants, observers, tick_time, init_limit, sync_limit, dir, created_at)
         VALUES (@id, @name, @participants, @observers, @tickTime, @initLimit, @syncLimit, @dir, @createdAt)`,
      )
      .run(def);
  }

  remove(id: string): void {
    this.db.prepare('DELETE FROM lab_definitions WHERE id = ?').run(id);
  }

  close(): void {
    this.db.close();
  }
}

function toDefinition(row: LabRow): LabDefinition {
  return {
    id: row.id,
    name: row.name,
    participants: row.participants,
    observers: row.observers,
    tickTime: row.tick_time,
    initLimit: row.init_limit,
    syncLimit: row.sync_limit,
    dir: row.dir,
    createdAt: row.created_at,
  };
}
