// One standalone ZooKeeper node (ZooKeeperServer with its Prep → Sync → Final processors): the
// ServerCore the network layer calls. Writes are prepped into txns in arrival order, appended to
// the log (group-committed fsync), applied to the tree in zxid order, then answered in each
// session's own order; reads are answered from the tree behind the session's earlier requests.

import {
  AuthPacketCodec, ErrorCode, OpCode, Xid, type ConnectRequest, type ConnectResponse, type JuteReader, type RequestHeader,
} from '../../protocol';
import { AuthInfo, type AclPolicy } from '../acl/acl';
import { javaHostAddress } from '../acl/providers';
import { defaultProviders } from '../acl/providers';
import type { ServerConfig } from '../config';
import { EventLog, hexZxid } from '../events';
import { elapsedMs } from '../net/stats';
import type { AdminCommandResult, ClientConnection, NetServer, ServerCore } from '../net/types';
import { checkPasswd, generatePasswd, negotiateSessionTimeout } from '../session/session-id';
import { SessionTracker } from '../session/session-tracker';
import { containerCandidates } from '../tree/containers';
import { processRead } from '../tree/reads';
import { mayDeliver, type WatchNotification } from '../watch/notification';
import { applyTxn, writeReply } from '../txn/apply';
import type { ApplyResult } from '../tree/process-txn';
import { RequestPreparer } from '../txn/prep';
import type { TxnEntry } from '../txn/records';
import { needsTxn, type PrepRequest, type WriteRequest } from '../txn/write-request';
import type { MonitoredServer, ServerMode } from './monitored-server';
import { shortOpName } from './op-names';
import { ReplyOrder } from './reply-order';
import { decodeRead, decodeWrite, writeReadBody, writeReplyBody } from './request-codec';
import { ZKDatabase } from './zk-database';

export type ServerLog = (level: 'info' | 'warn' | 'error', message: string) => void;

/** What answers monitoring requests; set by the server's assembly (monitor/). */
export interface MonitoringHandlers {
  fourLetterWord(server: MonitoredServer, word: string, asking: ClientConnection, traceMask?: bigint): string;
  adminCommand(server: MonitoredServer, name: string, params: URLSearchParams): AdminCommandResult | null;
  adminCommandNames(): readonly string[];
}

interface Applied {
  entry: TxnEntry;
  requestType: number;
  result: ApplyResult<ClientConnection>;
}

const monotonic = (): number => performance.now();

export class StandaloneServer implements ServerCore, MonitoredServer {
  readonly db: ZKDatabase;
  readonly sessions: SessionTracker;
  readonly startedAt = Date.now();
  readonly serverId: number;
  net!: NetServer;
  private readonly preparer: RequestPreparer;
  private readonly policy: AclPolicy;
  private readonly superDigest: string | undefined;
  private readonly auth = new WeakMap<ClientConnection, AuthInfo>();
  private readonly order = new WeakMap<ClientConnection, ReplyOrder>();
  private nextZxid = 1n;
  /** Txns appended and not yet applied, in zxid order; applied strictly from the head. */
  private readonly applyQueue: Array<{ zxid: bigint; durable: boolean; done: () => void }> = [];
  private timers: NodeJS.Timeout[] = [];
  private serving = false;

  constructor(
    readonly config: ServerConfig,
    private readonly monitoring: MonitoringHandlers,
    readonly events: EventLog,
    private readonly log: ServerLog,
  ) {
    // A standalone ZooKeeper server makes session ids with server id 1 (createSessionTrackerServerId).
    this.serverId = config.myid ?? 1;
    this.db = new ZKDatabase(config, (level, m) => log(level, m), (zxid, file) => events.emit('snapshot', { zxid: hexZxid(zxid), file }));
    this.superDigest = config.properties.get('zookeeper.DigestAuthenticationProvider.superDigest');
    this.policy = { skipACL: config.properties.get('zookeeper.skipACL') === 'yes', providers: defaultProviders() };
    this.sessions = new SessionTracker({ tickTime: config.tickTime, serverId: this.serverId, now: monotonic(), extendedTypesEnabled: config.extendedTypesEnabled });
    this.preparer = new RequestPreparer(this.db.tree, this.sessions, {
      aclPolicy: this.policy,
      reconfigEnabled: config.reconfigEnabled,
      enforceQuota: config.properties.get('zookeeper.enforceQuota') === 'true',
    });
  }

