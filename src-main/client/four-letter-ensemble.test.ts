// 4-letter words and AdminServer commands against a real 3-server Apache ZooKeeper 3.8 ensemble:
// leader and follower views, then a server that lost its quorum ("not currently serving").

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminCommandError } from './admin-errors';
import { adminBaseUrl, adminLeader, adminMonitor, adminServerStats, adminVotingView } from './admin-http';
import { FourLetterWordError } from './four-letter-errors';
import { queryConf, queryIsro, queryMntr, queryRuok, querySrvr } from './four-letter';
import { requireApacheZooKeeper, startEnsemble, type ApacheEnsemble, type ApacheZooKeeperServer } from '../testing/apache-zk';

const haveZk = requireApacheZooKeeper();
const HOST = '127.0.0.1';

function adminUrl(server: ApacheZooKeeperServer): string {
  if (server.adminPort === undefined) throw new Error('the harness started no admin server');
  return adminBaseUrl(HOST, server.adminPort);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  );
}

describe.skipIf(!haveZk)('4-letter words and admin commands on an Apache ZooKeeper 3.8 ensemble', () => {
  let ensemble: ApacheEnsemble;
  let leader: ApacheZooKeeperServer;
  let followers: ApacheZooKeeperServer[];

  beforeAll(async () => {
    ensemble = await startEnsemble(3, { adminServer: true });
    const modes = await Promise.all(ensemble.servers.map(async (s) => (await querySrvr(HOST, s.clientPort)).mode));
    leader = ensemble.servers[modes.indexOf('leader')];
    followers = ensemble.servers.filter((_, i) => modes[i] === 'follower');
  });

  afterAll(async () => {
    await ensemble?.stop();
  });

  it('srvr shows one leader, who adds proposal sizes, and two followers', async () => {
    expect(leader).toBeDefined();
    expect(followers).toHaveLength(2);
    const stats = await querySrvr(HOST, leader.clientPort);
    expect(stats.proposalSizes).toBeDefined();
    // The leader's zxid carries its epoch in the high 32 bits.
    expect(stats.zxid >> 32n).toBeGreaterThanOrEqual(1n);
  });

  it('the leader\'s mntr counts its followers, through mntr and monitor alike', async () => {
    const metrics = await queryMntr(HOST, leader.clientPort);
    expect(metrics.serverState).toBe('leader');
    expect(metrics.followers).toBe(2);
    expect(metrics.syncedFollowers).toBe(2);
    expect(metrics.pendingSyncs).toBe(0);
    const monitor = await adminMonitor(adminUrl(leader));
    expect(monitor).toMatchObject({ serverState: 'leader', followers: 2, syncedFollowers: 2 });
    const follower = await queryMntr(HOST, followers[0].clientPort);
    expect(follower.serverState).toBe('follower');
    expect(follower.peerState).toMatch(/^following/);
    expect(follower.followers).toBeUndefined();
  });

  it('conf lists every member', async () => {
    const conf = await queryConf(HOST, followers[0].clientPort);
    expect(conf.servers.map((s) => s.id)).toEqual([1, 2, 3]);
    expect(conf.servers.every((s) => s.role === 'participant' && s.addresses[0].host === '127.0.0.1')).toBe(true);
    expect(conf.values.serverId).toBe(String(followers[0].id));
  });

  it('admin leader, voting_view and server_stats agree with srvr', async () => {
    for (const server of ensemble.servers) {
      const info = await adminLeader(adminUrl(server));
      expect(info.leaderId).toBe(leader.id);
      expect(info.isLeader).toBe(server === leader);
      expect(info.leaderIp).toBe('127.0.0.1');
      expect((await adminServerStats(adminUrl(server))).mode).toBe(server === leader ? 'leader' : 'follower');
    }
    const view = await adminVotingView(adminUrl(followers[0]));
    expect(view.map((s) => s.id)).toEqual([1, 2, 3]);
    const conf = await queryConf(HOST, followers[0].clientPort);
    expect(view.map((s) => s.addresses)).toEqual(conf.servers.map((s) => s.addresses));
  });

  it('a server without a quorum is "not serving" through both doors', async () => {
    await Promise.all([leader.stop(), followers[1].stop()]);
    const alone = followers[0];
    // It notices the leader is gone within a few ticks, then stays LOOKING.
    const deadline = Date.now() + 20_000;
    let lastError: unknown;
    while (Date.now() < deadline) {
      lastError = await rejection(querySrvr(HOST, alone.clientPort));
      if (lastError instanceof FourLetterWordError && lastError.kind === 'not-serving') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(lastError).toBeInstanceOf(FourLetterWordError);
    expect((lastError as FourLetterWordError).kind).toBe('not-serving');

    // ruok still says imok, and isro answers the literal "null".
    expect(await queryRuok(HOST, alone.clientPort)).toBe(true);
    const isro = await rejection(queryIsro(HOST, alone.clientPort));
    expect(isro).toMatchObject({ name: 'FourLetterWordError', kind: 'not-serving', port: alone.clientPort });
    const mntr = await rejection(queryMntr(HOST, alone.clientPort));
    expect(mntr).toMatchObject({ kind: 'not-serving' });

    const stats = await rejection(adminServerStats(adminUrl(alone)));
    expect(stats).toBeInstanceOf(AdminCommandError);
    expect(stats).toMatchObject({ kind: 'not-serving' });
    // 3.8's monitor command dereferences the missing server: Jetty answers 500 with an HTML page.
    const monitor = await rejection(adminMonitor(adminUrl(alone)));
    expect(monitor).toMatchObject({ name: 'AdminCommandError', kind: 'http', status: 500 });
    expect((monitor as AdminCommandError).serverMessage).toContain('NullPointerException');
  });
});
