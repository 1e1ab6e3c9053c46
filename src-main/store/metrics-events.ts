// The alert log and the timeline marks (role changes, outages) of monitored ensembles.
import type Database from 'better-sqlite3';
import type { AlertEvent, TimelineMark } from '../api/monitor-types';

export type NewAlert = Omit<AlertEvent, 'id'>;

export class MonitorEventRepository {
  constructor(private readonly db: Database.Database) {}

  addAlert(alert: NewAlert): AlertEvent {
    const { lastInsertRowid } = this.db
      .prepare(
        `INSERT INTO monitor_alerts (ensemble_id, ts, address, kind, severity, message)
         VALUES (@ensembleId, @ts, @address, @kind, @severity, @message)`,
      )
      .run(alert);
    return { id: Number(lastInsertRowid), ...alert };
  }

  /** The newest `limit` alerts, newest first. */
  alerts(ensembleId: string, limit: number): AlertEvent[] {
    return this.db
      .prepare(
        `SELECT id, ensemble_id AS ensembleId, ts, address, kind, severity, message FROM monitor_alerts
         WHERE ensemble_id = ? ORDER BY ts DESC, id DESC LIMIT ?`,
      )
      .all(ensembleId, limit) as AlertEvent[];
  }

  addMarks(ensembleId: string, marks: TimelineMark[]): void {
    const insert = this.db.prepare(
      'INSERT INTO monitor_marks (ensemble_id, ts, address, kind, label) VALUES (@ensembleId, @ts, @address, @kind, @label)',
    );
    this.db.transaction(() => {
      for (const m of marks) insert.run({ ensembleId, ...m });
    })();
  }

  /** Marks in the range, oldest first. */
  marks(ensembleId: string, fromTs: number, toTs: number): TimelineMark[] {
    return this.db
      .prepare('SELECT ts, address, kind, label FROM monitor_marks WHERE ensemble_id = ? AND ts >= ? AND ts <= ? ORDER BY ts, id')
      .all(ensembleId, fromTs, toTs) as TimelineMark[];
  }
}
