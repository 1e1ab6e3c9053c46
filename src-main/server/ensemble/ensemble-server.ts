// One server of a replicated ensemble (QuorumPeer with its Leader/Follower/ObserverZooKeeperServer):
// the client side of ServerBase, with writes going through ZAB. The pure ZabPeer decides; this
// class performs its actions in order — the network (QuorumLinks), the disk (ZKDatabase, epoch
// files) and the data tree — and feeds it packets, fsync reports and clock ticks.
//
// Writes: on the leader a request is prepped into a txn and proposed; on a learner it is
// forwarded (REQUEST) and answered when its commit is applied here, matched by session and cxid.
// The leader owns session expiry; learners report their sessions' activity in PINGs.

import { JuteReader, OpCode } from '../../protocol';
import type { ServerConfig } from '../config';
import { hexZxid, type EventLog } from '../events';
import { QuorumMaj } from '../election/quorum';
import { monotonic, ServerBase, type Applied, type MonitoringHandlers, type ServerLog, type WriteSubmission } from '../core/server-base';
import type { ServerMode } from '../core/monitored-server';
import { decodeWrite } from '../core/request-codec';
import type { LeaderFacts } from '../monitor';
import { BufferStats } from '../net/stats';
import { decodeTxnEntry, encodeTxnEntry, type TxnEntry } from '../txn/records';
import type { RequestPreparer } from '../txn/prep';
import type { WriteRequest } from '../txn/write-request';
import type { LogEntry, ZabAction, ZabOutput } from '../zab/actions';
import type { ForwardedRequest } from '../zab/payloads';
import { ZabPeer } from '../zab/peer';
import { PacketType, packet } from '../zab/quorum-packet';
import { DEFAULT_COMMIT_LOG_COUNT } from '../zab/store';
import { epochOf } from '../zab/zxid';
import { ACCEPTED_EPOCH_FILE, CURRENT_EPOCH_FILE, readEpochFile, writeEpochFile } from './epoch-files';
import { ActionQueue } from './action-queue';
import { LearnerWaits } from './learner-waits';
import { QuorumLinks } from './quorum-links';

interface Proposed {
  entry: TxnEntry;
  requestType: number;
  /** Set when a client of this server waits for the txn. */
  resolve?: (a: Applied) => void;
  /** sync requests answered once this txn is applied. */
  syncs: Array<() => void>;
}

type LearnerRequest = Extract<ZabAction, { kind: 'learnerRequest' }>;

export class EnsembleServer extends ServerBase {
  private peer!: ZabPeer;
  private links!: QuorumLinks;
  private preparer: RequestPreparer | null = null;
  /** Leader: the txns proposed here, until applied. */
  private readonly proposed = new Map<bigint, Proposed>();
  /** Learner: what this server's clients wait for from the leader. */
  private readonly waits = new LearnerWaits();
  /** Logged txns not yet applied, oldest first (fastForward applies them when the role ends). */
  private unapplied: LogEntry[] = [];
  private lastAppend: { zxid: bigint; durable: Promise<void> } = { zxid: 0n, durable: Promise.resolve() };
  private readonly actions = new ActionQueue<ZabAction>(
    (a) => this.perform(a),
    () => this.proposeNextLearnerRequest(),
    (a, err) => this.fatal(`${a.kind} failed: ${(err as Error).message}`),
  );
  private readonly learnerRequests: LearnerRequest[] = [];
  private timer: NodeJS.Timeout | null = null;
  private timerAt = 0;
  private housekeeping: NodeJS.Timeout[] = [];
  private isServing = false;
  private stopped = false;
  private leadingSince = 0;
  private readonly proposalSizes = new BufferStats();

  constructor(config: ServerConfig, monitoring: MonitoringHandlers, events: EventLog, log: ServerLog) {
    super(config, monitoring, events, log);
    if (config.myid === null) throw new Error(`${config.dataDir}/myid is missing: every server of an ensemble needs its id there`);
  }

