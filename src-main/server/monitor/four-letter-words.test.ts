// Four-letter words against answers captured from Apache ZooKeeper 3.8.0: each answer must parse
// with the client's parsers, have the sample's lines in the sample's order (values masked), and
// report the node's real state.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FourLetterWordError } from '../../client/four-letter-errors';
import { queryCons, queryMntr, queryStat, sendFourLetterWord } from '../../client/four-letter';
import {
  parseConf, parseCons, parseEnvi, parseIsro, parseRuok, parseSrvr, parseStat, parseWchs,
} from '../../client/four-letter-parse';
import { BufferStats, elapsedMs } from '../net/stats';
import { ClientPortServer } from '../net/client-port';
import { FakeCore } from '../net/test-support';
import type { ClientConnection } from '../net/types';
import { WatcherMode } from '../watch/watch-manager';
import { zooKeeperFullVersion } from './environment';
import { fourLetterWord } from './four-letter-words';
import {
  CAPTURED_SESSION_A, CAPTURED_SESSION_B, capturedStandaloneState, ENSEMBLE_SERVERS, nodesCleanedAfterEach, type TestNode,
} from './test-support';

const sample = (name: string): string =>
  readFileSync(new URL(`../../client/testdata/4lw-3.8/${name}.txt`, import.meta.url), 'utf8');
const captured = (name: string): string =>
  readFileSync(new URL(`./testdata/3.8-standalone/4lw-${name}.txt`, import.meta.url), 'utf8');

/** Each line reduced to its key, connection lines to their field names, hex ids and numbers masked. */
function shape(text: string, separator: ': ' | '=' = ': '): string[] {
  return text.split('\n').map((line) => {
    const cnxn = /^ \/.*?\[\d+\]\((.*)\)$/.exec(line);
    if (cnxn) return `cnxn(${cnxn[1].split(',').map((f) => f.split('=')[0]).join(',')})`;
    if (/ expire at /.test(line)) return line.replace(/^\d+ expire at .*:$/, 'N expire at DATE:');
    const at = line.indexOf(separator);
    if (at > 0) return line.slice(0, at + separator.length);
    return line.replace(/0x[0-9a-f]+/g, '0xID').replace(/\d+/g, 'N');
  });
}

const node = nodesCleanedAfterEach();

const word = (n: TestNode, w: string, asking?: ClientConnection): string => fourLetterWord(n, w, asking ?? n.probe());

/** The standalone sample's state: /zoolab with children, a session with an ephemeral and 3 watches, a probe. */
function standalone(): { n: TestNode; probe: ClientConnection } {
  const n = node();
  const probe = n.probe();
  const c = n.openSession();
  n.create('/zoolab');
  n.create('/zoolab/a', 'hello');
  n.create('/zoolab/e', '', c.sessionId);
  n.tree.dataWatches.addWatch('/zoolab', c);
  n.tree.dataWatches.addWatch('/zoolab/a', c);
  n.tree.childWatches.addWatch('/zoolab', c);
  c.requestCompleted('GETD', 7, n.lastProcessedZxid, elapsedMs() - 2);
  n.net.stats.latency.add(2);
  return { n, probe };
}

const leaderFacts = () => ({
  learners: 3, syncedFollowers: 2, syncedNonVotingFollowers: 0, syncedObservers: 1, pendingSyncs: 0,
  leadingSince: Date.now() - 1000, proposalSizes: new BufferStats(),
});

function ensembleNode(mode: 'leader' | 'follower' | 'observer', serverId: number): TestNode {
  const extras = mode === 'leader' ? { leader: leaderFacts() } : { leaderId: 3 };
  return node({ mode, serverId, extraConfig: ['initLimit=10', 'syncLimit=5', ...ENSEMBLE_SERVERS], extras });
}

