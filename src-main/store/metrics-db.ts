// The monitor's own connection to the app's database file: openStore has migrated the schema; this
// connection trades a little durability for write speed (a sample lost to a power cut is harmless)
// and keeps the monitor's writes off the connection that holds saved passwords.
import { EnsembleRepository } from './ensembles';
import { MetricsRepository, type MetricsOptions } from './metrics';
import { MonitorEventRepository } from './metrics-events';
import { openMigrated } from './migrations';

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
  const db = openMigrated(file, MONITOR_SCHEMA_VERSION, 'monitor tables', ['synchronous = NORMAL']);
  return {
    ensembles: new EnsembleRepository(db),
    metrics: new MetricsRepository(db, options),
    events: new MonitorEventRepository(db),
    checkpoint: () => void db.pragma('wal_checkpoint(TRUNCATE)'),
    close: () => db.close(),
  };
}
