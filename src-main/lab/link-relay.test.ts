// The link relays over real TCP on 127.0.0.1: bytes pass unchanged, cuts destroy or hold streams
// instead of dropping bytes inside them, delays keep order, and the mesh maps a link's directions
// onto the relays of both dialling directions.

import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LinkRelay, type LinkRelayEvent } from './link-relay';
import { LinkRelays } from './link-relays';
import { freePorts } from './ports';

/** How long "nothing arrived" is watched for: long enough for a relay bug to show on a quiet link. */
const QUIET_MS = 250;

const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startRelay(targetPort: number): Promise<LinkRelay> {
  const relay = new LinkRelay({ listenPort: 0, targetHost: '127.0.0.1', targetPort });
  cleanups.push(() => relay.close());
  await relay.start();
  return relay;
}

/** A server standing in for a peer's port; it keeps every socket it accepts, in order. */
async function startTarget(handle: (socket: net.Socket) => void = () => {}, allowHalfOpen = false) {
  const accepted: net.Socket[] = [];
  const server = net.createServer({ allowHalfOpen }, (socket) => {
    socket.on('error', () => {}); // the relay resets connections on purpose
    accepted.push(socket);
    handle(socket);
  });
  cleanups.push(() => {
    for (const socket of accepted) socket.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as net.AddressInfo).port, accepted };
}

const echo = (socket: net.Socket) => socket.pipe(socket);

async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => {}); // the relay resets connections on purpose
  cleanups.push(() => socket.destroy());
  await once(socket, 'connect');
  return socket;
}

/** Everything the socket has received so far. */
function collect(socket: net.Socket): () => Buffer {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return () => Buffer.concat(chunks);
}

/** Resolves on 'close' whether or not a reset came first (events.once would reject on the 'error'). */
function closed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => (socket.closed ? resolve() : socket.once('close', () => resolve())));
}

/** vi.waitUntil with room for a busy machine: its default gives up after one second. */
const until = <T>(condition: () => T) => vi.waitUntil(condition, { timeout: 20_000, interval: 10 });
const quiet = () => new Promise((resolve) => setTimeout(resolve, QUIET_MS));
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('LinkRelay', () => {
  // With a delay the relay's backlog outgrows its limit, so the pausing of the source is exercised too.
  it.each([0, 20])('relays 3 MB unchanged both ways with a delay of %i ms', async (delayMs) => {
    const target = await startTarget(echo);
    const relay = await startRelay(target.port);
    relay.setDelay(delayMs);
    const client = await connect(relay.port);
    const received = collect(client);

    const sent = randomBytes(3 * 1024 * 1024);
    for (let at = 0; at < sent.length; at += 16 * 1024) client.write(sent.subarray(at, at + 16 * 1024));
    await until(() => received().length >= sent.length);

    expect(received().length).toBe(sent.length);
    expect(sha256(received())).toBe(sha256(sent));
    expect(relay.stats()).toMatchObject({ connections: 1, bytesForward: sent.length, bytesBackward: sent.length });
  });

  it('relays a half-close: the target still answers after the client has ended', async () => {
    const target = await startTarget((socket) => {
      socket.resume();
      socket.on('end', () => socket.end('bye'));
    }, true);
    const relay = await startRelay(target.port);
    const client = await connect(relay.port);
    const received = collect(client);

    client.end('question');
    await once(client, 'end');
    expect(received().toString()).toBe('bye');
    await until(() => relay.stats().connections === 0);
  });

  it('a cut both ways destroys live connections, holds new ones silently until heal, then relays again', async () => {
    const target = await startTarget(echo);
    const relay = await startRelay(target.port);
    const live = await connect(relay.port);
    const liveReceived = collect(live);
    live.write('ping');
    await until(() => liveReceived().toString() === 'ping');

    relay.cut('both');
    expect(relay.stats()).toMatchObject({ connections: 0, state: { forward: 'cut', backward: 'cut' } });
    await closed(live);

    const held = await connect(relay.port);
    const heldReceived = collect(held);
    held.write('anyone there?');
    await quiet();
    expect(heldReceived().length).toBe(0);
    expect(target.accepted).toHaveLength(1);
    expect(relay.stats().connections).toBe(1);

    relay.heal();
    await closed(held);
    expect(heldReceived().length).toBe(0);

    const fresh = await connect(relay.port);
    const freshReceived = collect(fresh);
    fresh.write('pong');
    await until(() => freshReceived().toString() === 'pong');
    expect(relay.stats().state).toEqual({ forward: 'open', backward: 'open' });
  });

  it('a forward cut: the target never sees the client\'s bytes, the client gets the target\'s; heal resets', async () => {
    const target = await startTarget();
    const relay = await startRelay(target.port);
    relay.cut('forward');

    const client = await connect(relay.port);
    const atClient = collect(client);
    const upstream = await until(() => target.accepted[0]);
    const atTarget = collect(upstream);
    client.write('from the client');
    upstream.write('from the target');
    await until(() => atClient().toString() === 'from the target');
    await quiet();
    expect(atTarget().length).toBe(0);
    expect(relay.stats()).toMatchObject({ bytesForward: 0, bytesBackward: 'from the target'.length });

    // The half-cut stream goes on heal, so the peers start over on a clean one.
    relay.heal();
    await closed(client);
    await closed(upstream);
    const again = await connect(relay.port);
    const atClientAgain = collect(again);
    const upstreamAgain = await until(() => target.accepted[1]);
    const atTargetAgain = collect(upstreamAgain);
    again.write('hello');
    upstreamAgain.write('hi');
    await until(() => atTargetAgain().toString() === 'hello' && atClientAgain().toString() === 'hi');
  });

  it('a backward cut: the client never sees the target\'s bytes, the target gets the client\'s', async () => {
    const target = await startTarget();
    const relay = await startRelay(target.port);
    relay.cut('backward');

    const client = await connect(relay.port);
    const atClient = collect(client);
    const upstream = await until(() => target.accepted[0]);
    const atTarget = collect(upstream);
    upstream.write('from the target');
    client.write('from the client');
    await until(() => atTarget().toString() === 'from the client');
    await quiet();
    expect(atClient().length).toBe(0);
  });

  it('a delay keeps the order of many small writes and holds the first byte back', async () => {
    const delayMs = 100;
    const target = await startTarget(echo);
    const relay = await startRelay(target.port);
    relay.setDelay(delayMs);
    const client = await connect(relay.port);
    let firstByteAt = 0;
    client.once('data', () => (firstByteAt = performance.now()));
    const received = collect(client);

    const writes = Array.from({ length: 500 }, (_, i) => `${i},`);
    const sentAt = performance.now();
    for (const text of writes) client.write(text);
    const expected = writes.join('');
    await until(() => received().length >= expected.length);

    expect(received().toString()).toBe(expected);
    // There and back through the relay: two delays, less a little for timer rounding. No upper bound.
    expect(firstByteAt - sentAt).toBeGreaterThanOrEqual(2 * delayMs - 5);
  });

  it('an abrupt reset on either side, or a refused onward connect, closes the other side', async () => {
    const target = await startTarget();
    const relay = await startRelay(target.port);

    const client = await connect(relay.port);
    (await until(() => target.accepted[0])).resetAndDestroy();
    await closed(client);

    const resetting = await connect(relay.port);
    const upstream = await until(() => target.accepted[1]);
    resetting.resetAndDestroy();
    await closed(upstream);
    await until(() => relay.stats().connections === 0);

    const [{ clientPort: nobodyListens }] = await freePorts(1);
    const refusedRelay = await startRelay(nobodyListens);
    await closed(await connect(refusedRelay.port));
    await until(() => refusedRelay.stats().connections === 0);
  });

  it('reports cuts, heals and delay changes to its listeners until they unsubscribe', async () => {
    const target = await startTarget(echo);
    const relay = await startRelay(target.port);
    await connect(relay.port);
    await until(() => target.accepted.length === 1);

    const events: LinkRelayEvent[] = [];
    const unsubscribe = relay.onEvent((event) => events.push(event));
    relay.cut('forward');
    relay.setDelay(20);
    relay.heal();
    unsubscribe();
    relay.cut('both');

    expect(events).toEqual([
      { type: 'cut', direction: 'forward', destroyedConnections: 1 },
      { type: 'delay', delayMs: 20 },
      { type: 'heal', destroyedConnections: 0 },
    ]);
    expect(relay.stats().delayMs).toBe(20);
  });
});

