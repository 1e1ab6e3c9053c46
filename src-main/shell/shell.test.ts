// The shell against a real Apache ZooKeeper 3.8, compared line by line with the real zkCli.sh.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZooKeeperClient } from '../client';
import { digestId } from '../protocol/digest';
import { ErrorCode, ZooKeeperError } from '../protocol/errors';
import { requireApacheZooKeeper, startZooKeeper, type ApacheZooKeeper } from '../testing/apache-zk';
import { comparableLines, requireZkCli, runZkCli } from './real-zkcli';
import { createShellContext, runShellLine, type ShellContext } from './shell';

const available = requireApacheZooKeeper() && requireZkCli();

describe.skipIf(!available)('shell against Apache ZooKeeper 3.8', () => {
  let server: ApacheZooKeeper;
  let admin: ZooKeeperClient;

  beforeAll(async () => {
    server = await startZooKeeper({ superDigest: digestId('super:secret'), extraConfig: { extendedTypesEnabled: 'true' } });
    admin = new ZooKeeperClient({ connectString: server.connectString });
    await admin.connect();
    await admin.addAuth('digest', 'super:secret');
  });

  afterAll(async () => {
    await admin?.close();
    await server?.stop();
  });

  /** /cmp, empty and open, made by the super user so no ACL left behind gets in the way. */
  async function resetFixture(): Promise<void> {
    const tree = ['/cmp'];
    try {
      for (let i = 0; i < tree.length; i++) {
        for (const child of (await admin.getChildren(tree[i])).children) tree.push(`${tree[i]}/${child}`);
      }
      for (const p of tree.reverse()) await admin.delete(p);
    } catch (err) {
      if (!(err instanceof ZooKeeperError && err.code === ErrorCode.NONODE)) throw err;
    }
    await admin.create('/cmp');
  }

  async function withShell<T>(fn: (zk: ZooKeeperClient, ctx: ShellContext) => Promise<T>, connectString = server.connectString): Promise<T> {
    const zk = new ZooKeeperClient({ connectString });
    await zk.connect();
    try {
      return await fn(zk, createShellContext({ connectString }));
    } finally {
      await zk.close();
    }
  }

  async function ours(lines: string[], connectString = server.connectString): Promise<string> {
    return withShell(async (zk, ctx) => {
      let out = '';
      for (const line of lines) out += (await runShellLine(zk, line, ctx)).output;
      return out;
    }, connectString);
  }

  /** Same fixture, same lines: zkCli first, then ours, and the same comparable lines. */
  async function compareWithZkCli(lines: string[], chroot = ''): Promise<string[]> {
    await resetFixture();
    const java = comparableLines(await runZkCli(server.connectString + chroot, lines));
    await resetFixture();
    const ts = comparableLines(await ours(lines, server.connectString + chroot));
    expect(ts).toEqual(java);
    return ts;
  }

  it('matches zkCli for create, get, ls, stat, set, delete, deleteall and friends', async () => {
    const lines = await compareWithZkCli([
      'create /cmp/a', 'create /cmp/a', 'create /cmp/a/b "hello world"', "create /cmp/a/c ''",
      'get /cmp/a', 'get /cmp/a/b', 'get -s /cmp/a/b', 'get /cmp/nope', 'get cmp', 'get /cmp/', 'get //cmp', 'get',
      'ls /cmp/a', 'ls -s /cmp/a', 'ls -R /cmp', 'ls -s -R /cmp/a', 'ls /cmp/nope', 'ls -R /cmp/nope', 'ls', 'ls /cmp/./a',
      'stat /cmp/a', 'stat /cmp/nope', 'stat /cmp/a/', 'stat',
      'set /cmp/a/b bye', 'set -s /cmp/a/b "bye again"', 'set -v 9 /cmp/a/b x', 'set -v 2 /cmp/a/b x', 'set -v=3 /cmp/a/b y',
      'set -v -1 /cmp/a/b z', 'set /cmp/nope x', 'set /cmp/a', 'get /cmp/a/b',
      'delete /cmp/a', 'delete -v 5 /cmp/a/c', 'delete /cmp/a/c', 'delete /cmp/nope', 'delete', 'delete cmp',
      'create -s /cmp/a/s- x', 'create -s /cmp/a/s-', 'create -s /cmp/a/', 'ls /cmp/a',
      'create -c /cmp/cont', 'stat /cmp/cont', 'create -c -e /cmp/x', 'create -c -s /cmp/x',
      'create -t 0 /cmp/x', 'create -t abc /cmp/x', 'create -t 5 -e /cmp/x', 'create -t 5 -c /cmp/x',
      'create -t 60000 /cmp/ttl', 'stat /cmp/ttl', 'create -s -t 60000 /cmp/ttls-',
      'create /cmp/nope/x', 'create cmp', 'create',
      'getAllChildrenNumber /cmp', 'getAllChildrenNumber /cmp/nope', 'getAllChildrenNumber',
      'sync /cmp', 'sync /cmp/nope', 'sync cmp', 'sync',
      'getEphemerals /cmp', 'getEphemerals /cmp/nope',
      'deleteall /cmp/a', 'ls /cmp', 'deleteall /cmp/nope', 'deleteall cmp', 'deleteall',
      'whoami',
      'addWatch /cmp', 'addWatch -m persistent /cmp/x', 'addWatch -m bogus /cmp', 'addWatch', 'addWatch /cmp extra',
      'removewatches /cmp', 'removewatches /cmp', 'removewatches /cmp/x -d', 'removewatches /cmp/x -c', 'removewatches',
      'ls -w /cmp', 'removewatches /cmp -d', 'removewatches /cmp -c',
    ]);
    // Guard against comparing two empty transcripts.
    expect(lines).toContain('Node already exists: /cmp/a');
    expect(lines).toContain('hello world');
  });

  it('matches zkCli for ephemeral nodes', async () => {
    await compareWithZkCli([
      'create -e /cmp/e x', 'create /cmp/e/child', 'create -e -s /cmp/es-', 'getEphemerals /cmp', 'getEphemerals',
      'stat /cmp/e', 'ls /cmp', 'delete /cmp/e', 'getEphemerals',
    ]);
  });

  it('matches zkCli for ACLs, auth and permission errors', async () => {
    const lines = await compareWithZkCli([
      'create /cmp/open', 'getAcl /cmp/open', 'getAcl -s /cmp/open', 'getAcl /cmp/nope', 'getAcl',
      'create /cmp/ip x ip:10.0.0.1:cdrwa', 'get /cmp/ip', 'set /cmp/ip y', 'getAcl /cmp/ip', 'ls /cmp/ip', 'create /cmp/ip/c',
      'create /cmp/bad x foo:bar', 'create /cmp/bad x world:anyone', 'create /cmp/bad x world:anyone:rxq', 'getAcl /cmp/bad',
      'create /cmp/auth x auth::cdrwa', 'create /cmp/digbad x digest:nocolon:cdrwa',
      'addauth digest alice:secret', 'whoami', 'create /cmp/auth x auth::cdrwa', 'getAcl /cmp/auth',
      `create /cmp/dig x digest:${digestId('bob:pw')}:cdrwa,world:anyone:r`, 'getAcl /cmp/dig', 'get /cmp/dig',
      'set /cmp/dig y', 'delete /cmp/dig', 'create /cmp/dig/c', 'setAcl /cmp/dig world:anyone:cdrwa',
      'setAcl /cmp/open world:anyone:cdr', 'getAcl /cmp/open', 'setAcl -s /cmp/open world:anyone:cdrwa',
      'setAcl -v 9 /cmp/open world:anyone:r', 'setAcl /cmp/nope world:anyone:r', 'setAcl /cmp/open foo', 'setAcl /cmp/open',
      'setAcl open world:anyone:r', 'create /cmp/tree', 'create /cmp/tree/x', 'setAcl -R /cmp/tree world:anyone:cdr',
      'getAcl /cmp/tree/x', 'setAcl -R /cmp/nope world:anyone:r',
    ]);
    expect(lines).toContain('Insufficient permission : /cmp/ip');
    expect(lines).toContain(`'digest,'${digestId('alice:secret')}`);
  });

  it('matches zkCli for quoting, deprecated forms, history and redo', async () => {
    await compareWithZkCli([
      'create /cmp/q "unterminated', 'get /cmp/q', 'create /cmp/q2 a"b c"', 'create /cmp/q4 "a\'b"', 'get /cmp/q4',
      "set /cmp/q4 'x y  z'", 'get /cmp/q4', 'set /cmp/q4 "   "', 'get /cmp/q4',
      'ls /cmp watch', 'get /cmp/q watch', 'stat /cmp/q watch', 'delete /cmp/q4 2',
      'history', 'redo 0', 'redo 99', 'redo -1', 'history', 'printwatches', 'printwatches off', 'printwatches',
    ]);
  });

  it('matches zkCli under a chroot', async () => {
    await resetFixture();
    await admin.create('/cmp/root');
    const lines = ['create /a x', 'ls /', 'get /a', 'create /a', 'get /nope', 'create -e /e', 'ls -R /', 'deleteall /a', 'ls /'];
    const java = comparableLines(await runZkCli(`${server.connectString}/cmp/root`, lines));
    await resetFixture();
    await admin.create('/cmp/root');
    expect(comparableLines(await ours(lines, `${server.connectString}/cmp/root`))).toEqual(java);
    expect(java).toContain('Node already exists: /a');
  });

  it("reports each error path with ZooKeeper's error name", async () => {
    await resetFixture();
    await admin.create('/cmp/e', null, { mode: 1 });
    await admin.create('/cmp/full');
    await admin.create('/cmp/full/x');
    await admin.create('/cmp/closed', null, { acl: [{ perms: 1, id: { scheme: 'ip', id: '10.9.9.9' } }] });
    await withShell(async (zk, ctx) => {
      const cases: Array<[string, string, string]> = [
        ['get /cmp/nope', 'NONODE', 'Node does not exist: /cmp/nope'],
        ['create /cmp/full', 'NODEEXISTS', 'Node already exists: /cmp/full'],
        ['set -v 7 /cmp/full x', 'BADVERSION', 'version No is not valid : /cmp/full'],
        ['delete /cmp/full', 'NOTEMPTY', 'Node not empty: /cmp/full'],
        ['create /cmp/e/child', 'NOCHILDRENFOREPHEMERALS', 'Ephemerals cannot have children: /cmp/e/child'],
        ['get /cmp/closed', 'NOAUTH', 'Insufficient permission : /cmp/closed'],
        ['create /cmp/a x auth::cdrwa', 'INVALIDACL', 'Acl is not valid : /cmp/a'],
        ['create /cmp/a x nonsense', 'INVALIDACL', 'Acl is not valid : null'],
        ['setAcl /cmp/full nonsense', 'INVALIDACL', 'Acl is not valid : null'],
      ];
      for (const [line, errorName, error] of cases) {
        const r = await runShellLine(zk, line, ctx);
        expect({ line, ok: r.ok, errorName: r.errorName, error: r.error, exitCode: r.exitCode })
          .toEqual({ line, ok: false, errorName, error, exitCode: 1 });
        expect(r.output.endsWith(`${error}\n`)).toBe(true);
      }
    });
  });

  it('prints fired watches through onWatchEvent, unless printwatches is off', async () => {
    await resetFixture();
    await admin.create('/cmp/w', Buffer.from('0'));
    const events: string[] = [];
    await withShell(async (zk) => {
      const ctx = createShellContext({ connectString: server.connectString, onWatchEvent: (t) => events.push(t) });
      const next = () => new Promise<void>((resolve) => {
        const n = events.length;
        const timer = setInterval(() => events.length > n && (clearInterval(timer), resolve()), 10);
      });
      expect((await runShellLine(zk, 'get -w /cmp/w', ctx)).output).toBe('0\n');
      let fired = next();
      await admin.setData('/cmp/w', Buffer.from('1'));
      await fired;
      expect(events).toEqual(['WatchedEvent state:SyncConnected type:NodeDataChanged path:/cmp/w']);

      await runShellLine(zk, 'ls -w /cmp', ctx);
      await runShellLine(zk, 'stat -w /cmp/nothing-yet', ctx);
      fired = next();
      await admin.create('/cmp/nothing-yet');
      await fired;
      await new Promise((r) => setTimeout(r, 200));
      expect(events.slice(1).sort()).toEqual([
        'WatchedEvent state:SyncConnected type:NodeChildrenChanged path:/cmp',
        'WatchedEvent state:SyncConnected type:NodeCreated path:/cmp/nothing-yet',
      ]);

      await runShellLine(zk, 'printwatches off', ctx);
      await runShellLine(zk, 'get -w /cmp/w', ctx);
      await admin.setData('/cmp/w', Buffer.from('2'));
      await runShellLine(zk, 'sync /cmp/w', ctx);
      await new Promise((r) => setTimeout(r, 200));
      expect(events).toHaveLength(3);
    });
  });

  it('creates TTL nodes and lists its own ephemerals', async () => {
    await resetFixture();
    await admin.create('/cmp/root');
    await withShell(async (zk, ctx) => {
      expect((await runShellLine(zk, 'create -t 5000 /cmp/ttl data', ctx)).output).toBe('Created /cmp/ttl\n');
      // The server shows 0 as the owner of TTL nodes and containers.
      expect((await runShellLine(zk, 'stat /cmp/ttl', ctx)).output).toContain('ephemeralOwner = 0x0\n');
      await runShellLine(zk, 'create -e /cmp/mine', ctx);
      expect((await runShellLine(zk, 'getEphemerals', ctx)).output).toBe('[/cmp/mine]\n');
    });
    // Under a chroot zkCli shows the server's full paths ([/cmp/root/e]); our client strips the chroot.
    await withShell(async (zk, ctx) => {
      await runShellLine(zk, 'create -e /e', ctx);
      expect((await runShellLine(zk, 'getEphemerals /', ctx)).output).toBe('[/e]\n');
    }, `${server.connectString}/cmp/root`);
  });

  it('keeps the differences from zkCli it chose: messages for bad options, help, unknown commands', async () => {
    await resetFixture();
    await withShell(async (zk, ctx) => {
      const run = (line: string) => runShellLine(zk, line, ctx);
      // zkCli prints `org.apache.commons.cli.UnrecognizedOptionException: ...` alone.
      expect(await run('ls -x /cmp')).toMatchObject({
        ok: false, output: 'Unrecognized option: -x\nls [-s] [-w] [-R] path\n', exitCode: 1,
      });
      expect((await run('set -v /cmp')).output).toBe('set [-s] [-v version] path data\n');
      expect((await run('set /cmp x -v')).output).toBe('Missing argument for option: v\nset [-s] [-v version] path data\n');
      // zkCli dies with a NumberFormatException.
      expect((await run('set -v abc /cmp x')).output).toBe('-v argument must be an int value\n');
      // zkCli sends an empty credential, which fails the session.
      expect((await run('addauth digest')).output).toBe('addauth scheme auth\n');
      // zkCli answers help with its usage and "Command not found: Command not found help".
      const help = await run('help');
      expect(help.ok).toBe(true);
      expect(help.output).toContain('\tls [-s] [-w] [-R] path\n');
      expect(help.output).toContain('\tcreate [-s] [-e] [-c] [-t ttl] path [data] [acl]\n');
      const unknown = await run('frobnicate /x');
      expect(unknown).toMatchObject({ ok: false, exitCode: 127, error: 'Command not found: Command not found frobnicate' });
      expect(unknown.output.startsWith(help.output)).toBe(true);
      // zkCli 3.8 ignores the version of the deprecated `delete path version`.
      await run('create /cmp/v');
      expect((await run('delete /cmp/v 3')).output).toBe(
        "'delete path [version]' has been deprecated. Please use 'delete [-v version] path' instead.\nversion No is not valid : /cmp/v\n");
      expect((await run('delete /cmp/v 0')).ok).toBe(true);
      // zkCli's batched multi hides the failure: it prints nothing and leaves the children.
      await admin.create('/cmp/locked', null, { acl: [{ perms: 31 - 8, id: { scheme: 'world', id: 'anyone' } }] });
      await admin.create('/cmp/locked/child');
      expect(await run('deleteall /cmp/locked')).toMatchObject({
        ok: false, errorName: 'NOAUTH', output: 'Failed to delete some node(s) in the subtree!\n',
      });
      expect((await run('ls /cmp/locked')).output).toBe('[child]\n');
      // quit and exit end the session for the caller.
      expect(ctx.quitRequested).toBe(false);
      expect(await run('exit')).toMatchObject({ ok: true, output: '' });
      expect(ctx.quitRequested).toBe(true);
    });
  });

  it('says "Not connected" once the session is gone', async () => {
    const zk = new ZooKeeperClient({ connectString: server.connectString });
    await zk.connect();
    await zk.close();
    const ctx = createShellContext({ connectString: server.connectString });
    expect(await runShellLine(zk, 'ls /', ctx)).toMatchObject({ ok: false, output: 'Not connected\n', errorName: 'CONNECTIONLOSS' });
    expect((await runShellLine(zk, 'history', ctx)).output).toBe('0 - ls /\n1 - history\n');
  });
});