describe('the samples, line by line', () => {
  it('standalone: srvr, stat, cons, conf, envi, wchs, isro, ruok', () => {
    const { n, probe } = standalone();
    expect(shape(word(n, 'srvr', probe))).toEqual(shape(sample('standalone-srvr')));
    expect(shape(word(n, 'stat', probe))).toEqual(shape(sample('standalone-stat')));
    expect(shape(word(n, 'cons', probe))).toEqual(shape(sample('standalone-cons')));
    expect(shape(word(n, 'conf', probe), '=')).toEqual(shape(sample('standalone-conf'), '='));
    expect(shape(word(n, 'envi', probe), '=')).toEqual(shape(sample('standalone-envi'), '='));
    expect(shape(word(n, 'wchs', probe))).toEqual(shape(sample('standalone-wchs')));
    expect(word(n, 'isro', probe)).toBe(sample('standalone-isro'));
    expect(word(n, 'ruok', probe)).toBe(sample('standalone-ruok'));
  });

  it.each([['leader', 3], ['follower', 1], ['observer', 4]] as const)('%s: srvr, stat, cons, conf, wchs, isro', (mode, id) => {
    const n = ensembleNode(mode, id);
    const probe = n.probe();
    expect(shape(word(n, 'srvr', probe))).toEqual(shape(sample(`${mode}-srvr`)));
    expect(shape(word(n, 'stat', probe))).toEqual(shape(sample(`${mode}-stat`)));
    expect(shape(word(n, 'cons', probe))).toEqual(shape(sample(`${mode}-cons`)));
    expect(shape(word(n, 'conf', probe), '=')).toEqual(shape(sample(`${mode}-conf`), '='));
    expect(word(n, 'conf', probe)).toMatch(/\nmembership: \n(server\.\d=.*\n){4}version=0$/);
    expect(shape(word(n, 'wchs', probe))).toEqual(shape(sample(`${mode}-wchs`)));
    expect(word(n, 'isro', probe)).toBe('rw');
  });

  it('read-only: srvr and stat say so, isro is ro', () => {
    const n = node({ mode: 'read-only', serverId: 1, extraConfig: ENSEMBLE_SERVERS });
    const probe = n.probe();
    expect(shape(word(n, 'srvr', probe))).toEqual(shape(sample('read-only-srvr')));
    expect(shape(word(n, 'stat', probe))).toEqual(shape(sample('read-only-stat')));
    expect(word(n, 'isro', probe)).toBe(sample('read-only-isro'));
    expect(parseSrvr(word(n, 'srvr', probe)).readOnly).toBe(true);
  });

  it('not serving: most words say so, ruok and isro answer as 3.8 does, envi still answers', () => {
    const n = node({ mode: null });
    expect(word(n, 'srvr')).toBe(sample('not-serving-srvr'));
    expect(word(n, 'isro')).toBe(sample('not-serving-isro'));
    expect(word(n, 'ruok')).toBe(sample('not-serving-ruok'));
    for (const w of ['stat', 'cons', 'conf', 'mntr', 'wchs', 'wchc', 'wchp', 'dump', 'dirs', 'crst', 'srst']) {
      expect(word(n, w)).toBe(sample('not-serving-srvr'));
      expect(() => parseSrvr(word(n, w))).toThrow(FourLetterWordError);
    }
    expect(parseEnvi(word(n, 'envi'))['zookeeper.version']).toBe(zooKeeperFullVersion());
  });
});

describe('the captured dump, wchc, wchp, dirs, crst, srst', () => {
  const A = CAPTURED_SESSION_A;
  const B = CAPTURED_SESSION_B;
  function capturedState(): TestNode {
    const n = node();
    capturedStandaloneState(n);
    return n;
  }

  it('dump: the session buckets, ephemerals in Java order, and an empty connections section', () => {
    const n = capturedState();
    const text = word(n, 'dump');
    const real = captured('dump');
    // ZooKeeper's NIO factory lists its connection expiry queue; ZooLab prints the section empty, as Netty does.
    const realWithoutConnections = real.slice(0, real.indexOf('Connections dump:\n') + 'Connections dump:\n'.length);
    expect(shape(text)).toEqual(shape(realWithoutConnections));
    expect(text.slice(text.indexOf('ephemeral nodes dump:'))).toBe(realWithoutConnections.slice(real.indexOf('ephemeral nodes dump:')));
    expect(text).toContain(`Session Sets (1)/(2):\n2 expire at `);
  });

  it('dump: a follower lists the global sessions with their timeouts', () => {
    const n = ensembleNode('follower', 1);
    n.openSession(10_000, B);
    n.openSession(4_000, A);
    expect(word(n, 'dump')).toBe(
      'SessionTracker dump:\nGlobal Sessions(2):\n0x1000018b8f50000\t4000ms\n0x1000018b8f50001\t10000ms\n' +
      'ephemeral nodes dump:\nSessions with Ephemerals (0):\nConnections dump:\n',
    );
  });

  it('wchc and wchp: data watches by session and by path', () => {
    const n = capturedState();
    expect(shape(word(n, 'wchc'))).toEqual(shape(captured('wchc')));
    expect(shape(word(n, 'wchp'))).toEqual(shape(captured('wchp')));
    expect(word(n, 'wchc')).toBe('0x1000018b8f50001\n\t/a\n0x1000018b8f50000\n\t/a\n\t/a/b\n\n');
    expect(word(n, 'wchp')).toBe('/a\n\t0x1000018b8f50001\n\t0x1000018b8f50000\n/a/b\n\t0x1000018b8f50000\n\n');
  });

  it('dirs, crst and srst', () => {
    const n = capturedState();
    expect(shape(word(n, 'dirs'))).toEqual(shape(captured('dirs')));
    expect(word(n, 'dirs')).toBe('datadir_size: 1234\nlogdir_size: 5678\n');
    expect(word(n, 'crst')).toBe(captured('crst'));
    expect(word(n, 'srst')).toBe(captured('srst'));
  });
});

