import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, requireApacheZooKeeper, startEnsemble, startZooKeeper, type ApacheEnsemble, type ApacheZooKeeper } from '../apache-zk';
import {
  requireCliMt, requireKazoo, requireZkCli, runCliMt, runCliMtSuite, runKazooRecipes, runZkCliScript, runZkCliSuite,
  expectAllPassed,
} from '.';

const haveZooKeeper = requireApacheZooKeeper();
const haveKazoo = requireKazoo();
const haveZkCli = requireZkCli();
const haveCliMt = requireCliMt();
// TTL nodes (create -t, create +t=) need extended types, which stock ZooKeeper leaves off.
const extraConfig = { extendedTypesEnabled: 'true' };

const kazooChecks = ['connect', 'crud', 'ephemeral_sequential', 'one_shot_watches', 'data_watch', 'children_watch',
  'transaction', 'session_close', 'acl', 'lock', 'semaphore', 'election', 'counter', 'barrier', 'double_barrier', 'queue',
  'locking_queue', 'party', 'tree_cache'];

describe.skipIf(!haveZooKeeper)('third-party clients against a standalone Apache ZooKeeper 3.8', () => {
  let zk: ApacheZooKeeper;
  beforeAll(async () => { zk = await startZooKeeper({ extraConfig }); });
  afterAll(async () => { await zk?.stop(); });

  it.skipIf(!haveKazoo)('kazoo: CRUD, watches, transactions, ACLs, sessions and its recipes under contention', async () => {
    const results = await runKazooRecipes(zk.connectString);
    expectAllPassed(results, kazooChecks.length);
    expect(results.map((r) => r.check)).toEqual(kazooChecks);
  }, 200_000);

  it.skipIf(!haveZkCli)('zkCli.sh: a scripted session in one JVM, output checked command by command', async () => {
    expectAllPassed(await runZkCliSuite(zk.connectString), 70);
  });

  it.skipIf(!haveZkCli)('zkCli.sh: runZkCliScript cuts the output per command and keeps watch events', async () => {
    const run = await runZkCliScript(zk.connectString, ['create /zkcli-raw x', 'get -w /zkcli-raw', 'set /zkcli-raw y', 'deleteall /zkcli-raw']);
    expect(run.outputs.map((o) => o.output)).toEqual(['Created /zkcli-raw', 'x', '', '']);
    expect(run.events).toContainEqual({ state: 'SyncConnected', type: 'NodeDataChanged', path: '/zkcli-raw' });
  });

  it.skipIf(!haveCliMt)('cli_mt: three sessions, replies checked command by command', async () => {
    expectAllPassed(await runCliMtSuite(zk.connectString), 45);
  });

});

describe.concurrent('third-party client drivers when the server is missing or silent', () => {
  let silent: net.Server;
  const sockets = new Set<net.Socket>();
  let connect = '';
  beforeAll(async () => {
    silent = net.createServer((s) => { sockets.add(s); s.on('error', () => {}); });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    connect = `127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it.skipIf(!haveKazoo)('runKazooRecipes reports a timed-out process instead of hanging', async () => {
    const results = await runKazooRecipes(connect, { timeoutMs: 1500 });
    expect(results.at(-1)).toMatchObject({ check: 'process', ok: false, detail: expect.stringMatching(/^timed out/) });
  });

  it.skipIf(!haveZkCli)('runZkCliScript returns what it has at its deadline', async () => {
    const run = await runZkCliScript(connect, ['ls /'], { timeoutMs: 2000 });
    expect(run.timedOut).toBe(true);
    expect(run.outputs[0].output).toBeNull();
  });

  it.skipIf(!haveCliMt)('runCliMt returns what it has at its deadline', async () => {
    const run = await runCliMt(connect, ['ls /'], { timeoutMs: 1500 });
    expect(run.timedOut).toBe(true);
    expect(run.outputs[0].output).toBeNull();
  });

  it.skipIf(!haveCliMt)('runCliMt: a refused connection fails requests with ZCONNECTIONLOSS (-4)', async () => {
    const [closedPort] = await freePorts(1);
    const run = await runCliMt(`127.0.0.1:${closedPort}`, ['ls /'], { timeoutMs: 10_000 });
    expect(run.outputs[0].output).toMatch(/^time = \d+ msec\n\/: rc = -4\n/);
  });
});

describe.skipIf(!haveZooKeeper)('third-party clients against a 3-server Apache ZooKeeper 3.8 ensemble (all servers in the connect string)', () => {
  let ensemble: ApacheEnsemble;
  beforeAll(async () => { ensemble = await startEnsemble(3, { extraConfig }); });
  afterAll(async () => { await ensemble?.stop(); });

  it.skipIf(!haveKazoo)('kazoo: every check and recipe, clients spread over the servers', async () => {
    const results = await runKazooRecipes(ensemble.connectString);
    expectAllPassed(results, kazooChecks.length);
  }, 200_000);

  it.skipIf(!haveZkCli)('zkCli.sh: the scripted session', async () => {
    expectAllPassed(await runZkCliSuite(ensemble.connectString), 70);
  });

  it.skipIf(!haveCliMt)('cli_mt: the three sessions', async () => {
    expectAllPassed(await runCliMtSuite(ensemble.connectString), 45);
  });
});
