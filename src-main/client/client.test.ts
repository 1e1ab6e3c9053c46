// The client against real Apache ZooKeeper 3.8: every operation and error path.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ZooKeeperClient } from './client';
import { AddWatchMode, CreateMode, EventType, Perms, WatcherType } from '../protocol/constants';
import { ErrorCode, ZooKeeperError } from '../protocol/errors';
import { OpCode } from '../protocol/opcodes';
import { digestId } from '../protocol/digest';
import { JuteWriter } from '../protocol/jute';
import { ConnectResponseCodec, type WatcherEvent } from '../protocol/records';
import { requireApacheZooKeeper, startZooKeeper, type ApacheZooKeeper } from '../testing/apache-zk';
import { SessionProxy } from '../testing/differential/session-proxy';
import { parseConnectString } from './connect-string';

const haveZk = requireApacheZooKeeper();

async function expectCode(p: Promise<unknown>, name: string): Promise<void> {
  await expect(p).rejects.toSatisfy((e: unknown) => e instanceof ZooKeeperError && e.codeName === name);
}

/** Resolves with the next event a watcher receives. */
function nextEvent(): { watcher: (e: WatcherEvent) => void; event: Promise<WatcherEvent> } {
  let resolve!: (e: WatcherEvent) => void;
  const event = new Promise<WatcherEvent>((r) => (resolve = r));
  return { watcher: (e) => resolve(e), event };
}

function collector(): { watcher: (e: WatcherEvent) => void; events: WatcherEvent[] } {
  const events: WatcherEvent[] = [];
  return { watcher: (e) => events.push(e), events };
}


