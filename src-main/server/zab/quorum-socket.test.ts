import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PacketType, QuorumWireError, packet, type QuorumPacket } from './quorum-packet';
import { QuorumServer, connectQuorum, type QuorumConnection } from './quorum-socket';

const HOST = '127.0.0.1';

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A leader-side server that records every connection and what arrives on it. */
async function startServer(port = 0) {
  const server = new QuorumServer({ host: HOST, port });
  const accepted: Array<{ c: QuorumConnection; got: QuorumPacket[]; closedWith?: Error | null }> = [];
  server.onConnection((c) => {
    const entry: (typeof accepted)[number] = { c, got: [] };
    c.onPacket((p) => entry.got.push(p));
    c.onClose((e) => (entry.closedWith = e));
    accepted.push(entry);
  });
  const bound = await server.listen();
  cleanup.push(() => server.close());
  return { server, port: bound, accepted };
}

const proposal = (i: number) => packet(PacketType.PROPOSAL, (5n << 32n) | BigInt(i), Buffer.alloc(i % 300, i & 0xff));

describe('quorum connections over TCP', () => {
  it('carries many packets each way in order, batched into few writes', async () => {
    const { port, accepted } = await startServer();
    const learner = await connectQuorum({ host: HOST, port });
    cleanup.push(() => learner.destroy());
    const down: QuorumPacket[] = [];
    learner.onPacket((p) => down.push(p));
    await until(() => accepted.length === 1, 'the learner accepted');
    const leaderSide = accepted[0].c;

    const N = 20_000;
    for (let i = 1; i <= N; i++) {
      leaderSide.send(proposal(i));
      learner.send(packet(PacketType.ACK, (5n << 32n) | BigInt(i)));
    }
    // Everything sent in one tick waits in the queue for one batched write.
    expect(leaderSide.queued).toBe(N);
    await until(() => down.length === N && accepted[0].got.length === N, 'all packets');
    const zxids = Array.from({ length: N }, (_, i) => (5n << 32n) | BigInt(i + 1));
    expect(down.map((p) => p.zxid)).toEqual(zxids);
    expect(accepted[0].got.map((p) => p.zxid)).toEqual(zxids);
    expect(down.every((p, i) => p.type === PacketType.PROPOSAL && p.data!.equals(proposal(i + 1).data!))).toBe(true);
  });

  it('retries until the leader listens, and a learner can reconnect after its connection ends', async () => {
    const probe = await startServer();
    const port = probe.port;
    await probe.server.close();
    cleanup.length = 0;

    const connecting = connectQuorum({ host: HOST, port, attempts: 20, backoffMs: 20, maxBackoffMs: 50 });
    await new Promise((r) => setTimeout(r, 60));
    const { accepted } = await startServer(port);
    const first = await connecting;
    first.send(packet(PacketType.FOLLOWERINFO, 1n << 32n));
    // close() flushes the queue first, so the leader sees the packet, then the end.
    first.close();
    await until(() => accepted[0]?.closedWith === null, 'the first connection closed cleanly');
    expect(accepted[0].got.map((p) => p.type)).toEqual([PacketType.FOLLOWERINFO]);

    const second = await connectQuorum({ host: HOST, port });
    cleanup.push(() => second.destroy());
    const down: QuorumPacket[] = [];
    second.onPacket((p) => down.push(p));
    second.send(packet(PacketType.FOLLOWERINFO, 2n << 32n));
    await until(() => accepted.length === 2 && accepted[1].got.length === 1, 'the second connection');
    accepted[1].c.send(packet(PacketType.LEADERINFO, 3n << 32n));
    await until(() => down.length === 1, 'the answer');
    expect(down[0].type).toBe(PacketType.LEADERINFO);
  });

  it('gives up after its attempts when nobody listens', async () => {
    const { server, port } = await startServer();
    await server.close();
    await expect(connectQuorum({ host: HOST, port, attempts: 2, backoffMs: 10 })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('closes only the connection that sent a malformed packet', async () => {
    const { port, accepted } = await startServer();
    const good = await connectQuorum({ host: HOST, port });
    cleanup.push(() => good.destroy());
    await until(() => accepted.length === 1, 'the good learner');

    const bad = net.connect(port, HOST);
    await new Promise((r) => bad.once('connect', r));
    const junk = Buffer.alloc(16);
    junk.writeInt32BE(PacketType.ACK, 0);
    junk.writeInt32BE(-7, 12); // a data length below -1
    bad.write(junk);
    await new Promise((r) => bad.once('close', r));
    await until(() => accepted[1]?.closedWith !== undefined, 'the bad connection closed');
    expect(accepted[1].closedWith).toBeInstanceOf(QuorumWireError);

    good.send(packet(PacketType.PING, 9n));
    await until(() => accepted[0].got.length === 1, 'the good learner still heard');
    expect(good.closed).toBe(false);
  });
});
