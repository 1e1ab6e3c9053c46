// The election codecs and state machine against a real Apache ZooKeeper 3.8 ensemble: a fourth
// server is configured but played by this test, which listens on its election port, connects to the
// real servers' election ports and runs FastLeaderElection over the bytes they exchange.

import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type ServerEntry } from '../config';
import { freePorts, requireApacheZooKeeper, startEnsemble, type ApacheEnsemble } from '../../testing/apache-zk';
import { FastLeaderElection, type ElectionOutput } from './fast-leader-election';
import { InitialMessageReader, PROTOCOL_VERSION_V1, PROTOCOL_VERSION_V2, connectionVerdict, encodeInitialMessage, type InitialMessage } from './handshake';
import { FrameReader, decodeNotification, encodeFrame, encodeNotification, type NotificationMessage } from './notification-codec';
import { QuorumMaj, quorumConfigText } from './quorum';
import { ServerState } from './vote';

const FAKE_SID = 4;

describe.skipIf(!requireApacheZooKeeper()).each([
  { multiAddress: false, version: PROTOCOL_VERSION_V1 },
  { multiAddress: true, version: PROTOCOL_VERSION_V2 },
])('election wire format against Apache ZooKeeper 3.8 (multiAddress.enabled=$multiAddress)', ({ multiAddress, version }) => {
  let ensemble: ApacheEnsemble;
  let listener: net.Server;
  let fakePorts: number[];
  const handshakes: Array<{ message: InitialMessage; closedByPeer: Promise<void> }> = [];

  beforeAll(async () => {
    fakePorts = await freePorts(2);
    // The fake server 4 listens before the ensemble starts, to see the handshakes of its election.
    listener = net.createServer((sock) => {
      const reader = new InitialMessageReader();
      const closedByPeer = new Promise<void>((resolve) => sock.once('close', () => resolve()));
      sock.on('error', () => {});
      sock.on('data', (chunk) => {
        const got = reader.push(chunk);
        if (got) handshakes.push({ message: got.message, closedByPeer });
      });
    });
    await new Promise<void>((resolve) => listener.listen(fakePorts[1], '127.0.0.1', resolve));
    ensemble = await startEnsemble(3, {
      extraConfig: { 'server.4': `127.0.0.1:${fakePorts[0]}:${fakePorts[1]}`, 'multiAddress.enabled': String(multiAddress) },
    });
  });

  afterAll(async () => {
    await ensemble?.stop();
    await new Promise((resolve) => listener?.close(resolve));
  });

  function configOf(serverId: number): { servers: ServerEntry[] } {
    const file = path.join(ensemble.servers[serverId - 1].dataDir, '..', 'zoo.cfg');
    return parseConfig(readFileSync(file, 'utf8'), file);
  }

  it('a lower sid opens with its protocol version, sid and election address, then drops the connection', async () => {
    const servers = configOf(1).servers;
    expect(handshakes.length).toBeGreaterThan(0);
    for (const { message, closedByPeer } of handshakes) {
      expect(message.protocolVersion).toBe(version);
      const sid = Number(message.sid);
      const entry = servers.find((s) => s.id === sid)!;
      expect(message.addresses).toEqual([`127.0.0.1:${entry.electionPort}`]);
      expect(connectionVerdict(sid, FAKE_SID, true)).toBe('close');
      await closedByPeer;
    }
  });

  it('accepts our connection, answers our notification, and our machine joins its leader', async () => {
    const { servers } = configOf(1);
    const quorum = QuorumMaj.fromServers(servers);
    const configText = quorumConfigText(servers);
    const machine = new FastLeaderElection({ myId: FAKE_SID, quorum, configText });
    const started = Date.now();
    const clock = () => Date.now() - started;
    const received: Array<{ from: number; n: NotificationMessage }> = [];
    const sockets = new Map<number, net.Socket>();

    let decision = '';
    const apply = (out: ElectionOutput) => {
      if (out.decision) decision = out.decision.reason;
      for (const { to, message } of out.send) sockets.get(to)?.write(encodeFrame(encodeNotification(message)));
    };
    await Promise.all(servers.filter((s) => s.id !== FAKE_SID).map((s) => new Promise<void>((resolve, reject) => {
      const sock = net.connect({ host: '127.0.0.1', port: s.electionPort });
      const frames = new FrameReader();
      sock.once('error', reject);
      sock.on('data', (chunk) => {
        for (const f of frames.push(chunk)) {
          const n = decodeNotification(f);
          received.push({ from: s.id, n });
          apply(machine.receive(clock(), s.id, n));
        }
      });
      sock.once('connect', () => {
        sock.write(encodeInitialMessage(FAKE_SID, [`127.0.0.1:${fakePorts[1]}`]));
        sockets.set(s.id, sock);
        resolve();
      });
    })));

    // What the real servers had queued for server 4 arrives as soon as the connection is up.
    await new Promise((r) => setTimeout(r, 500));
    const queued = received.length;
    // A server that has been looking a while: its round (2) is past the ensemble's (1), so only
    // the FOLLOWING/LEADING answers (ZOOKEEPER-1732's outofelection path) can let it join.
    machine.lookForLeader(clock(), { lastLoggedZxid: 0n, currentEpoch: 0n });
    apply(machine.lookForLeader(clock(), { lastLoggedZxid: 0n, currentEpoch: 0n }));
    const timer = setInterval(() => {
      const wake = machine.wakeAt;
      if (wake !== null && clock() >= wake) apply(machine.tick(clock()));
    }, 20);
    try {
      const deadline = Date.now() + 30_000;
      while (machine.state === ServerState.LOOKING && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      clearInterval(timer);
      for (const s of sockets.values()) s.destroy();
    }

    // Each real server answered our LOOKING notification: they read our bytes.
    const answered = new Set(received.slice(queued).map((r) => r.from));
    expect([...answered].sort()).toEqual([1, 2, 3]);
    const modes = await Promise.all(ensemble.servers.map((s) => s.mode()));
    const leaderId = modes.indexOf('leader') + 1;
    expect(leaderId).toBeGreaterThan(0);
    for (const { from, n } of received) {
      expect(n.version).toBe(2);
      // Our config text is byte for byte what QuorumMaj.toString() sends.
      expect(n.config).toBe(configText);
      if (n.state !== ServerState.LOOKING) {
        expect(n.leader).toBe(BigInt(leaderId));
        expect(n.state).toBe(from === leaderId ? ServerState.LEADING : ServerState.FOLLOWING);
      }
    }
    expect(machine.state).toBe(ServerState.FOLLOWING);
    expect(machine.currentVote!.leader).toBe(BigInt(leaderId));
    expect(decision).toMatch(new RegExp(`joined the established leader ${leaderId} of round 1 \\(our round was 2\\)`));
  });
});