describe.skipIf(!haveZk)('ZooKeeperClient against Apache ZooKeeper 3.8', () => {
  let server: ApacheZooKeeper;
  let zk: ZooKeeperClient;
  let other: ZooKeeperClient;

  beforeAll(async () => {
    server = await startZooKeeper({ extraConfig: { extendedTypesEnabled: 'true' }, superDigest: digestId('super:secret') });
    zk = new ZooKeeperClient({ connectString: server.connectString, sessionTimeoutMs: 10_000 });
    other = new ZooKeeperClient({ connectString: server.connectString, sessionTimeoutMs: 10_000 });
    await Promise.all([zk.connect(), other.connect()]);
  });

  afterAll(async () => {
    await zk?.close();
    await other?.close();
    await server?.stop();
  });

  it('negotiates a session', () => {
    expect(zk.state).toBe('connected');
    expect(zk.sessionId).not.toBe(0n);
    expect(zk.negotiatedTimeoutMs).toBe(10_000);
    expect(zk.sessionPassword.length).toBe(16);
  });

  it('creates, reads, updates and deletes with Stat rules', async () => {
    const created = await zk.create('/crud', 'v0');
    expect(created.path).toBe('/crud');
    expect(created.stat.version).toBe(0);
    expect(created.stat.czxid).toBe(created.stat.mzxid);
    const got = await zk.getData('/crud');
    expect(got.data?.toString()).toBe('v0');
    expect(got.stat.dataLength).toBe(2);
    const stat = await zk.setData('/crud', 'v1', 0);
    expect(stat.version).toBe(1);
    expect(stat.mzxid > stat.czxid).toBe(true);
    await expectCode(zk.setData('/crud', 'v2', 0), 'BADVERSION');
    await zk.create('/crud/child', null);
    const children = await zk.getChildren('/crud');
    expect(children.children).toEqual(['child']);
    expect(children.stat.numChildren).toBe(1);
    expect(children.stat.cversion).toBe(1);
    await expectCode(zk.delete('/crud'), 'NOTEMPTY');
    await expectCode(zk.delete('/crud/child', 5), 'BADVERSION');
    await zk.delete('/crud/child', 0);
    await zk.delete('/crud');
    expect(await zk.exists('/crud')).toBeNull();
  });

  it('reports every error path with ZooKeeper codes', async () => {
    await expectCode(zk.getData('/missing'), 'NONODE');
    await expectCode(zk.create('/missing/child'), 'NONODE');
    await zk.create('/dup');
    await expectCode(zk.create('/dup'), 'NODEEXISTS');
    await zk.create('/eph', null, { mode: CreateMode.EPHEMERAL });
    await expectCode(zk.create('/eph/kid'), 'NOCHILDRENFOREPHEMERALS');
    await expectCode(zk.create('/badacl', null, { acl: [{ perms: Perms.ALL, id: { scheme: 'auth', id: '' } }] }), 'INVALIDACL');
    await expectCode(zk.create('/badacl', null, { acl: [{ perms: Perms.ALL, id: { scheme: 'nosuch', id: 'x' } }] }), 'INVALIDACL');
    await expect(zk.getData('relative')).rejects.toThrow(/Path must start with \/ character/);
    await expectCode(zk.create('/ttl-bad', null, { mode: CreateMode.PERSISTENT_WITH_TTL, ttl: -1 }), 'BADARGUMENTS');
  });

  it('creates every kind of node', async () => {
    await zk.create('/kinds');
    const s1 = await zk.create('/kinds/seq-', 'a', { mode: CreateMode.PERSISTENT_SEQUENTIAL });
    const s2 = await zk.create('/kinds/seq-', 'b', { mode: CreateMode.EPHEMERAL_SEQUENTIAL });
    expect(s1.path).toBe('/kinds/seq-0000000000');
    expect(s2.path).toBe('/kinds/seq-0000000001');
    expect((await zk.exists(s2.path))!.ephemeralOwner).toBe(zk.sessionId);
    const container = await zk.create('/kinds/container', null, { mode: CreateMode.CONTAINER });
    // The server marks containers internally but reports ephemeralOwner 0 to clients.
    expect(container.stat.ephemeralOwner).toBe(0n);
    const ttl = await zk.create('/kinds/ttl', null, { mode: CreateMode.PERSISTENT_WITH_TTL, ttl: 60_000 });
    expect(ttl.stat.ephemeralOwner).toBe(0n);
    expect(await zk.getEphemerals('/kinds')).toEqual([s2.path]);
    expect(await zk.getAllChildrenNumber('/kinds')).toBe(4);
  });

  it('enforces ACLs and digest auth', async () => {
    const alice = new ZooKeeperClient({ connectString: server.connectString, sessionTimeoutMs: 10_000 });
    await alice.connect();
    try {
      await alice.addAuth('digest', 'alice:pw');
      expect(await alice.whoAmI()).toContainEqual({ authScheme: 'digest', user: 'alice' });
      await alice.create('/secret', 'hidden', { acl: [{ perms: Perms.ALL, id: { scheme: 'auth', id: '' } }] });
      const { acl } = await alice.getACL('/secret');
      expect(acl).toEqual([{ perms: Perms.ALL, id: { scheme: 'digest', id: digestId('alice:pw') } }]);
      await expectCode(zk.getData('/secret'), 'NOAUTH');
      await expectCode(zk.setData('/secret', 'x'), 'NOAUTH');
      await alice.setACL('/secret', [
        { perms: Perms.ALL, id: { scheme: 'digest', id: digestId('alice:pw') } },
        { perms: Perms.READ, id: { scheme: 'world', id: 'anyone' } },
      ], 0);
      expect((await zk.getData('/secret')).data?.toString()).toBe('hidden');
      await expectCode(alice.setACL('/secret', [{ perms: Perms.ALL, id: { scheme: 'world', id: 'anyone' } }], 0), 'BADVERSION');
      const superUser = new ZooKeeperClient({ connectString: server.connectString });
      await superUser.connect();
      await superUser.addAuth('digest', 'super:secret');
      await superUser.setData('/secret', 'super was here');
      await superUser.close();
    } finally {
      await alice.close();
    }
  });

  it('fires one-shot data, exists and child watches with the right types', async () => {
    const data = nextEvent();
    await zk.create('/w', 'x');
    await zk.getData('/w', data.watcher);
    await other.setData('/w', 'y');
    expect(await data.event).toMatchObject({ type: EventType.NodeDataChanged, path: '/w' });

    const ex = nextEvent();
    expect(await zk.exists('/w/new', ex.watcher)).toBeNull();
    await other.create('/w/new');
    expect(await ex.event).toMatchObject({ type: EventType.NodeCreated, path: '/w/new' });

    const kids = nextEvent();
    await zk.getChildren('/w', kids.watcher);
    await other.delete('/w/new');
    expect(await kids.event).toMatchObject({ type: EventType.NodeChildrenChanged, path: '/w' });

    const del = nextEvent();
    await zk.exists('/w', del.watcher);
    await other.delete('/w');
    expect(await del.event).toMatchObject({ type: EventType.NodeDeleted, path: '/w' });
  });

  it('keeps persistent and recursive watches until removed', async () => {
    // Separate paths: when one connection holds both kinds on the same path, Apache ZooKeeper
    // keeps only the recursive mode and sends no NodeChildrenChanged for that path.
    await zk.create('/pw');
    await zk.create('/pwr');
    const flat = collector();
    const deep = collector();
    await zk.addWatch('/pw', flat.watcher, AddWatchMode.PERSISTENT);
    await zk.addWatch('/pwr', deep.watcher, AddWatchMode.PERSISTENT_RECURSIVE);
    for (const root of ['/pw', '/pwr']) {
      await other.setData(root, '1');
      await other.setData(root, '2');
      await other.create(`${root}/a`);
      await other.create(`${root}/a/b`);
    }
    await vi.waitUntil(() => deep.events.length >= 4 && flat.events.length >= 3, { timeout: 5000, interval: 20 });
    expect(flat.events.map((e) => e.type)).toEqual([EventType.NodeDataChanged, EventType.NodeDataChanged, EventType.NodeChildrenChanged]);
    expect(deep.events.map((e) => `${e.type}:${e.path}`)).toEqual([
      `${EventType.NodeDataChanged}:/pwr`, `${EventType.NodeDataChanged}:/pwr`, `${EventType.NodeCreated}:/pwr/a`, `${EventType.NodeCreated}:/pwr/a/b`,
    ]);
    await zk.removeWatches('/pw', flat.watcher, WatcherType.Any);
    await zk.removeWatches('/pwr', null, WatcherType.Any);
    await expectCode(zk.removeWatches('/pwr', null, WatcherType.Any), 'NOWATCHER');
    await other.setData('/pw', '3');
    await other.setData('/pwr', '3');
    await new Promise((r) => setTimeout(r, 300));
    expect(flat.events.length).toBe(3);
    expect(deep.events.length).toBe(4);
  });

  it('runs multi all-or-nothing and multiRead per op', async () => {
    const ok = await zk.multi([
      { type: OpCode.create, path: '/m', data: Buffer.from('a'), acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }], flags: 0 },
      { type: OpCode.setData, path: '/m', data: Buffer.from('b'), version: 0 },
      { type: OpCode.check, path: '/m', version: 1 },
    ]);
    expect(ok.map((r) => r.type)).toEqual([OpCode.create, OpCode.setData, OpCode.check]);
    const failing = zk.multi([
      { type: OpCode.create, path: '/m2', data: null, acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }], flags: 0 },
      { type: OpCode.check, path: '/m', version: 99 },
    ]);
    const err = await failing.catch((e) => e);
    expect(err.codeName).toBe('BADVERSION');
    expect(err.results.map((r: { err: number }) => r.err)).toEqual([ErrorCode.OK, ErrorCode.BADVERSION]);
    expect(await zk.exists('/m2')).toBeNull();
    const reads = await zk.multiRead([
      { type: OpCode.getData, path: '/m' },
      { type: OpCode.getChildren, path: '/' },
      { type: OpCode.getData, path: '/nope' },
    ]);
    expect(reads[0]).toMatchObject({ type: OpCode.getData });
    expect((reads[0] as { data: Buffer }).data.toString()).toBe('b');
    expect((reads[1] as { children: string[] }).children).toContain('m');
    expect(reads[2]).toEqual({ type: OpCode.error, err: ErrorCode.NONODE });
  });

  it('sync answers with the path', async () => {
    expect(await zk.sync('/')).toBe('/');
  });

  it('confines a chroot client to its subtree', async () => {
    await zk.create('/app');
    const chrooted = new ZooKeeperClient({ connectString: `${server.connectString}/app` });
    await chrooted.connect();
    try {
      const w = nextEvent();
      const created = await chrooted.create('/cfg', 'x', { mode: CreateMode.PERSISTENT_SEQUENTIAL });
      expect(created.path).toBe('/cfg0000000000');
      expect((await zk.getData('/app/cfg0000000000')).data?.toString()).toBe('x');
      await chrooted.getData(created.path, w.watcher);
      await zk.setData('/app/cfg0000000000', 'y');
      expect((await w.event).path).toBe('/cfg0000000000');
      expect(await chrooted.sync('/')).toBe('/');
      expect((await chrooted.getChildren('/')).children).toEqual(['cfg0000000000']);
    } finally {
      await chrooted.close();
    }
  });

  it('keeps its session and watches across a dropped connection', async () => {
    const c = new ZooKeeperClient({ connectString: server.connectString, sessionTimeoutMs: 10_000 });
    await c.connect();
    const states: string[] = [];
    c.on('state', (s) => states.push(s));
    const id = c.sessionId;
    await c.create('/drop', 'x', { mode: CreateMode.EPHEMERAL });
    const events = collector();
    await c.getData('/drop', events.watcher);
    c.dropConnection();
    await vi.waitUntil(() => c.state === 'connected' && states.includes('disconnected'), { timeout: 5000, interval: 20 });
    expect(c.sessionId).toBe(id);
    // Changed while we were away or after: setWatches brings the event either way.
    await zk.setData('/drop', 'changed');
    await vi.waitUntil(() => events.events.some((e) => e.type === EventType.NodeDataChanged), { timeout: 5000, interval: 20 });
    // Like the Java client, every watcher also hears the connection go and come back.
    expect(events.events.map((e) => e.type === EventType.None ? `state:${e.state}` : `node:${e.type}`))
      .toEqual(['state:0', 'state:3', `node:${EventType.NodeDataChanged}`]);
    expect(await zk.exists('/drop')).not.toBeNull();
    await c.close();
    expect(await zk.exists('/drop')).toBeNull();
  });

  it('re-registers more watches than fit one setWatches packet', async () => {
    const c = new ZooKeeperClient({ connectString: server.connectString, sessionTimeoutMs: 10_000 });
    await c.connect();
    try {
      const events = collector();
      const paths = Array.from({ length: 3000 }, (_, i) => `/many-watches-${'x'.repeat(40)}-${i}`);
      await Promise.all(paths.map((p) => c.exists(p, events.watcher)));
      c.dropConnection();
      await vi.waitUntil(() => c.state === 'connected', { timeout: 5000, interval: 20 });
      await zk.create(paths[0]);
      await zk.create(paths[2999]);
      await vi.waitUntil(() => events.events.filter((e) => e.type === EventType.NodeCreated).length === 2, { timeout: 5000, interval: 20 });
    } finally {
      await c.close();
    }
  });

  it('reports expiry when the server has forgotten the session', async () => {
    // The client reaches the server through a proxy that can cut it off: held long enough,
    // the server expires the session, and the client hears so when it gets through again.
    const host = parseConnectString(server.connectString).hosts[0];
    const proxy = await SessionProxy.start(host, (z) => z.toString(16));
    const c = new ZooKeeperClient({ connectString: `127.0.0.1:${proxy.port}`, sessionTimeoutMs: 2000 });
    try {
      await c.connect();
      await c.create('/expiring', null, { mode: CreateMode.EPHEMERAL });
      proxy.hold();
      await vi.waitUntil(() => c.state === 'disconnected', { timeout: 5000, interval: 20 });
      await vi.waitUntil(async () => (await zk.exists('/expiring')) === null, { timeout: 10_000, interval: 20 });
      proxy.release();
      await vi.waitUntil(() => c.state === 'expired', { timeout: 10_000, interval: 20 });
      await expectCode(c.getData('/'), 'SESSIONEXPIRED');
    } finally {
      await c.close();
      await proxy.close();
    }
  });

  it('gives up connecting with CONNECTIONLOSS naming the servers', async () => {
    const c = new ZooKeeperClient({ connectString: '127.0.0.1:1', connectTimeoutMs: 200 });
    await expect(c.connect(600)).rejects.toThrow(/CONNECTIONLOSS: could not connect to 127.0.0.1:1/);
    expect(c.state).toBe('closed');
  });

  it('fails a request with REQUESTTIMEOUT when the server stops answering', async () => {
    // A server that completes the handshake and then never replies: the request must not hang.
    const silent = net.createServer((sock) => {
      sock.once('data', () => sock.write(JuteWriter.frame((w) => ConnectResponseCodec.write(w, {
        protocolVersion: 0, timeOut: 10_000, sessionId: 42n, passwd: Buffer.alloc(16), readOnly: false,
      }))));
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    const c = new ZooKeeperClient({ connectString: `127.0.0.1:${port}`, requestTimeoutMs: 300 });
    try {
      await c.connect();
      expect(c.sessionId).toBe(42n);
      await expectCode(c.getData('/x'), 'REQUESTTIMEOUT');
    } finally {
      await c.close();
      silent.close();
    }
  });
});
