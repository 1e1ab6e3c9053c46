// The monitor's own connection to the app's database file: openStore has migrated the schema; this
// connection trades a little durability for write speed (a sample lost to a power cut is harmless)
// and keeps the monitor's writes off the connection that holds saved passwords.
import Database from 'better-sqlite3';
import { EnsembleRepository } from './ensembles';
import { MetricsRepository, type MetricsOptions } from './metrics';
import { MonitorEventRepository } from './metrics-events';
import { schemaVersion } from './migrations';

/** The first schema version with the monitor's tables. */
const MONITOR_SCHEMA_VERSION = 2;

export interface MonitorStore {
  readonly ensembles: EnsembleRepository;
  readonly metrics: MetricsRepository;
  readonly events: MonitorEventRepository;
  /** Writes the WAL back into the database file and truncates it (tests measure the file). */
  checkpoint(): void;
  close(): void;
}

/** Opens `file` (a store openStore has opened, so it is migrated) for the monitor. */
export function openMonitorStore(file: string, options: MetricsOptions = {}): MonitorStore {
  const db = new Database(file);
  try {
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    // Another ZooLab process (the app and `zoolab web`) may be writing the same file.
    db.pragma('busy_timeout = 5000');
    const version = schemaVersion(db);
    if (version < MONITOR_SCHEMA_VERSION) throw new Error(`the database ${file} has no monitor tables (schema ${version}): open it with openStore first`);
  } catch (err) {
    db.close();
    throw err;
  }
  return {
    ensembles: new EnsembleRepository(db),
    metrics: new MetricsRepository(db, options),
    events: new MonitorEventRepository(db),
    checkpoint: () => void db.pragma('wal_checkpoint(TRUNCATE)'),
    close: () => db.close(),
  };
}