  async start(): Promise<void> {
    const { config } = this;
    const capacity = Number(config.properties.get('zookeeper.commitLogCount') ?? DEFAULT_COMMIT_LOG_COUNT);
    let recent: LogEntry[] = [];
    let dropped: bigint | null = null;
    const last = await this.db.load((zxid, txn) => {
      recent.push({ zxid, txn });
      if (recent.length >= 2 * capacity) {
        dropped = recent[recent.length - capacity - 1].zxid;
        recent = recent.slice(-capacity);
      }
    });
    const base = dropped ?? this.db.lastSnapshot?.zxid ?? 0n;
    recent = recent.filter((e) => e.zxid > base);
    // QuorumPeer.loadDataBase: without the epoch files, the epoch of the last zxid is both.
    const epochOr = (name: string) => {
      const e = readEpochFile(config.dataDir, name);
      if (e !== null) return e;
      writeEpochFile(config.dataDir, name, epochOf(last));
      return epochOf(last);
    };
    const currentEpoch = epochOr(CURRENT_EPOCH_FILE);
    const acceptedEpoch = epochOr(ACCEPTED_EPOCH_FILE);
    const participants = config.servers.filter((s) => s.role === 'participant').map((s) => s.id);
    const observers = config.servers.filter((s) => s.role === 'observer').map((s) => s.id);
    this.peer = new ZabPeer({
      myId: this.serverId,
      quorum: new QuorumMaj(participants, observers),
      tickMs: config.tickTime, initLimit: config.initLimit, syncLimit: config.syncLimit,
      commitLogCount: capacity,
      touches: () => this.waits.takeTouches(),
    }, { acceptedEpoch, currentEpoch, recent, base });
    this.links = new QuorumLinks(config, this.serverId, this.events, {
      election: (sid, m) => this.run(this.peer.onElectionMessage(monotonic(), sid, m)),
      learnerPacket: (sid, p) => this.run(this.peer.onLearnerPacket(monotonic(), sid, p)),
      learnerClosed: (sid) => this.run(this.peer.onLearnerClosed(monotonic(), sid)),
      leaderPacket: (p) => this.run(this.peer.onLeaderPacket(monotonic(), p)),
      leaderClosed: () => this.run(this.peer.onLeaderClosed(monotonic())),
    });
    await this.links.start();
    this.events.emit('state', { state: 'started', mode: 'quorum', zxid: hexZxid(last), epoch: Number(currentEpoch) });
    this.run(this.peer.start(monotonic()));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.actions.close();
    if (this.timer) clearTimeout(this.timer);
    this.setServing(false);
    await this.links?.close();
    await this.db.close();
    this.events.emit('state', { state: 'stopped' });
  }

  // --- what monitoring reads ------------------------------------------------------------------

  protected get serving(): boolean {
    return this.isServing;
  }

  get mode(): ServerMode | null {
    if (!this.isServing) return null;
    return this.peer.role === 'leading' ? 'leader' : this.peer.role === 'observing' ? 'observer' : 'follower';
  }

  /** QuorumPeer.ZabState (admin zabstate): election, discovery, synchronization or broadcast. */
  get zabState(): string {
    const phase = this.peer?.phase ?? 'election';
    if (phase === 'sync') return 'synchronization';
    if (phase === 'connecting' || phase === 'epochAck') return 'discovery';
    return phase === 'stopped' ? 'election' : phase;
  }

  get leaderId(): number | null {
    return this.peer?.learner?.leaderId ?? (this.peer?.role === 'leading' ? this.serverId : null);
  }

  get leader(): LeaderFacts | null {
    const leader = this.peer?.leader;
    if (!leader || !this.isServing) return null;
    let syncedFollowers = 0;
    let syncedObservers = 0;
    for (const h of leader.learners.all()) {
      if (h.stage !== 'broadcast') continue;
      if (h.observer) syncedObservers++;
      else syncedFollowers++;
    }
    return {
      learners: leader.learners.size, syncedFollowers, syncedNonVotingFollowers: 0, syncedObservers,
      pendingSyncs: leader.pendingSyncCount, leadingSince: this.leadingSince, proposalSizes: this.proposalSizes,
    };
  }

