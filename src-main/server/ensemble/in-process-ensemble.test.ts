// Three participants and an observer in this process, each on its own ports and data directory
// (the same startNode as `zoolab server`): what monitoring shows of
// the roles (srvr, mntr, the AdminServer's leader/voting_view/zabstate), sync() across servers,
// a session that moves between servers, and the event log the lab draws from.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ZooKeeperClient } from '../../client/client';
import { sendFourLetterWord } from '../../client/four-letter';
import { freePorts } from '../../testing/apache-zk';
import { loadConfig } from '../config';
import { startNode, type RunningNode } from '../server-node';

const root = mkdtempSync(path.join(os.tmpdir(), 'zoolab-ensemble-'));
const nodes: RunningNode[] = [];
let clientPorts: number[] = [];
let adminPorts: number[] = [];

beforeAll(async () => {
  const ports = await freePorts(4 * 4);
  const at = (i: number, k: number) => ports[i * 4 + k];
  const ids = [1, 2, 3, 4];
  clientPorts = ids.map((_, i) => at(i, 0));
  adminPorts = ids.map((_, i) => at(i, 3));
  const lines = ids.map((id, i) => `server.${id}=127.0.0.1:${at(i, 1)}:${at(i, 2)}${id === 4 ? ':observer' : ''};127.0.0.1:${at(i, 0)}`);
  const configs = ids.map((id, i) => {
    const dir = path.join(root, `s${id}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'myid'), `${id}\n`);
    const file = path.join(dir, 'zoo.cfg');
    writeFileSync(file, [
      'tickTime=200', 'initLimit=10', 'syncLimit=5', `dataDir=${dir}`, `clientPort=${clientPorts[i]}`, '4lw.commands.whitelist=*',
      `admin.serverPort=${adminPorts[i]}`, 'admin.serverAddress=127.0.0.1', ...(id === 4 ? ['peerType=observer'] : []), ...lines, '',
    ].join('\n'));
    return loadConfig(file);
  });
  nodes.push(...await Promise.all(configs.map((c) => startNode(c, () => {}))));
  await vi.waitUntil(() => nodes.every((n) => n.server.mode !== null), { timeout: 30_000, interval: 50 });
}, 60_000);

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  rmSync(root, { recursive: true, force: true });
});

const admin = async (i: number, command: string) => (await (await fetch(`http://127.0.0.1:${adminPorts[i]}/commands/${command}`)).json()) as Record<string, any>;
const fourLetters = (i: number, word: string) => sendFourLetterWord('127.0.0.1', clientPorts[i], word);

describe('an in-process ensemble of 3 participants and an observer', () => {
  it('reports each role as Apache ZooKeeper does: srvr, mntr on the leader, leader, voting_view and zabstate', async () => {
    const modes = nodes.map((n) => n.server.mode);
    expect([...modes].sort()).toEqual(['follower', 'follower', 'leader', 'observer']);
    const leader = modes.indexOf('leader');
    expect(await fourLetters(leader, 'srvr')).toMatch(/^Mode: leader$/m);
    expect(await fourLetters(3, 'srvr')).toMatch(/^Mode: observer$/m);
    const mntr = await fourLetters(leader, 'mntr');
    expect(mntr).toMatch(/^zk_server_state\tleader$/m);
    expect(mntr).toMatch(/^zk_learners\t3$/m);
    expect(mntr).toMatch(/^zk_synced_followers\t2$/m);
    expect(mntr).toMatch(/^zk_synced_observers\t1$/m);
    expect(mntr).toMatch(/^zk_pending_syncs\t0$/m);
    const follower = modes.indexOf('follower');
    expect(await admin(follower, 'leader')).toMatchObject({ is_leader: false, leader_id: leader + 1, leader_ip: '127.0.0.1', error: null });
    const view = await admin(follower, 'voting_view');
    expect(Object.keys(view.current_config).sort()).toEqual(['1', '2', '3']);
    const zab = await admin(leader, 'zabstate');
    expect(zab).toMatchObject({ myid: leader + 1, is_leader: true, voting: true, zabstate: 'broadcast' });
    expect(await admin(3, 'zabstate')).toMatchObject({ myid: 4, is_leader: false, voting: false, zabstate: 'broadcast' });
  });

  it('a write through one server is read after sync() on every other, and a session moves between servers', async () => {
    const writer = new ZooKeeperClient({ connectString: `127.0.0.1:${clientPorts[0]}`, sessionTimeoutMs: 6000 });
    await writer.connect(10_000);
    await writer.create('/moved', 'data');
    await writer.create('/moved/eph', 'mine', { mode: 1 });
    writer.removeAllListeners();
    for (const port of clientPorts.slice(1)) {
      const reader = new ZooKeeperClient({ connectString: `127.0.0.1:${port}`, sessionTimeoutMs: 6000 });
      await reader.connect(10_000);
      await reader.sync('/moved');
      expect((await reader.getData('/moved')).data?.toString()).toBe('data');
      await reader.close();
    }
    // The same session, resumed on another server (the leader revalidates it); its ephemeral stays.
    const resume = { sessionId: writer.sessionId, password: writer.sessionPassword };
    const moved = new ZooKeeperClient({ connectString: `127.0.0.1:${clientPorts[2]}`, sessionTimeoutMs: 6000, resume });
    await moved.connect(10_000);
    expect(moved.sessionId).toBe(resume.sessionId);
    expect((await moved.exists('/moved/eph'))?.ephemeralOwner).toBe(resume.sessionId);
    await moved.close();
    // A made-up session is refused: the leader does not know it.
    const forged = new ZooKeeperClient({ connectString: `127.0.0.1:${clientPorts[1]}`, sessionTimeoutMs: 6000,
      resume: { sessionId: resume.sessionId + 12345n, password: Buffer.alloc(16) } });
    await expect(forged.connect(5000)).rejects.toThrow();
    await forged.close().catch(() => {});
    // Closing the session removes its ephemeral everywhere.
    const check = new ZooKeeperClient({ connectString: `127.0.0.1:${clientPorts[1]}`, sessionTimeoutMs: 6000 });
    await check.connect(10_000);
    await vi.waitUntil(async () => (await check.sync('/moved'), (await check.exists('/moved/eph')) === null), { timeout: 10_000 });
    await check.close();
  });

  it('logs every election notification and quorum packet with a microsecond timestamp', () => {
    const lines = [1, 2, 3, 4].flatMap((id) => readFileSync(path.join(root, `s${id}`, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)));
    const types = new Set(lines.map((e) => e.type));
    for (const t of ['election.notification.sent', 'election.notification.received', 'election.decision', 'zab.state', 'zab.sent', 'zab.received']) {
      expect(types, t).toContain(t);
    }
    const packets = new Set(lines.filter((e) => e.type === 'zab.sent' || e.type === 'zab.received').map((e) => e.packet));
    for (const p of ['FOLLOWERINFO', 'OBSERVERINFO', 'LEADERINFO', 'ACKEPOCH', 'DIFF', 'NEWLEADER', 'UPTODATE', 'PROPOSAL', 'ACK', 'COMMIT', 'INFORM', 'PING', 'REQUEST', 'REVALIDATE', 'SYNC']) {
      expect(packets, p).toContain(p);
    }
    expect(lines.every((e) => Number.isInteger(e.ts) && e.ts > 1e15)).toBe(true);
  });
});