describe('LinkRelays', () => {
  async function startMesh() {
    const relays = new LinkRelays();
    cleanups.push(() => relays.closeAll());
    return relays;
  }

  it("cut(1, 2, '1->2') stops 1's bytes to 2 on the relays of both dialling directions", async () => {
    const relays = await startMesh();
    const server1 = await startTarget();
    const server2 = await startTarget();
    const oneDialsTwo = await relays.add(1, 2, 'quorum', server2.port);
    const twoDialsOne = await relays.add(2, 1, 'quorum', server1.port);
    relays.cut(1, 2, '1->2');

    const dialler1 = await connect(oneDialsTwo);
    const answerer2 = await until(() => server2.accepted[0]);
    const dialler2 = await connect(twoDialsOne);
    const answerer1 = await until(() => server1.accepted[0]);
    const at = { dialler1: collect(dialler1), answerer2: collect(answerer2), dialler2: collect(dialler2), answerer1: collect(answerer1) };

    dialler1.write('1 to 2, dialling');
    answerer2.write('2 to 1, answering');
    dialler2.write('2 to 1, dialling');
    answerer1.write('1 to 2, answering');
    await until(() => at.dialler1().toString() === '2 to 1, answering' && at.answerer1().toString() === '2 to 1, dialling');
    await quiet();
    expect(at.answerer2().length).toBe(0);
    expect(at.dialler2().length).toBe(0);

    expect(relays.describe()).toEqual([
      {
        a: 1, b: 2, aToB: 'cut', bToA: 'open', delayMs: 0, connections: 2,
        bytesAToB: 0, bytesBToA: '2 to 1, answering'.length + '2 to 1, dialling'.length,
      },
    ]);
  });

  it('a relay added to a cut link starts cut, healAll opens it, and unknown links are refused', async () => {
    const relays = await startMesh();
    const server2 = await startTarget(echo);
    await relays.add(1, 2, 'quorum', server2.port);
    relays.cut(2, 1, 'both');
    relays.setDelay(1, 2, 10);
    const election = await relays.add(1, 2, 'election', server2.port);

    const held = await connect(election);
    await quiet();
    expect(server2.accepted).toHaveLength(0);

    relays.healAll();
    await closed(held);
    const fresh = await connect(election);
    const received = collect(fresh);
    fresh.write('back');
    await until(() => received().toString() === 'back');
    expect(relays.describe()).toMatchObject([{ a: 1, b: 2, aToB: 'open', bToA: 'open', delayMs: 10 }]);

    expect(() => relays.cut(1, 3, 'both')).toThrow('no relays between servers 1 and 3');
    expect(() => relays.cut(1, 2, '1->3')).toThrow('has no direction 1->3');
  });
});
