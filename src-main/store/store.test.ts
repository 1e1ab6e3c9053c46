import { readdirSync, readFileSync, rmSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION } from './migrations';
import { DATABASE_FILE, KEY_FILE, openStore, type Store } from './store';

describe('store', () => {
  let dir: string;
  let store: Store;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'zoolab-store-'));
    store = openStore(dir);
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const base = { name: 'local', connectString: '127.0.0.1:2181', sessionTimeoutMs: 30000 };

  it('creates, lists, updates and removes connections', async () => {
    expect(store.connections.list()).toEqual([]);
    const a = await store.connections.save(base);
    const b = await store.connections.save({ ...base, name: 'Alpha', connectString: 'a:1,b:2/chroot', authUser: 'bob' });
    expect(a).toEqual({ id: a.id, ...base, authUser: null, hasStoredPassword: false });
    expect(store.connections.list().map((p) => p.name)).toEqual(['Alpha', 'local']);

    const renamed = await store.connections.save({ ...base, id: a.id, name: 'zeta', sessionTimeoutMs: 5000 });
    expect(renamed).toMatchObject({ id: a.id, name: 'zeta', sessionTimeoutMs: 5000 });
    expect(store.connections.get(b.id)?.authUser).toBe('bob');

    store.connections.remove(a.id);
    expect(store.connections.list().map((p) => p.id)).toEqual([b.id]);
    expect(() => store.connections.remove(a.id)).toThrow(/no saved connection/);
    await expect(store.connections.save({ ...base, id: 'nope' })).rejects.toThrow(/no saved connection/);
  });

  it('rejects incomplete input with words', async () => {
    await expect(store.connections.save({ ...base, name: ' ' })).rejects.toThrow(/needs a name/);
    await expect(store.connections.save({ ...base, connectString: '' })).rejects.toThrow(/connect string/);
    await expect(store.connections.save({ ...base, sessionTimeoutMs: -1 })).rejects.toThrow(/session timeout/);
    await expect(store.connections.save({ ...base, authUser: 'a:b' })).rejects.toThrow(/cannot contain ":"/);
  });

  it('stores a remembered password encrypted: the plain text is nowhere in the database files', async () => {
    const secret = 'correct-horse-battery-staple';
    const p = await store.connections.save({ ...base, authUser: 'alice', password: secret, rememberPassword: true });
    expect(p.hasStoredPassword).toBe(true);
    expect((await store.connections.credentials(p.id)).password).toBe(secret);
    store.close();

    const files = readdirSync(dir).filter((f) => f.startsWith(DATABASE_FILE));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(readFileSync(join(dir, f)).includes(Buffer.from(secret))).toBe(false);
    expect(statSync(join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);

    const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
    const row = db.prepare('SELECT password_blob FROM connections').get() as { password_blob: Buffer };
    db.close();
    expect(Buffer.isBuffer(row.password_blob)).toBe(true);
    expect(row.password_blob.includes(Buffer.from(secret))).toBe(false);

    store = openStore(dir);
    expect((await store.connections.credentials(p.id)).password).toBe(secret);
  });

  it('keeps a password the user did not ask to remember in memory for this run only', async () => {
    const p = await store.connections.save({ ...base, authUser: 'alice', password: 'temp', rememberPassword: false });
    expect(p.hasStoredPassword).toBe(false);
    expect((await store.connections.credentials(p.id)).password).toBe('temp');
    store.close();
    store = openStore(dir);
    expect(await store.connections.credentials(p.id)).toMatchObject({ password: null, profile: { authUser: 'alice', hasStoredPassword: false } });
  });

  it('keeps, replaces and clears a stored password as asked', async () => {
    const p = await store.connections.save({ ...base, authUser: 'alice', password: 'one', rememberPassword: true });
    await store.connections.save({ ...base, id: p.id, name: 'renamed' });
    expect((await store.connections.credentials(p.id)).password).toBe('one');
    await store.connections.save({ ...base, id: p.id, password: 'two', rememberPassword: false });
    expect(store.connections.get(p.id)?.hasStoredPassword).toBe(false);
    expect((await store.connections.credentials(p.id)).password).toBe('two');
    await store.connections.save({ ...base, id: p.id, password: null });
    expect((await store.connections.credentials(p.id)).password).toBeNull();
    await store.connections.save({ ...base, id: p.id, password: 'three', rememberPassword: true });
    await store.connections.save({ ...base, id: p.id, authUser: 'mallory' });
    expect(await store.connections.credentials(p.id)).toMatchObject({ password: null, profile: { hasStoredPassword: false } });
  });

  it('records the schema version and reopens without re-running migrations', async () => {
    store.close();
    store = openStore(dir);
    const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
    expect(db.prepare('SELECT version FROM schema_version').all()).toEqual([{ version: LATEST_SCHEMA_VERSION }]);
    db.close();
  });

  it('refuses a database from a newer ZooLab', async () => {
    store.close();
    const db = new Database(join(dir, DATABASE_FILE));
    db.prepare('UPDATE schema_version SET version = 999').run();
    db.close();
    expect(() => openStore(dir)).toThrow(/newer ZooLab \(schema 999\)/);
    rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(join(tmpdir(), 'zoolab-store-'));
    store = openStore(dir);
  });
});
