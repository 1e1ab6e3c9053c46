// 4-letter words against a real Apache ZooKeeper 3.8 standalone server with a live client session,
// and the failures: a word left out of the whitelist, an unknown word, a closed port, silence.

import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateMode } from '../protocol/constants';
import { ZooKeeperClient } from './client';
import { FourLetterWordError } from './four-letter-errors';
import {
  queryCons,
  queryConf,
  queryEnvi,
  queryIsro,
  queryMntr,
  queryRuok,
  querySrvr,
  queryStat,
  queryWchs,
  sendFourLetterWord,
} from './four-letter';
import { freePorts, requireApacheZooKeeper, startZooKeeper, type ApacheZooKeeper } from '../testing/apache-zk';

const haveZk = requireApacheZooKeeper();
const HOST = '127.0.0.1';

async function failureOf(promise: Promise<unknown>): Promise<FourLetterWordError> {
  const error = await promise.then(
    () => new Error('expected the word to fail'),
    (e: unknown) => e,
  );
  if (error instanceof FourLetterWordError) return error;
  throw error;
}

describe.skipIf(!haveZk)('4-letter words against Apache ZooKeeper 3.8', () => {
  let server: ApacheZooKeeper;
  let onlySrvr: ApacheZooKeeper;
  let zk: ZooKeeperClient;
  let createdZxid: bigint;

  beforeAll(async () => {
    [server, onlySrvr] = await Promise.all([startZooKeeper(), startZooKeeper({ fourLetterWords: 'srvr' })]);
    zk = new ZooKeeperClient({ connectString: server.connectString, sessionTimeoutMs: 10_000 });
    await zk.connect();
    const { stat } = await zk.create('/four-letter', 'x');
    await zk.create('/four-letter/eph', null, { mode: CreateMode.EPHEMERAL });
    createdZxid = stat.czxid;
    // Two watched paths for one session, so wchs and mntr have something to count.
    await zk.getData('/four-letter', () => {});
    await zk.exists('/four-letter/eph', () => {});
  });

  afterAll(async () => {
    await zk?.close();
    await Promise.all([server?.stop(), onlySrvr?.stop()]);
  });

  it('ruok answers imok', async () => {
    expect(await queryRuok(HOST, server.clientPort)).toBe(true);
    expect(await sendFourLetterWord(HOST, server.clientPort, 'ruok')).toBe('imok');
  });

  it('srvr reports a standalone server that has seen our writes', async () => {
    const stats = await querySrvr(HOST, server.clientPort);
    expect(stats.version).toMatch(/^3\.8\./);
    expect(stats.mode).toBe('standalone');
    expect(stats.readOnly).toBe(false);
    expect(stats.zxid >= createdZxid).toBe(true);
    expect(stats.zxidHex).toBe(`0x${stats.zxid.toString(16)}`);
    expect(stats.connections).toBeGreaterThanOrEqual(2);
    expect(stats.nodeCount).toBeGreaterThanOrEqual(6);
    expect(stats.latency.max).toBeGreaterThanOrEqual(stats.latency.min);
  });

  it('stat adds the client list: our session and the stat connection itself', async () => {
    const report = await queryStat(HOST, server.clientPort);
    expect(report.mode).toBe('standalone');
    expect(report.clients.length).toBeGreaterThanOrEqual(2);
    expect(report.clients.some((c) => c.interestOps === 0 && c.recved === 1)).toBe(true);
    expect(report.clients.every((c) => c.address === '127.0.0.1' && c.port > 0)).toBe(true);
  });

  it('cons shows our session with its id, timeout and last zxid', async () => {
    const connections = await queryCons(HOST, server.clientPort);
    const ours = connections.find((c) => c.sid === zk.sessionId);
    expect(ours).toBeDefined();
    expect(ours?.to).toBe(zk.negotiatedTimeoutMs);
    expect(ours?.lzxid !== undefined && ours.lzxid >= createdZxid).toBe(true);
    expect(ours?.recved).toBeGreaterThanOrEqual(4);
    expect(typeof ours?.lop).toBe('string');
  });

  it('mntr agrees with srvr and counts our watches and ephemeral', async () => {
    const [metrics, stats] = await Promise.all([queryMntr(HOST, server.clientPort), querySrvr(HOST, server.clientPort)]);
    expect(metrics.serverState).toBe('standalone');
    expect(metrics.version).toBe(stats.version);
    expect(metrics.znodeCount).toBe(stats.nodeCount);
    expect(metrics.watchCount).toBeGreaterThanOrEqual(2);
    expect(metrics.ephemeralsCount).toBe(1);
    expect(metrics.numAliveConnections).toBeGreaterThanOrEqual(2);
    expect(metrics.openFileDescriptorCount).toBeGreaterThan(0);
    expect(metrics.followers).toBeUndefined();
    expect(metrics.values.zk_server_state).toBe('standalone');
    expect(Object.keys(metrics.values).length).toBeGreaterThan(100);
  });

  it('conf, envi, wchs and isro', async () => {
    const conf = await queryConf(HOST, server.clientPort);
    expect(conf.values.clientPort).toBe(String(server.clientPort));
    expect(conf.servers).toEqual([]);
    const env = await queryEnvi(HOST, server.clientPort);
    expect(env['zookeeper.version']).toMatch(/^3\.8\./);
    expect(env['java.version']).toBeTruthy();
    expect(await queryWchs(HOST, server.clientPort)).toEqual({ connections: 1, paths: 2, totalWatches: 2 });
    expect(await queryIsro(HOST, server.clientPort)).toBe('rw');
  });

  it('a word left out of 4lw.commands.whitelist gives not-whitelisted', async () => {
    expect((await querySrvr(HOST, onlySrvr.clientPort)).mode).toBe('standalone');
    for (const word of ['mntr', 'ruok', 'stat']) {
      const error = await failureOf(sendFourLetterWord(HOST, onlySrvr.clientPort, word));
      expect(error.kind).toBe('not-whitelisted');
      expect(error.word).toBe(word);
      expect(error.port).toBe(onlySrvr.clientPort);
      expect(error.message).toContain('4lw.commands.whitelist');
    }
    expect((await failureOf(queryMntr(HOST, onlySrvr.clientPort))).kind).toBe('not-whitelisted');
  });

  it('an unknown word gets no answer', async () => {
    expect((await failureOf(sendFourLetterWord(HOST, server.clientPort, 'xyzw'))).kind).toBe('no-answer');
  });

  it('a closed port gives refused', async () => {
    const [closedPort] = await freePorts(1);
    const error = await failureOf(querySrvr(HOST, closedPort));
    expect(error.kind).toBe('refused');
    expect(error.message).toContain(`127.0.0.1:${closedPort}`);
  });

  it('a server that never answers gives timeout', async () => {
    // ZooKeeper always answers or closes, so silence needs a listener that does neither.
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, HOST, resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const started = Date.now();
      const error = await failureOf(sendFourLetterWord(HOST, port, 'srvr', { timeoutMs: 300 }));
      expect(error.kind).toBe('timeout');
      expect(error.message).toContain('reading the answer');
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('refuses anything that is not four lowercase letters', async () => {
    await expect(sendFourLetterWord(HOST, server.clientPort, 'SRVR')).rejects.toThrow(RangeError);
    await expect(sendFourLetterWord(HOST, server.clientPort, 'srvrx')).rejects.toThrow(RangeError);
  });
});