  /** Recovers the database and starts the session, container and purge timers. */
  async start(): Promise<void> {
    const last = await this.db.load();
    this.nextZxid = last + 1n;
    const now = monotonic();
    for (const [id, timeout] of this.db.sessionsWithTimeout) {
      this.sessions.trackSession(id, timeout, now);
      this.sessions.commitSession(id, timeout);
    }
    this.events.emit('state', { state: 'serving', mode: 'standalone', zxid: hexZxid(last) });
    this.serving = true;
    this.timers.push(setInterval(() => this.expireSessions(), Math.max(10, Math.floor(this.config.tickTime / 2))));
    // ContainerManager reads the JVM property znode.container.checkIntervalMs (-D in SERVER_JVMFLAGS).
    const props = this.config.properties;
    const containerEvery = Number(props.get('znode.container.checkIntervalMs') ?? props.get('zookeeper.znode.container.checkIntervalMs') ?? 60_000);
    this.timers.push(setInterval(() => this.deleteEmptyContainers(), containerEvery));
    if (this.config.purgeIntervalHours > 0) {
      this.timers.push(setInterval(() => void this.db.purge(), this.config.purgeIntervalHours * 3_600_000));
    }
    for (const t of this.timers) t.unref();
  }

  async stop(): Promise<void> {
    this.serving = false;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.db.close();
    this.events.emit('state', { state: 'stopped' });
  }

  // --- MonitoredServer ------------------------------------------------------------------------

  get mode(): ServerMode | null {
    return this.serving ? 'standalone' : null;
  }
  get tree() {
    return this.db.tree;
  }
  get lastProcessedZxid(): bigint {
    return this.db.lastProcessedZxid;
  }
  get lastSnapshot() {
    return this.db.lastSnapshot;
  }
  get fsyncStats() {
    return this.db.fsyncStats;
  }
  dataDirSize(): number {
    return this.db.dirSize('data');
  }
  logDirSize(): number {
    return this.db.dirSize('log');
  }

  // --- ServerCore -----------------------------------------------------------------------------

  connect(cnxn: ClientConnection, req: ConnectRequest): Promise<ConnectResponse> | ConnectResponse {
    if (!this.serving) throw new Error('the server is not serving requests yet');
    const timeOut = negotiateSessionTimeout(req.timeOut, this.config);
    this.auth.set(cnxn, new AuthInfo([{ scheme: 'ip', id: javaHostAddress(cnxn.remote.address) }]));
    this.order.set(cnxn, new ReplyOrder((err) => this.log('error', `reply failed: ${(err as Error).stack}`)));
    if (req.sessionId !== 0n) return this.reconnect(cnxn, req, timeOut);
    const receivedAt = elapsedMs();
    const sessionId = this.sessions.createSession(timeOut, monotonic());
    const done = this.submit({ sessionId, cxid: 0, type: OpCode.createSession, request: { type: OpCode.createSession, timeOut } });
    return done.then((a) => {
      cnxn.requestCompleted('SESS', 0, a.entry.header.zxid, receivedAt);
      this.events.emit('session', { event: 'created', session: hexZxid(sessionId), timeout: timeOut, peer: `${cnxn.remote.address}:${cnxn.remote.port}` });
      return { protocolVersion: 0, timeOut, sessionId, passwd: generatePasswd(sessionId), readOnly: false };
    });
  }

  private reconnect(cnxn: ClientConnection, req: ConnectRequest, timeOut: number): ConnectResponse {
    const sessionId = req.sessionId;
    const valid = checkPasswd(sessionId, req.passwd) && this.sessions.touchSession(sessionId, timeOut, monotonic());
    if (!valid) {
      this.events.emit('session', { event: 'refused', session: hexZxid(sessionId) });
      return { protocolVersion: 0, timeOut: 0, sessionId: 0n, passwd: Buffer.alloc(16), readOnly: false };
    }
    this.events.emit('session', { event: 'reconnected', session: hexZxid(sessionId) });
    return { protocolVersion: 0, timeOut, sessionId, passwd: generatePasswd(sessionId), readOnly: false };
  }

