// Monitored ensembles: a connect string, its members (discovered or typed in), how often to poll,
// how long to keep history, the alert thresholds, and TLS settings (file paths only, never key contents).
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { parseConnectString } from '../client/connect-string';
import {
  defaultThresholds,
  type AlertThresholds,
  type EnsembleDefinition,
  type EnsembleTls,
  type MonitoredMember,
  type SaveEnsembleInput,
} from '../api/monitor-types';

export const DEFAULT_INTERVAL_SEC = 5;
export const DEFAULT_RETENTION_DAYS = 7;
const MAX_INTERVAL_SEC = 3600;
const MAX_RETENTION_DAYS = 3650;

interface EnsembleRow {
  id: string;
  name: string;
  connect_string: string;
  connection_id: string | null;
  members: string;
  interval_sec: number;
  retention_days: number;
  thresholds: string;
  tls: string | null;
  active: number;
}

export class EnsembleRepository {
  constructor(private readonly db: Database.Database) {}

  list(): EnsembleDefinition[] {
    const rows = this.db.prepare('SELECT * FROM monitor_ensembles ORDER BY name COLLATE NOCASE, id').all() as EnsembleRow[];
    return rows.map(toDefinition);
  }

  get(id: string): EnsembleDefinition | null {
    const row = this.db.prepare('SELECT * FROM monitor_ensembles WHERE id = ?').get(id) as EnsembleRow | undefined;
    return row ? toDefinition(row) : null;
  }

  /** Creates, or updates when input.id is given; omitted settings keep their stored (or default) values. */
  save(input: SaveEnsembleInput): EnsembleDefinition {
    if (typeof input !== 'object' || input === null) throw new Error('an ensemble needs a name, a connect string and its members');
    const existing = input.id === undefined ? null : this.get(input.id);
    if (input.id !== undefined && !existing) throw new Error(`there is no monitored ensemble with id ${input.id}`);
    const def = validate(input, existing);
    if (def.connectionId !== null && !this.db.prepare('SELECT 1 FROM connections WHERE id = ?').get(def.connectionId)) {
      throw new Error(`there is no saved connection with id ${def.connectionId}`);
    }
    const now = Date.now();
    this.db
      .prepare(
        `INSERT INTO monitor_ensembles (id, name, connect_string, connection_id, members, interval_sec, retention_days, thresholds, tls, created_at, updated_at)
         VALUES (@id, @name, @connectString, @connectionId, @members, @intervalSec, @retentionDays, @thresholds, @tls, @now, @now)
         ON CONFLICT(id) DO UPDATE SET name = @name, connect_string = @connectString, connection_id = @connectionId, members = @members,
           interval_sec = @intervalSec, retention_days = @retentionDays, thresholds = @thresholds, tls = @tls, updated_at = @now`,
      )
      .run({
        id: def.id,
        name: def.name,
        connectString: def.connectString,
        connectionId: def.connectionId,
        members: JSON.stringify(def.members),
        intervalSec: def.intervalSec,
        retentionDays: def.retentionDays,
        thresholds: JSON.stringify(def.thresholds),
        tls: def.tls === null ? null : JSON.stringify(def.tls),
        now,
      });
    return def;
  }

  /** Marks the ensemble as polled (or not), so a restarted ZooLab resumes what was running. */
  setRunning(id: string, running: boolean): void {
    this.db.prepare('UPDATE monitor_ensembles SET active = ? WHERE id = ?').run(running ? 1 : 0, id);
  }

  /** Removes the ensemble and, through the foreign keys, all of its history. */
  remove(id: string): void {
    const { changes } = this.db.prepare('DELETE FROM monitor_ensembles WHERE id = ?').run(id);
    if (changes === 0) throw new Error(`there is no monitored ensemble with id ${id}`);
  }
}

function toDefinition(row: EnsembleRow): EnsembleDefinition {
  return {
    id: row.id,
    name: row.name,
    connectString: row.connect_string,
    connectionId: row.connection_id,
    members: JSON.parse(row.members) as MonitoredMember[],
    intervalSec: row.interval_sec,
    retentionDays: row.retention_days,
    // Merged over the defaults so a threshold added in a later version has a value for old rows.
    thresholds: { ...defaultThresholds, ...(JSON.parse(row.thresholds) as Partial<AlertThresholds>) },
    tls: row.tls === null ? null : (JSON.parse(row.tls) as EnsembleTls),
    running: row.active === 1,
  };
}