  // --- sessions -------------------------------------------------------------------------------

  protected touch(sessionId: bigint, timeOut: number): void {
    this.sessions.touchSession(sessionId, timeOut, monotonic());
    if (this.peer.role !== 'leading') this.waits.touch(sessionId, timeOut);
  }

  /**
   * A client moving its session here: the leader decides (Learner.validateSession). Without a
   * leader to ask, the connection is refused rather than told its session expired.
   */
  protected resumeSession(sessionId: bigint, timeOut: number): Promise<boolean> | boolean {
    if (this.peer.role === 'leading') return this.sessions.touchSession(sessionId, timeOut, monotonic());
    return new Promise<boolean>((resolve, reject) => {
      const out = this.peer.revalidate(monotonic(), sessionId, timeOut);
      if (!out.sent) reject(new Error('no leader to validate the session with'));
      else {
        this.waits.addRevalidation(sessionId, (valid) => {
          if (valid === null) return reject(new Error('the leader went away while validating the session'));
          if (valid) this.sessions.trackSession(sessionId, timeOut, monotonic());
          resolve(valid);
        });
      }
      this.run(out);
    });
  }

  // --- writes ---------------------------------------------------------------------------------

  protected submit(req: WriteSubmission): Promise<Applied> {
    return new Promise<Applied>((resolve) => {
      if (this.isServing && this.peer.role === 'leading') {
        if (this.propose(req, resolve)) return;
      } else if (this.isServing) {
        const request: ForwardedRequest = { sessionId: req.sessionId, cxid: req.cxid, type: req.type, body: forwardedBody(req) };
        const out = this.peer.forward(monotonic(), request, req.authInfo ? [...req.authInfo] : null);
        if (out.forwarded) this.waits.addWrite(req.sessionId, req.cxid, { requestType: req.type, resolve });
        this.run(out);
        if (out.forwarded) return;
      }
      // No leader to take it: the client loses its connection, as ZooKeeper's clients do.
      this.net.closeSession(req.sessionId, 'the server is not serving: no leader');
    });
  }

  /** Leader: preps the txn with the zxid ZAB assigns and proposes it; false when not leading. */
  private propose(req: WriteSubmission, resolve?: (a: Applied) => void): boolean {
    const preparer = this.preparer;
    if (!preparer) return false;
    let entry: TxnEntry | null = null;
    const out = this.peer.propose(monotonic(), (zxid) => {
      entry = preparer.prepare({ authInfo: [], ...req }, zxid, Date.now(), monotonic());
      const txn = encodeTxnEntry(entry);
      this.proposalSizes.set(txn.length);
      return txn;
    });
    if (out.zxid !== null && entry) this.proposed.set(out.zxid, { entry, requestType: req.type, resolve, syncs: [] });
    this.run(out);
    return out.zxid !== null;
  }

  /** A request a learner forwarded (LearnerHandler REQUEST → the leader's PrepRequestProcessor). */
  private proposeForLearner({ from, request, authinfo }: LearnerRequest): void {
    if (!this.preparer) return;
    if (request.type === OpCode.sync) {
      this.run(this.peer.processSync(monotonic(), from));
      return;
    }
    let write: WriteRequest | null;
    if (request.type === OpCode.createSession) {
      const timeOut = request.body.length >= 4 ? request.body.readInt32BE(0) : this.config.minSessionTimeout;
      this.sessions.trackSession(request.sessionId, timeOut, monotonic());
      write = { type: OpCode.createSession, timeOut };
    } else {
      write = decodeWrite(request.type, new JuteReader(request.body));
    }
    this.propose({ sessionId: request.sessionId, cxid: request.cxid, type: request.type, request: write, authInfo: authinfo ?? [] });
  }

