import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ElectionTransport, type ElectionPeerAddress, type OutgoingMessage } from './election-transport';
import type { NotificationMessage } from './notification-codec';
import { ServerState } from './vote';

const HOST = '127.0.0.1';

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise<net.Server>((resolve) => {
    const s = net.createServer();
    s.listen(0, HOST, () => resolve(s));
  })));
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const vote = (leader: number, round: number): OutgoingMessage =>
  ({ state: ServerState.LOOKING, leader: BigInt(leader), zxid: 0x100000005n, electionEpoch: BigInt(round), peerEpoch: 1n, config: 'server.1=x' });

interface Node {
  t: ElectionTransport;
  got: Array<{ from: number; m: NotificationMessage }>;
}

const running: ElectionTransport[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((t) => t.close()));
});

async function startNode(sid: number, addresses: ElectionPeerAddress[]): Promise<Node> {
  const me = addresses.find((a) => a.sid === sid)!;
  const t = new ElectionTransport({ mySid: sid, host: HOST, port: me.port, peers: addresses.filter((a) => a.sid !== sid), minBackoffMs: 20, maxBackoffMs: 200 });
  const node: Node = { t, got: [] };
  t.onMessage((from, m) => node.got.push({ from, m }));
  running.push(t);
  await t.start();
  return node;
}

/** Every pair linked once, opened by the higher sid: outbound at the higher end, inbound at the lower. */
function linkedCorrectly(nodes: Map<number, Node>): boolean {
  for (const [sid, n] of nodes) {
    const links = n.t.links();
    for (const other of nodes.keys()) {
      if (other === sid) continue;
      if (links.get(other) !== (other < sid ? 'outbound' : 'inbound')) return false;
    }
  }
  return true;
}

describe('the election port over TCP', () => {
  it('links every pair once from the higher sid, carries notifications, and survives a restart', async () => {
    const ports = await freePorts(3);
    const addresses = ports.map((port, i) => ({ sid: i + 1, host: HOST, port }));
    const nodes = new Map<number, Node>();
    // Lowest first, so the lower sids' pokes and the higher sids' dials both get exercised.
    for (const a of addresses) nodes.set(a.sid, await startNode(a.sid, addresses));
    await until(() => linkedCorrectly(nodes), 'one link per pair');

    for (const [sid, n] of nodes) for (const other of nodes.keys()) if (other !== sid) n.t.send(other, vote(sid, 1));
    await until(() => [...nodes.values()].every((n) => n.got.length === 2), 'notifications everywhere');
    for (const [sid, n] of nodes) {
      expect(n.got.map((g) => g.from).sort()).toEqual([...nodes.keys()].filter((s) => s !== sid));
      for (const g of n.got) expect(g.m).toMatchObject({ leader: BigInt(g.from), electionEpoch: 1n, zxid: 0x100000005n, version: 2, config: 'server.1=x' });
    }

    // Server 2 goes away; while it is down, 1 and 3 keep only their newest notification for it.
    const two = nodes.get(2)!;
    running.splice(running.indexOf(two.t), 1);
    await two.t.close();
    await until(() => !nodes.get(1)!.t.links().has(2) && !nodes.get(3)!.t.links().has(2), 'links to 2 dropped');
    for (const round of [2, 3, 4]) {
      nodes.get(1)!.t.send(2, vote(1, round));
      nodes.get(3)!.t.send(2, vote(3, round));
    }
    const restarted = await startNode(2, addresses);
    nodes.set(2, restarted);
    await until(() => linkedCorrectly(nodes), 'links re-established');
    await until(() => restarted.got.length === 2, 'queued notifications delivered');
    expect(restarted.got.map((g) => [g.from, g.m.electionEpoch]).sort()).toEqual([[1, 4n], [3, 4n]]);
  });

  it('closes a garbage connection and leaves the real links alone', async () => {
    const ports = await freePorts(2);
    const addresses = ports.map((port, i) => ({ sid: i + 1, host: HOST, port }));
    const nodes = new Map<number, Node>();
    for (const a of addresses) nodes.set(a.sid, await startNode(a.sid, addresses));
    await until(() => linkedCorrectly(nodes), 'one link');

    for (const junk of [Buffer.alloc(24, 0xff), Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')]) {
      const s = net.connect(ports[0], HOST);
      await new Promise((r) => s.once('connect', r));
      s.write(junk);
      await new Promise((r) => s.once('close', r));
    }

    expect(linkedCorrectly(nodes)).toBe(true);
    nodes.get(2)!.t.send(1, vote(2, 7));
    nodes.get(1)!.t.send(2, vote(1, 7));
    await until(() => nodes.get(1)!.got.length === 1 && nodes.get(2)!.got.length === 1, 'notifications after the garbage');
  });
});