  request(cnxn: ClientConnection, header: RequestHeader, body: JuteReader, receivedAt: number): void {
    const sessionId = cnxn.sessionId;
    this.sessions.touchSession(sessionId, cnxn.sessionTimeout, monotonic());
    if (header.type === OpCode.auth) return this.authenticate(cnxn, header, body);
    const order = this.order.get(cnxn)!;
    if (header.type === OpCode.ping || header.type === OpCode.sasl) {
      const err = header.type === OpCode.sasl ? ErrorCode.UNIMPLEMENTED : 0;
      order.schedule(() => this.reply(cnxn, header, receivedAt, this.db.lastProcessedZxid, err));
      return;
    }
    if (needsTxn(header.type)) {
      const request = decodeWrite(header.type, body);
      // PrepRequestProcessor decodes a reconfig before it draws a zxid: a bad one costs no txn.
      if (request === null && header.type === OpCode.reconfig) {
        order.schedule(() => this.reply(cnxn, header, receivedAt, this.db.lastProcessedZxid, ErrorCode.MARSHALLINGERROR));
        return;
      }
      const done = this.submit({ sessionId, cxid: header.xid, type: header.type, request, authInfo: this.auth.get(cnxn)!.list });
      let applied: Applied | null = null;
      order.schedule(() => this.answerWrite(cnxn, header, receivedAt, applied!), done.then((a) => { applied = a; }));
      return;
    }
    order.schedule(() => this.answerRead(cnxn, header, body, receivedAt));
  }

  disconnected(cnxn: ClientConnection, reason: string): void {
    this.db.tree.removeWatcher(cnxn);
    this.events.emit('connection', { event: 'closed', session: hexZxid(cnxn.sessionId), reason });
  }

  fourLetterWord(word: string, cnxn: ClientConnection, traceMask?: bigint): string {
    return this.monitoring.fourLetterWord(this, word, cnxn, traceMask);
  }

  admin(command: string, params: URLSearchParams): AdminCommandResult | null {
    return this.monitoring.adminCommand(this, command, params);
  }

  adminCommands(): readonly string[] {
    return this.monitoring.adminCommandNames();
  }

  // --- the write path -------------------------------------------------------------------------

  /**
   * Prep → log → apply for one write (from a client, or the server's own: expiry, containers).
   * The returned promise resolves once the txn is durable and applied (in zxid order, whatever
   * session it came from); it never rejects.
   */
  private submit(req: Omit<PrepRequest, 'authInfo'> & { authInfo?: PrepRequest['authInfo'] }): Promise<Applied> {
    const zxid = this.nextZxid++;
    const entry = this.preparer.prepare({ authInfo: [], ...req }, zxid, Date.now(), monotonic());
    const slot = { zxid, durable: false, done: () => {} };
    const done = new Promise<Applied>((resolve) => {
      slot.done = () => resolve({ entry, requestType: req.type, result: this.apply(entry, req.type) });
    });
    this.applyQueue.push(slot);
    this.db.append(entry).then(
      () => {
        slot.durable = true;
        this.drainApplyQueue();
      },
      (err) => {
        // A txn that cannot be made durable must not be applied or acknowledged: stop serving.
        this.log('error', `cannot write txn ${hexZxid(zxid)} to the log: ${(err as Error).message}; shutting down`);
        process.exitCode = 1;
        process.kill(process.pid, 'SIGTERM');
      },
    );
    return done;
  }

  private drainApplyQueue(): void {
    while (this.applyQueue.length > 0 && this.applyQueue[0].durable) {
      const slot = this.applyQueue.shift()!;
      slot.done();
    }
  }

  /** Applies a durable txn (called in zxid order only) and delivers its watch events. */
  private apply(entry: TxnEntry, requestType: number): ApplyResult<ClientConnection> {
    const result = applyTxn(this.db.tree, entry, { sessions: this.sessions, changes: this.preparer.changes, requestType });
    this.db.tree.lastProcessedZxid = entry.header.zxid;
    this.deliver(result.events);
    const session = hexZxid(entry.header.clientId);
    this.events.emit('txn', { zxid: hexZxid(entry.header.zxid), op: shortOpName(entry.header.type), session, err: result.err });
    if (requestType === OpCode.closeSession) this.events.emit('session', { event: 'closed', session });
    return result;
  }