  /** sync: the leader answers once what it proposed so far is applied; a learner asks the leader. */
  protected override syncPoint(sessionId: bigint, cxid: number, body: JuteReader): Promise<void> | undefined {
    if (this.peer.role === 'leading') {
      const last = [...this.proposed.values()].pop();
      return last ? new Promise((resolve) => last.syncs.push(resolve)) : undefined;
    }
    return new Promise((resolve) => {
      const request = { sessionId, cxid, type: OpCode.sync, body: Buffer.from(body.buf.subarray(body.pos, body.end)) };
      const out = this.peer.forward(monotonic(), request);
      if (out.forwarded) this.waits.addSync(resolve);
      else this.net.closeSession(sessionId, 'the server is not serving: no leader');
      this.run(out);
    });
  }

  // --- performing ZAB's actions ---------------------------------------------------------------

  /** Takes a ZabPeer output: its events go to the event log, its actions run in order. */
  private run(out: ZabOutput): void {
    for (const e of out.events) this.events.emit(e.type, e.fields);
    this.actions.push(out.actions);
    this.schedule();
  }

  /** Forwarded requests are proposed once every queued action has run; false when there is none. */
  private proposeNextLearnerRequest(): boolean {
    const r = this.learnerRequests.shift();
    if (!r) return false;
    this.proposeForLearner(r);
    return true;
  }

  private perform(a: ZabAction): Promise<void> | void {
    switch (a.kind) {
      case 'electionSend': return this.links.electionSend(a.to, a.message);
      case 'connectLeader': return this.links.connectLeader(a.to);
      case 'sendLeader': return this.links.sendLeader(a.packet);
      case 'closeLeader': return this.links.closeLeader();
      case 'sendLearner': return this.links.sendLearner(a.to, a.packet);
      case 'closeLearner': return this.links.closeLearner(a.to);
      case 'sendSnapshot':
        if (this.db.lastProcessedZxid !== a.zxid) {
          return this.fatal(`SNAP at ${hexZxid(a.zxid)} but the state is at ${hexZxid(this.db.lastProcessedZxid)}`);
        }
        return this.links.sendLearner(a.to, packet(PacketType.SNAP, a.zxid, this.db.snapshotBody()));
      case 'setAcceptedEpoch': return writeEpochFile(this.config.dataDir, ACCEPTED_EPOCH_FILE, a.epoch);
      case 'setCurrentEpoch': return writeEpochFile(this.config.dataDir, CURRENT_EPOCH_FILE, a.epoch);
      case 'append': {
        const { zxid, txn } = a.entry;
        this.unapplied.push(a.entry);
        const durable = this.db.appendEncoded(zxid, txn);
        durable.catch((err) => this.dieOnLogFailure(zxid, err));
        this.lastAppend = { zxid, durable };
        return;
      }
      case 'flush': {
        const { zxid, durable } = this.lastAppend;
        durable.then(() => this.run(this.peer.onLogSynced(monotonic(), zxid)), () => {});
        return;
      }
      case 'truncate':
        return this.reload(() => this.db.truncate(a.zxid).then(() => {}));
      case 'installSnapshot':
        return this.reload(() => this.db.installSnapshot(a.zxid, a.snapshot));
      case 'deliver': return this.deliverCommitted(a.entry);
      case 'fastForward': {
        for (const e of this.unapplied.splice(0)) this.applyLogged(e);
        return;
      }
      case 'learnerRequest': this.learnerRequests.push(a); return;
      case 'touchSessions': {
        const now = monotonic();
        for (const t of a.touches) this.sessions.touchSession(t.sessionId, t.timeout, now);
        return;
      }
      case 'revalidateSession': {
        const valid = this.sessions.touchSession(a.sessionId, a.timeout, monotonic());
        return this.run(this.peer.revalidateReply(monotonic(), a.from, a.sessionId, valid));
      }
      case 'sessionRevalidated': return this.waits.revalidated(a.sessionId, a.valid);
      case 'syncDone': return this.waits.syncDone();
      case 'serving': return this.setServing(a.serving);
    }
  }

  /** The state is rebuilt from the disk: nothing logged is waiting to be applied any more. */
  private async reload(work: () => Promise<void>): Promise<void> {
    this.sessions.clear();
    await work();
    this.unapplied = [];
    this.events.emit('zab.reloaded', { zxid: hexZxid(this.db.lastProcessedZxid) });
  }

