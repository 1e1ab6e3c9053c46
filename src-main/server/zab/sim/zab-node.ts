// One ensemble server under the simulator: the real ZabPeer (election + ZAB), its notifications
// and quorum packets through the real codecs, quorum connections through a simulated TCP, and a
// simulated disk: epochs written at once, log appends durable only once a group-committed fsync
// (a few ms later) finishes, so that a crash may lose the unsynced tail. The node's "data tree" is
// the list of txns applied, which the invariant checker reads.

import { ElectionWireError, decodeNotification, encodeNotification } from '../../election/notification-codec';
import { hex, stateName } from '../../election/vote';
import type { Prng } from '../../sim/prng';
import type { Outbound, SimEvent, SimNode, Step } from '../../sim/simulator';
import { OpCode } from '../../../protocol';
import type { LogEntry, ZabAction, ZabOutput } from '../actions';
import { ZabPeer, type PeerConfig } from '../peer';
import { PacketType, decodeQuorumPacket, describePacket, encodeQuorumPacket, packet } from '../quorum-packet';
import { hexZxid } from '../zxid';
import { QuorumTransport, type Delivery, type SegmentMessage } from './quorum-transport';
import { decodeEntries, encodeEntries } from './snapshot';

export type ZabSimMessage =
  /** An election notification, numbered per sending incarnation (`from`) to emulate its TCP link. */
  | { kind: 'fle'; bytes: Buffer; from: number; seq: number }
  | SegmentMessage
  /** A client's write, and the server's answer once the write is applied there... */
  | { kind: 'write'; id: string }
  | { kind: 'written'; id: string; zxid: bigint }
  /** ...or the connection loss a client sees when the server is not serving or stops. */
  | { kind: 'failed'; id: string };

/** The disk of a server: what survives a crash. */
export interface SimDisk {
  acceptedEpoch: bigint;
  currentEpoch: bigint;
  log: LogEntry[];
  /** How many log entries are fsynced. */
  synced: number;
}

export const emptyDisk = (): SimDisk => ({ acceptedEpoch: 0n, currentEpoch: 0n, log: [], synced: 0 });

export interface ZabNodeConfig {
  peer: Omit<PeerConfig, 'myId'>;
  clientId: number;
  /** An fsync takes a uniform time in this range. */
  fsyncMs: readonly [number, number];
}

/** How many txns a server had applied and logged when it reported being synced or established. */
export interface StateAt {
  applied: number;
  history: number;
}

/** What the checker learns from a delivery: the txn and its position in the node's applied list. */
export interface DeliverData {
  index: number;
  entry: LogEntry;
}

export class ZabSimNode implements SimNode<ZabSimMessage, SimDisk> {
  readonly peer: ZabPeer;
  readonly disk: SimDisk;
  /** The txns applied to this server's state, in order: its data tree. */
  applied: LogEntry[];
  private readonly transport: QuorumTransport;
  private fsync: { doneAt: number; covers: number } | null = null;
  private flushAgain = false;
  /** Writes clients sent to this server, answered once applied here. */
  private readonly origin = new Set<string>();
  /** Client connections are TCP: a write the network duplicated is the same write. */
  private readonly seenWrites = new Set<string>();
  private readonly requests: Buffer[] = [];
  private fleSent = 0;
  /** Per peer, the newest notification taken: its sender incarnation and number. */
  private readonly fleSeen = new Map<number, { from: number; seq: number }>();
  private send: Outbound<ZabSimMessage>[] = [];
  private events: SimEvent[] = [];

  constructor(readonly id: number, durable: SimDisk | undefined, private readonly cfg: ZabNodeConfig, private readonly connBase: number,
    private readonly rng: Prng) {
    const d = durable ?? emptyDisk();
    // A restart reads back what is on disk; whatever survived the crash now counts as written.
    this.disk = { acceptedEpoch: d.acceptedEpoch, currentEpoch: d.currentEpoch, log: d.log.slice(), synced: d.log.length };
    this.applied = this.disk.log.slice();
    this.transport = new QuorumTransport(connBase);
    this.peer = new ZabPeer({ myId: id, ...cfg.peer },
      { acceptedEpoch: d.acceptedEpoch, currentEpoch: d.currentEpoch, recent: this.disk.log, base: 0n });
  }

  start(now: number): Step<ZabSimMessage> {
    this.run(now, this.peer.start(now));
    return this.step();
  }