  private answerWrite(cnxn: ClientConnection, header: RequestHeader, receivedAt: number, a: Applied): void {
    const reply = writeReply(header.type, a.result, a.entry);
    const zxid = a.entry.header.zxid;
    if (reply.kind === 'sessionMoved') {
      cnxn.close('session moved');
      return;
    }
    cnxn.sendReply({ xid: header.xid, zxid, err: reply.err }, reply.err === 0 ? writeReplyBody(reply) : undefined);
    cnxn.requestCompleted(shortOpName(header.type), header.xid, zxid, receivedAt);
  }

  private answerRead(cnxn: ClientConnection, header: RequestHeader, body: JuteReader, receivedAt: number): void {
    const req = decodeRead(header.type, body);
    const zxid = this.db.lastProcessedZxid;
    if (!req) {
      this.reply(cnxn, header, receivedAt, zxid, ErrorCode.MARSHALLINGERROR);
      return;
    }
    // As PrepRequestProcessor checks every request: a closing or unknown session gets its error.
    const sessionErr = this.sessions.checkSession(cnxn.sessionId);
    if (sessionErr !== 0) {
      this.reply(cnxn, header, receivedAt, zxid, sessionErr);
      return;
    }
    const authInfo = this.auth.get(cnxn)!.list;
    const result = processRead(this.db.tree, req, { watcher: cnxn, sessionId: cnxn.sessionId, authInfo, policy: this.policy });
    // setWatches: the events the client missed go out before its reply, as ZooKeeper sends them.
    this.deliver(result.events);
    const xid = header.type === OpCode.setWatches || header.type === OpCode.setWatches2 ? Xid.setWatches : header.xid;
    const write = result.err === 0 && result.body ? (w: import('../../protocol').JuteWriter) => writeReadBody(w, result.body!) : undefined;
    cnxn.sendReply({ xid, zxid, err: result.err }, write);
    cnxn.requestCompleted(shortOpName(header.type), header.xid, zxid, receivedAt);
  }

  private reply(cnxn: ClientConnection, header: RequestHeader, receivedAt: number, zxid: bigint, err: number): void {
    cnxn.sendReply({ xid: header.xid, zxid, err });
    cnxn.requestCompleted(shortOpName(header.type), header.xid, zxid, receivedAt);
  }

  private deliver(events: WatchNotification<ClientConnection>[]): void {
    for (const n of events) {
      const auth = this.auth.get(n.watcher);
      if (!n.watcher.closed && auth && mayDeliver(this.policy, n, auth.list)) n.watcher.sendNotification(n.event);
    }
  }

  /** addauth: answered at once (xid -4); a failure closes the connection, as ZooKeeper does. */
  private authenticate(cnxn: ClientConnection, header: RequestHeader, body: JuteReader): void {
    let code: number = ErrorCode.AUTHFAILED;
    try {
      const packet = AuthPacketCodec.read(body);
      const provider = this.policy.providers.get(packet.scheme);
      if (provider) {
        const result = provider.authenticate(packet.auth ?? Buffer.alloc(0), { remoteAddress: cnxn.remote.address, superDigest: this.superDigest });
        code = result.code;
        if (code === 0) for (const id of result.ids) this.auth.get(cnxn)!.add(id);
      }
    } catch {
      code = ErrorCode.AUTHFAILED;
    }
    cnxn.sendReply({ xid: header.xid, zxid: 0n, err: code });
    if (code !== 0) cnxn.close('authentication failed');
  }

  // --- the server's own writes ----------------------------------------------------------------

  private expireSessions(): void {
    for (const s of this.sessions.expireSessions(monotonic())) {
      this.log('info', `Expiring session 0x${s.sessionId.toString(16)}, timeout of ${s.timeout}ms exceeded`);
      this.events.emit('session', { event: 'expired', session: hexZxid(s.sessionId) });
      void this.submit({ sessionId: s.sessionId, cxid: 0, type: OpCode.closeSession, request: { type: OpCode.closeSession } })
        .then(() => this.net.closeSession(s.sessionId, 'session expired'));
    }
  }

  private deleteEmptyContainers(): void {
    for (const path of containerCandidates(this.db.tree, Date.now())) {
      const request: WriteRequest = { type: OpCode.deleteContainer, path };
      void this.submit({ sessionId: 0n, cxid: 0, type: OpCode.deleteContainer, request });
    }
  }
}
