// The network of one ensemble server (QuorumCnxManager + the quorum port): election notifications
// over the election transport, the learner connections a leader accepts on its quorum port, and
// the one connection a learner opens to its leader. Every quorum packet sent or received is an
// event-log line (the lab's ZAB timeline draws them); election notifications are logged by the
// election machine itself.

import type { ServerConfig } from '../config';
import { ElectionTransport } from '../election/election-transport';
import type { NotificationMessage } from '../election/notification-codec';
import type { EventLog } from '../events';
import { decodeLearnerInfo } from '../zab/payloads';
import { PacketType, packetFields, type DecodeLimits, type QuorumPacket } from '../zab/quorum-packet';
import { QuorumConnection, QuorumServer, connectQuorum } from '../zab/quorum-socket';
import type { ZabAction } from '../zab/actions';

export interface QuorumLinkHandlers {
  election(sid: number, message: NotificationMessage): void;
  learnerPacket(sid: number, p: QuorumPacket): void;
  learnerClosed(sid: number): void;
  leaderPacket(p: QuorumPacket): void;
  leaderClosed(): void;
}

type ElectionMessage = Extract<ZabAction, { kind: 'electionSend' }>['message'];

/** Our connection to the leader: packets wait here until TCP connects. */
interface LeaderLink {
  sid: number;
  conn: QuorumConnection | null;
  queue: QuorumPacket[];
  closed: boolean;
}

export class QuorumLinks {
  private readonly election: ElectionTransport;
  private readonly quorum: QuorumServer;
  private readonly learners = new Map<number, QuorumConnection>();
  private leader: LeaderLink | null = null;
  private readonly limits: DecodeLimits;
  private closed = false;

  constructor(private readonly config: ServerConfig, private readonly myId: number, private readonly events: EventLog,
    private readonly on: QuorumLinkHandlers) {
    const me = config.servers.find((s) => s.id === myId);
    if (!me) throw new Error(`myid ${myId} has no server.${myId} line in ${config.file}`);
    this.limits = { maxBuffer: config.juteMaxBuffer };
    this.election = new ElectionTransport({
      mySid: myId, host: me.host, port: me.electionPort,
      peers: config.servers.filter((s) => s.id !== myId).map((s) => ({ sid: s.id, host: s.host, port: s.electionPort })),
    });
    this.election.onMessage((sid, m) => this.on.election(sid, m));
    this.election.onLink((sid, up, direction) => this.events.emit('election.link', { peer: sid, up, direction }));
    this.quorum = new QuorumServer({ host: me.host, port: me.quorumPort, limits: this.limits });
    this.quorum.onConnection((c) => this.accept(c));
  }

  async start(): Promise<void> {
    await this.quorum.listen();
    await this.election.start();
  }

  electionSend(to: number, message: ElectionMessage): void {
    this.election.send(to, message);
  }

  // --- the learner's side ---------------------------------------------------------------------

  connectLeader(sid: number): void {
    this.closeLeader();
    const target = this.config.servers.find((s) => s.id === sid);
    const link: LeaderLink = { sid, conn: null, queue: [], closed: false };
    this.leader = link;
    if (!target) {
      queueMicrotask(() => this.leaderGone(link));
      return;
    }
    // One attempt: the learner machine retries on its own clock while the leader may still be electing.
    connectQuorum({ host: target.host, port: target.quorumPort, attempts: 1, limits: this.limits }).then(
      (conn) => {
        if (link.closed || this.closed) {
          conn.destroy();
          return;
        }
        link.conn = conn;
        conn.onPacket((p) => {
          if (link.closed) return;
          this.logPacket('zab.received', sid, p);
          this.on.leaderPacket(p);
        });
        conn.onClose(() => this.leaderGone(link));
        for (const p of link.queue.splice(0)) conn.send(p);
      },
      () => this.leaderGone(link),
    );
  }

  sendLeader(p: QuorumPacket): void {
    const link = this.leader;
    if (!link || link.closed) return;
    this.logPacket('zab.sent', link.sid, p);
    if (link.conn) link.conn.send(p);
    else link.queue.push(p);
  }

  closeLeader(): void {
    const link = this.leader;
    if (!link) return;
    link.closed = true;
    this.leader = null;
    link.conn?.close();
  }

  private leaderGone(link: LeaderLink): void {
    if (link.closed) return;
    link.closed = true;
    if (this.leader === link) this.leader = null;
    if (!this.closed) this.on.leaderClosed();
  }

  // --- the leader's side ----------------------------------------------------------------------

  /** A learner names itself in its first packet (FOLLOWERINFO/OBSERVERINFO); until then it has no sid. */
  private accept(conn: QuorumConnection): void {
    let sid: number | null = null;
    conn.onPacket((p) => {
      if (sid === null) {
        const info = p.type === PacketType.FOLLOWERINFO || p.type === PacketType.OBSERVERINFO ? decodeLearnerInfo(p.data) : null;
        if (!info) {
          this.events.emit('zab.refused', { remote: conn.remoteAddress, reason: 'first packet is not FOLLOWERINFO/OBSERVERINFO' });
          conn.destroy();
          return;
        }
        sid = Number(info.serverId);
        const old = this.learners.get(sid);
        if (old) {
          // A learner that reconnects replaces its old connection, whose end the leader hears first.
          this.learners.delete(sid);
          old.destroy();
          this.on.learnerClosed(sid);
        }
        this.learners.set(sid, conn);
      }
      if (this.learners.get(sid) !== conn) return;
      this.logPacket('zab.received', sid, p);
      this.on.learnerPacket(sid, p);
    });
    conn.onClose(() => {
      if (sid === null || this.learners.get(sid) !== conn) return;
      this.learners.delete(sid);
      if (!this.closed) this.on.learnerClosed(sid);
    });
  }

  sendLearner(sid: number, p: QuorumPacket): void {
    const conn = this.learners.get(sid);
    if (!conn) return;
    this.logPacket('zab.sent', sid, p);
    conn.send(p);
  }

  closeLearner(sid: number): void {
    const conn = this.learners.get(sid);
    if (!conn) return;
    this.learners.delete(sid);
    conn.close();
  }

  /** Sends queued on a learner's connection, not yet written: a slow follower shows here. */
  queuedFor(sid: number): number {
    return this.learners.get(sid)?.queued ?? 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.closeLeader();
    await Promise.all([this.quorum.close(), this.election.close()]);
  }

  private logPacket(type: 'zab.sent' | 'zab.received', peer: number, p: QuorumPacket): void {
    this.events.emit(type, { peer, ...packetFields(p) });
  }
}
