// AdminServer commands against a real Apache ZooKeeper 3.8 standalone server with a live client
// session, cross-checked with the 4-letter words, and the failures: unknown command, a command the
// server refuses, a wrong path, a closed port, silence.

import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateMode } from '../protocol/constants';
import { ZooKeeperClient } from './client';
import { AdminCommandError } from './admin-errors';
import {
  adminBaseUrl,
  adminCommand,
  adminConfiguration,
  adminConnections,
  adminEnvironment,
  adminIsReadOnly,
  adminLeader,
  adminMonitor,
  adminServerStats,
  adminVotingView,
  adminWatchSummary,
} from './admin-http';
import { queryMntr, querySrvr, queryWchs } from './four-letter';
import { freePorts, requireApacheZooKeeper, startZooKeeper, type ApacheZooKeeper } from '../testing/apache-zk';

const haveZk = requireApacheZooKeeper();
const HOST = '127.0.0.1';

async function failureOf(promise: Promise<unknown>): Promise<AdminCommandError> {
  const error = await promise.then(
    () => new Error('expected the command to fail'),
    (e: unknown) => e,
  );
  if (error instanceof AdminCommandError) return error;
  throw error;
}

describe.skipIf(!haveZk)('AdminServer commands against Apache ZooKeeper 3.8', () => {
  let server: ApacheZooKeeper;
  let zk: ZooKeeperClient;
  let base: string;

  beforeAll(async () => {
    server = await startZooKeeper({ adminServer: true });
    if (server.adminPort === undefined) throw new Error('the harness started no admin server');
    base = adminBaseUrl(HOST, server.adminPort);
    zk = new ZooKeeperClient({ connectString: server.connectString, sessionTimeoutMs: 10_000 });
    await zk.connect();
    await zk.create('/admin', 'x');
    await zk.create('/admin/eph', null, { mode: CreateMode.EPHEMERAL });
    await zk.getData('/admin', () => {});
  });

  afterAll(async () => {
    await zk?.close();
    await server?.stop();
  });

  it('adminCommand returns the JSON answer', async () => {
    const body = await adminCommand(base, 'is_read_only');
    expect(body).toEqual({ read_only: false, command: 'is_read_only', error: null });
    // Unknown query parameters are ignored by the server.
    expect(await adminCommand(`${base}/`, 'is_read_only', { params: { unused: 'yes' } })).toEqual(body);
  });

  it('monitor has exactly the metrics mntr has, without the zk_ prefix', async () => {
    const [monitor, mntr] = await Promise.all([adminMonitor(base), queryMntr(HOST, server.clientPort)]);
    expect(Object.keys(monitor.values).sort()).toEqual(Object.keys(mntr.values).map((k) => k.replace(/^zk_/, '')).sort());
    expect(monitor.serverState).toBe('standalone');
    expect(monitor.version).toBe(mntr.version);
    expect(monitor.ephemeralsCount).toBe(1);
    expect(monitor.znodeCount).toBe(mntr.znodeCount);
  });

  it('server_stats has what srvr has', async () => {
    const [stats, srvr] = await Promise.all([adminServerStats(base), querySrvr(HOST, server.clientPort)]);
    expect(stats.mode).toBe('standalone');
    expect(stats.version).toBe(srvr.version);
    expect(stats.nodeCount).toBe(srvr.nodeCount);
    expect(stats.zxid).toBe(srvr.zxid);
    expect(stats.zxidHex).toBe(srvr.zxidHex);
    expect(stats.readOnly).toBe(false);
  });

  it('connections lists our session with its exact 64-bit id', async () => {
    const connections = await adminConnections(base);
    const ours = connections.find((c) => c.sid === zk.sessionId);
    expect(ours).toBeDefined();
    // Session ids carry the server id in the top byte, far beyond 2^53: rounding would lose them.
    expect(zk.sessionId > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(ours?.to).toBe(zk.negotiatedTimeoutMs);
    expect(ours?.address).toBe('127.0.0.1');
  });

  it('watch_summary agrees with wchs', async () => {
    expect(await adminWatchSummary(base)).toEqual(await queryWchs(HOST, server.clientPort));
    expect(await adminWatchSummary(base)).toMatchObject({ connections: 1, paths: 1, totalWatches: 1 });
  });

  it('configuration, environment, is_read_only, voting_view', async () => {
    const conf = await adminConfiguration(base);
    expect(conf.client_port).toBe(server.clientPort);
    expect(conf.command).toBeUndefined();
    expect((await adminEnvironment(base))['zookeeper.version']).toMatch(/^3\.8\./);
    expect(await adminIsReadOnly(base)).toBe(false);
    expect(await adminVotingView(base)).toEqual([]);
  });

  it('leader on a standalone server is a command error in the server\'s words', async () => {
    const error = await failureOf(adminLeader(base));
    expect(error.kind).toBe('command');
    expect(error.serverMessage).toBe('server is not initialized');
    expect(error.command).toBe('leader');
  });

  it('an unknown command is a command error', async () => {
    const error = await failureOf(adminCommand(base, 'no_such_command'));
    expect(error.kind).toBe('command');
    expect(error.serverMessage).toBe('Unknown command: no_such_command');
    expect(error.status).toBe(200);
  });

  it('a wrong command path is an HTTP error', async () => {
    const error = await failureOf(adminCommand(base, 'monitor', { commandPath: '/nowhere' }));
    expect(error.kind).toBe('http');
    expect(error.status).toBe(404);
    expect(error.url).toBe(`${base}/nowhere/monitor`);
  });

  it('a closed port gives refused', async () => {
    const [closedPort] = await freePorts(1);
    const error = await failureOf(adminMonitor(adminBaseUrl(HOST, closedPort)));
    expect(error.kind).toBe('refused');
    expect(error.message).toContain('admin.enableServer');
  });

  it('a server that never answers gives timeout', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, HOST, resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const error = await failureOf(adminCommand(adminBaseUrl(HOST, port), 'monitor', { timeoutMs: 300 }));
      expect(error.kind).toBe('timeout');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('refuses a command name that could leave the command path', async () => {
    await expect(adminCommand(base, '../monitor')).rejects.toThrow(RangeError);
  });
});