describe('the answers report the node', () => {
  it('srvr/stat: counters, zxid, node count, the asking connection among the clients', () => {
    const { n, probe } = standalone();
    n.net.stats.packetsReceived = 12;
    n.net.stats.packetsSent = 11;
    const srvr = parseSrvr(word(n, 'srvr', probe));
    expect(srvr).toMatchObject({
      version: zooKeeperFullVersion(), mode: 'standalone', nodeCount: n.tree.nodeCount, zxid: n.lastProcessedZxid,
      received: 12, sent: 11, connections: 2, outstanding: 0, latency: { min: 2, avg: 2, max: 2 },
    });
    expect(srvr.version).toMatch(/^3\.8\.0-zoolab-\d+\.\d+\.\d+.*, built on \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    const before = srvr.nodeCount;
    n.create('/more');
    expect(parseSrvr(word(n, 'srvr', probe)).nodeCount).toBe(before + 1);
    const stat = parseStat(word(n, 'stat', probe));
    expect(stat.clients.map((c) => c.port)).toContain(probe.remote.port);
    expect(stat.clients).toHaveLength(2);
  });

  it('stat lists the asking connection even when the port did not', () => {
    const { n } = standalone();
    const stranger = n.probe();
    n.net.all.splice(n.net.all.indexOf(stranger as never), 1);
    expect(parseStat(word(n, 'stat', stranger)).clients.map((c) => c.port)).toContain(stranger.remote.port);
  });

  it('cons: every connection with its session fields; crst resets them', () => {
    const { n, probe } = standalone();
    const cons = parseCons(word(n, 'cons', probe));
    const session = cons.find((c) => c.sid !== undefined);
    expect(session).toMatchObject({ lop: 'GETD', lcxid: 7, to: 30_000, recved: 1, sent: 1 });
    expect(word(n, 'crst', probe)).toBe('Connection stats reset.\n');
    const after = parseCons(word(n, 'cons', probe)).find((c) => c.sid !== undefined);
    expect(after).toMatchObject({ lop: 'NA', recved: 0, sent: 0 });
    expect(after?.lcxid).toBeUndefined();
  });

  it('srst resets the server counters and a leader\'s proposal sizes', () => {
    const n = ensembleNode('leader', 3);
    n.net.stats.packetsReceived = 5;
    n.leader?.proposalSizes.set(120);
    expect(parseSrvr(word(n, 'srvr')).proposalSizes).toEqual({ last: 120, min: 120, max: 120 });
    expect(word(n, 'srst')).toBe('Server stats reset.\n');
    const after = parseSrvr(word(n, 'srvr'));
    expect(after.received).toBe(0);
    expect(after.proposalSizes).toEqual({ last: -1, min: -1, max: -1 });
  });

  it('a leader without proposal facts leaves the proposal line out', () => {
    const n = node({ mode: 'leader', serverId: 3, extraConfig: ENSEMBLE_SERVERS });
    expect(parseSrvr(word(n, 'srvr')).proposalSizes).toBeUndefined();
  });

  it('conf: the config as 3.8 prints it', () => {
    const n = ensembleNode('observer', 4);
    const conf = parseConf(word(n, 'conf'));
    expect(conf.values).toMatchObject({
      clientPort: '21881', secureClientPort: '-1', dataDir: `${n.config.dataDir}/version-2`, dataDirSize: '1234',
      dataLogSize: '5678', tickTime: '2000', maxClientCnxns: '60', minSessionTimeout: '4000', maxSessionTimeout: '40000',
      serverId: '4', initLimit: '10', syncLimit: '5', electionAlg: '3', electionPort: '33894', quorumPort: '32894', peerType: '1',
    });
    expect(conf.servers.map((s) => [s.id, s.role])).toEqual([[1, 'participant'], [2, 'participant'], [3, 'participant'], [4, 'observer']]);
    expect(parseConf(word(node(), 'conf')).values.serverId).toBe('0');
  });

  it('conf: client addresses written in server lines are printed back', () => {
    const n = node({ mode: 'follower', serverId: 1, extraConfig: ['server.1=127.0.0.1:2888:3888;2181', 'server.2=zk2.example:2889:3889;127.0.0.1:2182'] });
    const conf = parseConf(word(n, 'conf'));
    expect(conf.servers[0].clientAddress).toEqual({ host: '0.0.0.0', port: 2181 });
    expect(word(n, 'conf')).toContain('server.2=zk2.example:2889:3889:participant;127.0.0.1:2182\n');
  });

  it('wchs counts data watches, as 3.8 does', () => {
    const { n, probe } = standalone();
    expect(parseWchs(word(n, 'wchs', probe))).toEqual({ connections: 1, paths: 2, totalWatches: 2 });
    const other = n.openSession();
    n.tree.addWatch('/zoolab/a', other, WatcherMode.PERSISTENT);
    expect(parseWchs(word(n, 'wchs', probe))).toEqual({ connections: 2, paths: 2, totalWatches: 3 });
  });

  it('envi: the Java property names with this process\'s facts', () => {
    const env = parseEnvi(word(node(), 'envi'));
    expect(env).toMatchObject({ 'java.version': `zoolab/node-${process.version}`, 'user.dir': process.cwd() });
    expect(env['os.memory.max']).toMatch(/^\d+MB$/);
  });

  it('gtmk and stmk read and set the trace mask', () => {
    const n = node();
    expect(word(n, 'gtmk')).toBe(captured('gtmk'));
    expect(fourLetterWord(n, 'stmk', n.probe(), 0xffn)).toBe('255');
    expect(word(n, 'gtmk')).toBe('255');
    expect(word(node(), 'gtmk')).toBe('306');
  });

  it('isro, ruok and words not answered here', () => {
    expect(parseIsro(word(node(), 'isro'))).toBe('rw');
    expect(parseRuok(word(node(), 'ruok'))).toBe(true);
    expect(word(node(), 'hash')).toBe('');
  });
});

describe('over a real client port', () => {
  /** A net-layer core whose four-letter words are this module's, for a node whose connections are the port's. */
  class MonitoringCore extends FakeCore {
    node: TestNode | null = null;
    override fourLetterWord(w: string, cnxn: ClientConnection, mask?: bigint): string {
      const n = this.node as TestNode;
      return fourLetterWord({ ...n, net: this.net as ClientPortServer }, w, cnxn, mask);
    }
  }

  it('stat, cons and mntr parse with the client and list the probing connection', async () => {
    const core = new MonitoringCore();
    core.node = node();
    const server = new ClientPortServer(core, { clientPort: 0, clientPortAddress: '127.0.0.1', fourLetterWordWhitelist: '*' });
    core.net = server;
    await server.start();
    try {
      const port = server.clientPort as number;
      const stat = await queryStat('127.0.0.1', port);
      expect(stat.mode).toBe('standalone');
      expect(stat.clients).toHaveLength(1);
      expect(stat.connections).toBe(1);
      const cons = await queryCons('127.0.0.1', port);
      expect(cons).toHaveLength(1);
      const mntr = await queryMntr('127.0.0.1', port);
      expect(mntr).toMatchObject({ serverState: 'standalone', numAliveConnections: 1, znodeCount: core.node.tree.nodeCount });
      expect(await sendFourLetterWord('127.0.0.1', port, 'ruok')).toBe('imok');
    } finally {
      await server.close();
    }
  });
});