function validate(input: SaveEnsembleInput, existing: EnsembleDefinition | null): EnsembleDefinition {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (!name) throw new Error('a monitored ensemble needs a name');
  const connectString = typeof input.connectString === 'string' ? input.connectString.trim() : '';
  if (!connectString) throw new Error('a monitored ensemble needs a connect string (host:port[,host:port...])');
  parseConnectString(connectString);
  if (input.connectionId !== null && input.connectionId !== undefined && typeof input.connectionId !== 'string') {
    throw new Error('the saved connection id must be text or null');
  }
  if (!Array.isArray(input.members)) throw new Error('the members must be a list of { address, adminUrl }');
  const members = input.members.map(validateMember);
  const addresses = new Set<string>();
  for (const m of members) {
    if (addresses.has(m.address)) throw new Error(`the member ${m.address} is listed twice`);
    addresses.add(m.address);
  }
  const intervalSec = wholeNumber(input.intervalSec ?? existing?.intervalSec ?? DEFAULT_INTERVAL_SEC, 'the poll interval (seconds)', 1, MAX_INTERVAL_SEC);
  const retentionDays = wholeNumber(
    input.retentionDays ?? existing?.retentionDays ?? DEFAULT_RETENTION_DAYS, 'the retention (days)', 1, MAX_RETENTION_DAYS);
  const thresholds = validateThresholds({ ...(existing?.thresholds ?? defaultThresholds), ...(input.thresholds ?? {}) });
  const tls = input.tls === undefined ? (existing?.tls ?? null) : validateTls(input.tls);
  return {
    id: existing?.id ?? randomUUID(),
    name,
    connectString,
    connectionId: input.connectionId ?? null,
    members,
    intervalSec,
    retentionDays,
    thresholds,
    tls,
    running: existing?.running ?? false,
  };
}

/** TLS settings as stored: paths trimmed, '' as null; a key never without its certificate. */
export function validateTls(input: unknown): EnsembleTls | null {
  if (input === null) return null;
  if (typeof input !== 'object') throw new Error('the TLS settings must be { securePort, caFile, certFile, keyFile, verifyHostname } or null');
  const t = input as Partial<Record<keyof EnsembleTls, unknown>>;
  const path = (v: unknown, what: string): string | null => {
    if (v === null || v === undefined) return null;
    if (typeof v !== 'string') throw new Error(`the ${what} must be a file path`);
    return v.trim() || null;
  };
  if (t.verifyHostname !== undefined && typeof t.verifyHostname !== 'boolean') throw new Error('verify hostname must be true or false');
  const tls: EnsembleTls = {
    securePort: t.securePort === null || t.securePort === undefined ? null : wholeNumber(t.securePort, 'the secure client port', 1, 65535),
    caFile: path(t.caFile, 'CA file'),
    certFile: path(t.certFile, 'client certificate file'),
    keyFile: path(t.keyFile, 'client key file'),
    verifyHostname: t.verifyHostname ?? true,
  };
  if ((tls.certFile === null) !== (tls.keyFile === null)) throw new Error('a client certificate and its key go together: give both files or neither');
  return tls;
}

function validateMember(m: unknown): MonitoredMember {
  const member = (typeof m === 'object' && m !== null ? m : {}) as Partial<MonitoredMember>;
  const address = typeof member.address === 'string' ? member.address.trim() : '';
  const parsed = address ? parseConnectString(address) : null;
  if (!parsed || parsed.hosts.length !== 1 || parsed.chroot !== '' || !/:\d+$/.test(address)) {
    throw new Error(`a member's address is host:clientPort, not "${address}"`);
  }
  let adminUrl: string | null = null;
  if (member.adminUrl !== null && member.adminUrl !== undefined && member.adminUrl !== '') {
    if (typeof member.adminUrl !== 'string') throw new Error(`the AdminServer URL of ${address} must be text`);
    let url: URL;
    try {
      url = new URL(member.adminUrl.trim());
    } catch {
      throw new Error(`the AdminServer URL of ${address} is not a URL: "${member.adminUrl}"`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`the AdminServer URL of ${address} must be http:// or https://`);
    adminUrl = member.adminUrl.trim().replace(/\/+$/, '');
  }
  return { address, adminUrl };
}

function validateThresholds(t: AlertThresholds): AlertThresholds {
  const out = {} as AlertThresholds;
  for (const key of Object.keys(defaultThresholds) as (keyof AlertThresholds)[]) {
    const v = t[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new Error(`the threshold ${key} must be a number above 0`);
    out[key] = v;
  }
  if (out.outstandingCritical < out.outstandingWarn) throw new Error('the critical outstanding-requests threshold must not be below the warning one');
  if (out.fdPercent > 100) throw new Error('the file-descriptor threshold is a percentage: at most 100');
  return out;
}

function wholeNumber(v: unknown, what: string, min: number, max: number): number {
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) throw new Error(`${what} must be a whole number from ${min} to ${max}`);
  return v as number;
}