  onMessage(now: number, from: number, msg: ZabSimMessage): Step<ZabSimMessage> {
    switch (msg.kind) {
      case 'fle':
        if (!this.freshNotification(from, msg.from, msg.seq)) break;
        try {
          this.run(now, this.peer.onElectionMessage(now, from, decodeNotification(msg.bytes)));
        } catch (e) {
          if (!(e instanceof ElectionWireError)) throw e;
          this.events.push({ type: 'election.malformed', fields: { from, reason: e.message } });
        }
        break;
      case 'q':
      case 'fin':
      case 'rst': {
        this.transport.receive(from, msg, this.send, (d) => this.deliverSegment(now, d));
        break;
      }
      case 'write':
        this.clientWrite(now, msg.id);
        break;
      case 'written':
      case 'failed':
        break;
    }
    return this.step();
  }

  onTick(now: number): Step<ZabSimMessage> {
    if (this.fsync && now >= this.fsync.doneAt) this.fsyncDone(now);
    this.run(now, this.peer.onTick(now));
    return this.step();
  }

  durable(loseUnsynced: boolean): SimDisk {
    const log = loseUnsynced ? this.disk.log.slice(0, this.disk.synced) : this.disk.log.slice();
    return { acceptedEpoch: this.disk.acceptedEpoch, currentEpoch: this.disk.currentEpoch, log, synced: log.length };
  }

  /**
   * Notifications travel on TCP connections in ZooKeeper (QuorumCnxManager): they may be lost when
   * a connection breaks, but never duplicated or overtaken. A copy or a late one is dropped here.
   */
  private freshNotification(peer: number, from: number, seq: number): boolean {
    const seen = this.fleSeen.get(peer);
    if (seen && (from < seen.from || (from === seen.from && seq <= seen.seq))) return false;
    this.fleSeen.set(peer, { from, seq });
    return true;
  }

  private deliverSegment(now: number, d: Delivery): void {
    if (d.side === 'leader') {
      this.run(now, 'closed' in d ? this.peer.onLeaderClosed(now) : this.peer.onLeaderPacket(now, decodeQuorumPacket(d.packet)));
    } else {
      this.run(now, 'closed' in d ? this.peer.onLearnerClosed(now, d.sid) : this.peer.onLearnerPacket(now, d.sid, decodeQuorumPacket(d.packet)));
    }
  }

  private clientWrite(now: number, id: string): void {
    if (this.seenWrites.has(id)) return;
    this.seenWrites.add(id);
    if (!this.peer.serving) {
      this.send.push({ to: this.cfg.clientId, msg: { kind: 'failed', id } });
      return;
    }
    this.origin.add(id);
    const body = Buffer.from(id);
    if (this.peer.role === 'leading') this.run(now, this.peer.propose(now, () => body));
    else this.run(now, this.peer.forward(now, { sessionId: 0n, cxid: 0, type: OpCode.create, body }));
  }

  /** Performs the peer's actions in order; forwarded requests are proposed after the rest. */
  private run(now: number, out: ZabOutput): void {
    for (const e of out.events) {
      // Later packets handled in the same step may change the state; the checker needs it as of now.
      if (e.type === 'zab.learner.synced' || e.type === 'zab.leader.established') {
        const at: StateAt = { applied: this.applied.length, history: this.disk.log.length };
        this.events.push({ ...e, data: { ...(e.data as object), ...at } });
      } else {
        this.events.push(e);
      }
    }
    const net: Outbound<ZabSimMessage>[] = [];
    for (const a of out.actions) this.perform(now, a, net);
    for (const o of net) this.send.push(o);
    while (this.requests.length > 0) {
      const body = this.requests.shift()!;
      this.run(now, this.peer.propose(now, () => body));
    }
  }

