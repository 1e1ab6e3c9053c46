import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZooKeeperClient } from '../client';
import { digestId, Perms } from '../protocol';
import { openStore, type Store } from '../store/store';
import { requireApacheZooKeeper, startZooKeeper, type ApacheZooKeeper } from '../testing/apache-zk';
import { ZooLabService, type ApiClient } from './service';
import type { ApiError, ApiEventName, NodeView, SessionInfo, StatView, ZooLabEvents } from './types';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe.skipIf(!requireApacheZooKeeper())('ZooLab service against Apache ZooKeeper', () => {
  let zkServer: ApacheZooKeeper;
  let dir: string;
  let store: Store;
  let service: ZooLabService;
  let api: ApiClient;
  let other: ZooKeeperClient;
  let session: SessionInfo;
  const events: Array<{ event: ApiEventName; data: unknown }> = [];

  async function ok<T>(method: string, ...params: unknown[]): Promise<T> {
    const out = await api.call(method, params);
    if (out.error) throw new Error(`${method} failed: ${out.error.message}`);
    return out.result as T;
  }
  async function fails(method: string, ...params: unknown[]): Promise<ApiError> {
    const out = await api.call(method, params);
    if (!out.error) throw new Error(`${method} should have failed`);
    return out.error;
  }
  async function waitFor<T>(find: () => T | undefined, what: string, ms = 10_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const changes = (path: string, kind: string) =>
    events.filter((e) => {
      const d = e.data as ZooLabEvents['node.changed'];
      return e.event === 'node.changed' && d.sessionKey === session.sessionKey && d.path === path && d.kind === kind;
    }).length;

  beforeAll(async () => {
    zkServer = await startZooKeeper();
    dir = mkdtempSync(join(tmpdir(), 'zoolab-service-'));
    store = openStore(dir);
    service = new ZooLabService(store);
    api = service.connect((event, data) => events.push({ event, data }));
    other = new ZooKeeperClient({ connectString: zkServer.connectString, sessionTimeoutMs: 10_000 });
    await other.connect();
    session = await ok<SessionInfo>('session.open', { connectString: zkServer.connectString, sessionTimeoutMs: 10_000 });
  });

  afterAll(async () => {
    await other?.close();
    await service?.close();
    store?.close();
    await zkServer?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('opens a session and describes it', async () => {
    expect(session).toMatchObject({ connectString: zkServer.connectString, state: 'connected', server: `127.0.0.1:${zkServer.clientPort}` });
    expect(session.sessionId).toMatch(/^0x[0-9a-f]+$/);
    expect(session.negotiatedTimeoutMs).toBeGreaterThan(0);
    expect(await ok('session.info', session.sessionKey)).toEqual(session);
  });

  it('creates, reads, lists and sets nodes; a stale version is BADVERSION', async () => {
    const k = session.sessionKey;
    expect(await ok('node.create', k, { path: '/svc', data: b64('hello'), mode: 'PERSISTENT' })).toEqual({ path: '/svc' });
    const seq = await ok<{ path: string }>('node.create', k, { path: '/svc/item-', data: null, mode: 'PERSISTENT_SEQUENTIAL' });
    expect(seq.path).toMatch(/^\/svc\/item-\d{10}$/);

    const node = await ok<NodeView>('node.get', k, '/svc');
    expect(Buffer.from(node.data!, 'base64').toString()).toBe('hello');
    expect(node.stat).toMatchObject({ version: 0, dataLength: 5, numChildren: 1, ephemeralOwner: '0' });
    expect(node.stat.czxid).toMatch(/^\d+$/);
    expect(node.acl).toEqual([{ perms: 31, scheme: 'world', id: 'anyone' }]);
    expect((await ok<NodeView>('node.get', k, seq.path)).data).toBeNull();

    expect((await ok<StatView>('node.stat', k, '/svc')).dataLength).toBe(node.stat.dataLength);
    expect(await fails('node.stat', k, '/no/such/node')).toMatchObject({ codeName: 'NONODE' });
    const root = await ok<{ children: string[] }>('node.children', k, '/');
    expect(root.children).toEqual(expect.arrayContaining(['svc', 'zookeeper']));

    const stat = await ok<StatView>('node.set', k, '/svc', b64('v1'), node.stat.version);
    expect(stat.version).toBe(1);
    expect(await fails('node.set', k, '/svc', b64('stale'), node.stat.version)).toMatchObject({ code: -103, codeName: 'BADVERSION' });
    expect(await ok('node.set', k, '/svc', b64('forced'), -1)).toMatchObject({ version: 2 });

    const eph = await ok<{ path: string }>('node.create', k, { path: '/svc-eph', data: b64('x'), mode: 'EPHEMERAL' });
    expect((await ok<NodeView>('node.get', k, eph.path)).stat.ephemeralOwner).toBe(BigInt(session.sessionId).toString());
    await ok('node.delete', k, eph.path, 0);
  });

  it('reports ZooKeeper errors and bad arguments in words', async () => {
    const k = session.sessionKey;
    const nonode = await fails('node.get', k, '/no/such/node');
    expect(nonode).toMatchObject({ code: -101, codeName: 'NONODE' });
    expect(nonode.message).not.toMatch(/\bat\s.+:\d+:\d+/);
    expect(await fails('node.create', k, { path: '/svc', data: null, mode: 'PERSISTENT' })).toMatchObject({ codeName: 'NODEEXISTS' });
    expect(await fails('node.get', k, 'relative')).toMatchObject({ codeName: 'BADARGUMENTS' });
    expect(await fails('node.create', k, { path: '/x', data: '***', mode: 'PERSISTENT' })).toMatchObject({ codeName: 'BADARGUMENTS' });
    expect(await fails('node.create', k, { path: '/x', data: null, mode: 'SOMETIMES' })).toMatchObject({ codeName: 'BADARGUMENTS' });
    expect(await fails('node.delete', k, '/', -1)).toMatchObject({ codeName: 'BADARGUMENTS' });
    expect(await fails('node.get', 'not-a-session', '/')).toMatchObject({ codeName: 'NOSESSION' });
  });

  it('counts and deletes a subtree, leaves first', async () => {
    const k = session.sessionKey;
    await ok('node.create', k, { path: '/tree', data: null, mode: 'PERSISTENT' });
    const paths: string[] = [];
    for (let a = 0; a < 5; a++) {
      paths.push(`/tree/a${a}`);
      for (let b = 0; b < 8; b++) {
        paths.push(`/tree/a${a}/b${b}`);
        if (b < 2) paths.push(`/tree/a${a}/b${b}/c`);
      }
    }
    for (const p of paths) await other.create(p, null);
    expect(await ok('node.countSubtree', k, '/tree')).toBe(paths.length + 1);
    expect(await ok('node.countSubtree', k, '/tree/a0/b0/c')).toBe(1);
    expect(await ok('node.deleteAll', k, '/tree')).toBe(paths.length + 1);
    expect(await other.exists('/tree')).toBeNull();
    expect(await fails('node.deleteAll', k, '/tree')).toMatchObject({ codeName: 'NONODE' });
    expect(await fails('node.deleteAll', k, '/')).toMatchObject({ codeName: 'BADARGUMENTS' });
  });

  it('pushes node.changed when another client changes a watched node, re-arming once per path and kind', async () => {
    const k = session.sessionKey;
    await ok('node.create', k, { path: '/live', data: b64('0'), mode: 'PERSISTENT' });
    await ok('node.get', k, '/live');
    await ok('node.get', k, '/live');
    await ok('node.children', k, '/live');

    await other.setData('/live', Buffer.from('1'));
    await waitFor(() => (changes('/live', 'data') === 1 ? true : undefined), 'a data change');
    // Re-armed by the service itself: a second change is seen without another node.get.
    await other.setData('/live', Buffer.from('2'));
    await waitFor(() => (changes('/live', 'data') === 2 ? true : undefined), 'a second data change');

    await other.create('/live/kid', null);
    await waitFor(() => (changes('/live', 'children') === 1 ? true : undefined), 'a children change');
    await other.delete('/live/kid');
    await waitFor(() => (changes('/live', 'children') === 2 ? true : undefined), 'a second children change');

    await other.delete('/live');
    await waitFor(() => (changes('/live', 'deleted') >= 1 ? true : undefined), 'a delete');
    await new Promise((r) => setTimeout(r, 200));
    // Two node.get calls armed one watch: each change was pushed once.
    expect(changes('/live', 'data')).toBe(2);
    expect(changes('/live', 'children')).toBe(2);
  });

  it('opens saved connections, asking for a password the profile does not store', async () => {
    const plain = await ok<{ id: string }>('connections.save', { name: 'zk', connectString: zkServer.connectString, sessionTimeoutMs: 10_000 });
    const s = await ok<SessionInfo>('session.open', { profileId: plain.id });
    expect(s.state).toBe('connected');

    const authed = await ok<{ id: string; hasStoredPassword: boolean }>('connections.save', {
      name: 'zk as bob', connectString: zkServer.connectString, sessionTimeoutMs: 10_000, authUser: 'bob',
    });
    expect(authed.hasStoredPassword).toBe(false);
    expect(await fails('session.open', { profileId: authed.id })).toMatchObject({ codeName: 'PASSWORD_REQUIRED' });
    const bob = await ok<SessionInfo>('session.open', { profileId: authed.id, password: 'secret' });
    // The digest identity is on the session: only bob may read this node.
    await other.create('/bobs', Buffer.from('b'), { acl: [{ perms: Perms.ALL, id: { scheme: 'digest', id: digestId('bob:secret') } }] });
    expect((await ok<NodeView>('node.get', bob.sessionKey, '/bobs')).acl).toEqual([{ perms: 31, scheme: 'digest', id: digestId('bob:secret') }]);
    expect(await fails('node.get', s.sessionKey, '/bobs')).toMatchObject({ codeName: 'NOAUTH' });
    await ok('node.delete', bob.sessionKey, '/bobs', -1);

    await ok('session.close', s.sessionKey);
    await ok('session.close', bob.sessionKey);
    await waitFor(() => events.find((e) => e.event === 'session.state' && (e.data as SessionInfo).sessionKey === s.sessionKey && (e.data as SessionInfo).state === 'closed'), 'a closed state');
    expect(await fails('session.info', s.sessionKey)).toMatchObject({ codeName: 'NOSESSION' });
  });

  it('fails to open a session on a port nobody listens on, in words', async () => {
    const err = await fails('session.open', { connectString: '127.0.0.1:1', sessionTimeoutMs: 2000 });
    expect(err.message).toMatch(/^could not open a session on 127\.0\.0\.1:1/);
  }, 30_000);

  it('runs zkCli commands through the shell', async () => {
    const out = await ok<{ ok: boolean; output: string }>('shell.run', session.sessionKey, 'ls /');
    expect(out.ok).toBe(true);
    expect(out.output).toContain('zookeeper');
    expect((await ok<{ ok: boolean }>('shell.run', session.sessionKey, 'get /no/such')).ok).toBe(false);
  });
});