  /** A committed txn, in zxid order: applied, and answered if a client here waits for it. */
  private deliverCommitted(logged: LogEntry): void {
    while (this.unapplied.length > 0 && this.unapplied[0].zxid <= logged.zxid) this.unapplied.shift();
    const mine = this.proposed.get(logged.zxid);
    if (mine) {
      this.proposed.delete(logged.zxid);
      const result = this.applyEntry(mine.entry, mine.requestType, this.preparer?.changes);
      mine.resolve?.({ entry: mine.entry, requestType: mine.requestType, result });
      for (const s of mine.syncs) s();
      if (!mine.resolve) this.closeEndedSession(mine.entry, mine.requestType);
      return;
    }
    const entry = decodeTxnEntry(logged.txn);
    const waiting = this.waits.takeWrite(entry.header.clientId, entry.header.cxid);
    const requestType = waiting?.requestType ?? entry.header.type;
    const result = this.applyEntry(entry, requestType);
    if (waiting) waiting.resolve({ entry, requestType, result });
    else this.closeEndedSession(entry, requestType);
  }

  /** fastForward: a logged txn applied when the role ends, as ZKDatabase.fastForwardDataBase does. */
  private applyLogged(logged: LogEntry): void {
    if (logged.zxid <= this.db.lastProcessedZxid) return;
    const entry = decodeTxnEntry(logged.txn);
    this.applyEntry(entry, entry.header.type);
  }

  /** A session closed by expiry (or by a client elsewhere) loses its connection here too. */
  private closeEndedSession(entry: TxnEntry, requestType: number): void {
    if (requestType === OpCode.closeSession) this.net.closeSession(entry.header.clientId, 'session expired');
  }

  private setServing(on: boolean): void {
    if (on === this.isServing) return;
    this.isServing = on;
    if (on) {
      if (this.peer.role === 'leading') this.startLeading();
      this.events.emit('state', { state: 'serving', mode: this.mode ?? '', zxid: hexZxid(this.db.lastProcessedZxid) });
      this.log('info', `serving as ${this.mode} in epoch ${this.peer.store.currentEpoch}`);
      return;
    }
    for (const t of this.housekeeping) clearInterval(t);
    this.housekeeping = [];
    this.preparer = null;
    this.proposed.clear();
    this.waits.clear();
    // QuorumPeer shuts its ZooKeeperServer down: every client reconnects elsewhere or waits.
    for (const c of this.net?.connections() ?? []) if (c.sessionId !== 0n) c.close('the server is not serving: no leader or no quorum');
    this.events.emit('state', { state: 'not serving' });
    if (!this.stopped) this.log('info', 'not serving: no leader or no quorum');
  }

  /** The new leader owns every committed session from now on, with a full timeout each. */
  private startLeading(): void {
    this.preparer = this.newPreparer();
    this.leadingSince = Date.now();
    const now = monotonic();
    for (const [id, timeout] of this.db.sessionsWithTimeout) this.sessions.trackSession(id, timeout, now);
    this.housekeeping = this.startHousekeeping();
  }

  /** One timer, set for the machine's next deadline. */
  private schedule(): void {
    if (this.stopped) return;
    const at = this.peer.wakeAt;
    if (at === null) return;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.run(this.peer.onTick(monotonic()));
    }, Math.max(0, Math.ceil(at - monotonic())));
  }

  private fatal(message: string): void {
    this.log('error', `${message}; shutting down`);
    process.exitCode = 1;
    process.kill(process.pid, 'SIGTERM');
  }
}

/** What a learner forwards as the request's bytes: ZooKeeper's own encoding for the session ops. */
function forwardedBody(req: WriteSubmission): Buffer {
  if (req.type === OpCode.createSession && req.request?.type === OpCode.createSession) {
    const b = Buffer.allocUnsafe(4);
    b.writeInt32BE(req.request.timeOut, 0);
    return b;
  }
  return req.body ?? Buffer.alloc(0);
}