  private perform(now: number, a: ZabAction, net: Outbound<ZabSimMessage>[]): void {
    const t = this.transport;
    switch (a.kind) {
      case 'electionSend':
        net.push({ to: a.to, msg: { kind: 'fle', bytes: encodeNotification(a.message), from: this.connBase, seq: ++this.fleSent } });
        return;
      case 'connectLeader': t.connectLeader(a.to, net); return;
      case 'sendLeader': t.sendLeader(encodeQuorumPacket(a.packet), net); return;
      case 'closeLeader': t.closeLeader(net); return;
      case 'sendLearner': t.sendLearner(a.to, encodeQuorumPacket(a.packet), net); return;
      case 'sendSnapshot': {
        const last = this.applied.length > 0 ? this.applied[this.applied.length - 1].zxid : 0n;
        if (last !== a.zxid) throw new Error(`node ${this.id}: SNAP at ${hexZxid(a.zxid)} but the state is at ${hexZxid(last)}`);
        t.sendLearner(a.to, encodeQuorumPacket(packet(PacketType.SNAP, a.zxid, encodeEntries(this.applied))), net);
        return;
      }
      case 'closeLearner': t.closeLearner(a.to, net); return;
      case 'setAcceptedEpoch': this.disk.acceptedEpoch = a.epoch; return;
      case 'setCurrentEpoch': this.disk.currentEpoch = a.epoch; return;
      case 'append': this.disk.log.push(a.entry); return;
      case 'flush':
        if (this.fsync) this.flushAgain = true;
        else this.startFsync(now);
        return;
      case 'truncate':
        this.disk.log = this.disk.log.filter((e) => e.zxid <= a.zxid);
        this.reloaded();
        return;
      case 'installSnapshot': {
        const log = decodeEntries(a.snapshot);
        const last = log.length > 0 ? log[log.length - 1].zxid : 0n;
        if (last !== a.zxid) throw new Error(`node ${this.id}: snapshot ends at ${hexZxid(last)}, SNAP said ${hexZxid(a.zxid)}`);
        this.disk.log = log;
        this.reloaded();
        return;
      }
      case 'deliver': {
        this.applied.push(a.entry);
        const data: DeliverData = { index: this.applied.length - 1, entry: a.entry };
        this.events.push({ type: 'sim.deliver', fields: { zxid: hexZxid(a.entry.zxid) }, data });
        const id = a.entry.txn.toString();
        if (this.origin.delete(id)) net.push({ to: this.cfg.clientId, msg: { kind: 'written', id, zxid: a.entry.zxid } });
        return;
      }
      case 'fastForward': {
        const n = this.applied.length;
        if (n > this.disk.log.length || (n > 0 && this.applied[n - 1].zxid !== this.disk.log[n - 1].zxid)) {
          throw new Error(`node ${this.id}: the applied state is not a prefix of the log`);
        }
        this.applied = this.disk.log.slice();
        return;
      }
      case 'learnerRequest': this.requests.push(a.request.body); return;
      case 'serving':
        // Losing the leader closes client connections: pending writes end in an unknown outcome.
        if (!a.serving) for (const id of this.origin) net.push({ to: this.cfg.clientId, msg: { kind: 'failed', id } });
        if (!a.serving) this.origin.clear();
        return;
      case 'touchSessions': case 'revalidateSession': case 'sessionRevalidated': case 'syncDone':
        return;
    }
  }

  /** After a truncation or a snapshot the log is rewritten and fsynced, and the state reloaded. */
  private reloaded(): void {
    this.disk.synced = this.disk.log.length;
    this.applied = this.disk.log.slice();
    this.fsync = null;
    this.flushAgain = false;
  }

  private startFsync(now: number): void {
    const [lo, hi] = this.cfg.fsyncMs;
    this.fsync = { doneAt: now + this.rng.int(lo, hi), covers: this.disk.log.length };
  }

  private fsyncDone(now: number): void {
    const covers = Math.min(this.fsync!.covers, this.disk.log.length);
    this.fsync = null;
    if (covers > this.disk.synced) this.disk.synced = covers;
    if (this.flushAgain && this.disk.log.length > this.disk.synced) this.startFsync(now);
    this.flushAgain = false;
    if (this.disk.synced > 0) this.run(now, this.peer.onLogSynced(now, this.disk.log[this.disk.synced - 1].zxid));
  }

  private step(): Step<ZabSimMessage> {
    let wakeAt = this.peer.wakeAt;
    if (this.fsync && (wakeAt === null || this.fsync.doneAt < wakeAt)) wakeAt = this.fsync.doneAt;
    const step = { send: this.send, wakeAt, events: this.events };
    this.send = [];
    this.events = [];
    return step;
  }
}

/** One message in one line, for traces. */
export function describeZabMessage(msg: ZabSimMessage): string {
  switch (msg.kind) {
    case 'fle': {
      try {
        const n = decodeNotification(msg.bytes);
        return `FLE ${stateName(n.state)} leader=${n.leader} zxid=${hex(n.zxid)} round=${n.electionEpoch} peerEpoch=${n.peerEpoch}`;
      } catch (e) {
        return `FLE malformed (${(e as Error).message})`;
      }
    }
    case 'q': return `${msg.dir} c${msg.conn}#${msg.seq} ${describePacket(decodeQuorumPacket(msg.packet))}`;
    case 'fin': return `${msg.dir} c${msg.conn}#${msg.seq} FIN`;
    case 'rst': return `${msg.dir} c${msg.conn} RST`;
    case 'write': return `write ${msg.id}`;
    case 'written': return `written ${msg.id} at ${hexZxid(msg.zxid)}`;
    case 'failed': return `failed ${msg.id}`;
  }
}
