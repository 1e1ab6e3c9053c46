// Saved connection profiles. A password is stored only encrypted, and only when the user asked to
// remember it; otherwise it lives in this process's memory until it exits.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { ConnectionProfile, SaveConnectionInput } from '../api/types';
import type { SecretBox } from './secret-box';

interface ConnectionRow {
  id: string;
  name: string;
  connect_string: string;
  session_timeout_ms: number;
  auth_user: string | null;
  password_blob: Buffer | null;
}

/** What a profile needs to open a session, password included when one is known. */
export interface ConnectionCredentials {
  profile: ConnectionProfile;
  password: string | null;
}

export class ConnectionRepository {
  private readonly memoryPasswords = new Map<string, string>();

  constructor(
    private readonly db: Database.Database,
    private readonly box: SecretBox,
  ) {}

  list(): ConnectionProfile[] {
    const rows = this.db.prepare('SELECT * FROM connections ORDER BY name COLLATE NOCASE, id').all() as ConnectionRow[];
    return rows.map(toProfile);
  }

  get(id: string): ConnectionProfile | null {
    const row = this.row(id);
    return row ? toProfile(row) : null;
  }

  async save(input: SaveConnectionInput): Promise<ConnectionProfile> {
    const clean = validate(input);
    const existing = input.id ? this.row(input.id) : undefined;
    if (input.id && !existing) throw new Error(`there is no saved connection with id ${input.id}`);
    const id = existing?.id ?? randomUUID();
    const authUser = clean.authUser === undefined ? (existing?.auth_user ?? null) : clean.authUser;

    let blob = existing?.password_blob ?? null;
    const userChanged = existing !== undefined && authUser !== existing.auth_user;
    if (authUser === null || input.password === null || (userChanged && input.password === undefined)) {
      blob = null;
      this.memoryPasswords.delete(id);
    } else if (typeof input.password === 'string') {
      const remember = input.rememberPassword === true && (await this.box.isAvailable());
      blob = remember ? await this.box.encrypt(input.password) : null;
      if (remember) this.memoryPasswords.delete(id);
      else this.memoryPasswords.set(id, input.password);
    }

    const now = Date.now();
    this.db
      .prepare(
        `INSERT INTO connections (id, name, connect_string, session_timeout_ms, auth_user, password_blob, created_at, updated_at)
         VALUES (@id, @name, @connectString, @sessionTimeoutMs, @authUser, @blob, @now, @now)
         ON CONFLICT(id) DO UPDATE SET name = @name, connect_string = @connectString, session_timeout_ms = @sessionTimeoutMs,
           auth_user = @authUser, password_blob = @blob, updated_at = @now`,
      )
      .run({ id, name: clean.name, connectString: clean.connectString, sessionTimeoutMs: clean.sessionTimeoutMs, authUser, blob, now });
    return this.get(id)!;
  }

  remove(id: string): void {
    this.memoryPasswords.delete(id);
    const { changes } = this.db.prepare('DELETE FROM connections WHERE id = ?').run(id);
    if (changes === 0) throw new Error(`there is no saved connection with id ${id}`);
  }

  /** The profile and the password to log in with: the stored one, else the one kept for this run. */
  async credentials(id: string): Promise<ConnectionCredentials> {
    const row = this.row(id);
    if (!row) throw new Error(`there is no saved connection with id ${id}`);
    let password = this.memoryPasswords.get(id) ?? null;
    if (row.password_blob && row.auth_user !== null) {
      try {
        password = await this.box.decrypt(row.password_blob);
      } catch (err) {
        throw new Error(`the saved password of "${row.name}" cannot be read: ${(err as Error).message}; enter it again`);
      }
    }
    return { profile: toProfile(row), password };
  }

  private row(id: string): ConnectionRow | undefined {
    return this.db.prepare('SELECT * FROM connections WHERE id = ?').get(id) as ConnectionRow | undefined;
  }
}

function toProfile(row: ConnectionRow): ConnectionProfile {
  return {
    id: row.id,
    name: row.name,
    connectString: row.connect_string,
    sessionTimeoutMs: row.session_timeout_ms,
    authUser: row.auth_user,
    hasStoredPassword: row.auth_user !== null && row.password_blob !== null,
  };
}

function validate(input: SaveConnectionInput): { name: string; connectString: string; sessionTimeoutMs: number; authUser?: string | null } {
  if (typeof input !== 'object' || input === null) throw new Error('a connection needs a name, a connect string and a session timeout');
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (!name) throw new Error('a connection needs a name');
  const connectString = typeof input.connectString === 'string' ? input.connectString.trim() : '';
  if (!connectString) throw new Error('a connection needs a connect string (host:port[,host:port...][/chroot])');
  const sessionTimeoutMs = input.sessionTimeoutMs;
  if (!Number.isInteger(sessionTimeoutMs) || sessionTimeoutMs <= 0) {
    throw new Error('the session timeout must be a whole number of milliseconds above 0');
  }
  if (input.password !== undefined && input.password !== null && typeof input.password !== 'string') {
    throw new Error('the password must be text');
  }
  let authUser: string | null | undefined;
  if (input.authUser === undefined) authUser = undefined;
  else if (input.authUser === null || (typeof input.authUser === 'string' && input.authUser.trim() === '')) authUser = null;
  else if (typeof input.authUser === 'string') authUser = input.authUser.trim();
  else throw new Error('the user name must be text');
  if (authUser && authUser.includes(':')) throw new Error('a digest user name cannot contain ":"');
  return { name, connectString, sessionTimeoutMs, authUser };
}
