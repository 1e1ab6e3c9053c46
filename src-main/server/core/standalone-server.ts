// One standalone ZooKeeper node (ZooKeeperServer with its Prep → Sync → Final processors). Writes
// are prepped into txns in arrival order, appended to the log (group-committed fsync), applied to
// the tree in zxid order, then answered in each session's own order (see ServerBase).

import { OpCode } from '../../protocol';
import type { ServerConfig } from '../config';
import { type EventLog, hexZxid } from '../events';
import { containerCandidates } from '../tree/containers';
import { RequestPreparer } from '../txn/prep';
import type { WriteRequest } from '../txn/write-request';
import type { ServerMode } from './monitored-server';
import { monotonic, ServerBase, type Applied, type MonitoringHandlers, type ServerLog, type WriteSubmission } from './server-base';

export type { MonitoringHandlers, ServerLog } from './server-base';

export class StandaloneServer extends ServerBase {
  private readonly preparer: RequestPreparer;
  private nextZxid = 1n;
  /** Txns appended and not yet applied, in zxid order; applied strictly from the head. */
  private readonly applyQueue: Array<{ zxid: bigint; durable: boolean; done: () => void }> = [];
  private timers: NodeJS.Timeout[] = [];
  private running = false;

  constructor(config: ServerConfig, monitoring: MonitoringHandlers, events: EventLog, log: ServerLog) {
    super(config, monitoring, events, log);
    this.preparer = newPreparer(this);
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
    this.running = true;
    this.timers = startHousekeeping(this, () => this.expireSessions(), (path) => this.deleteContainer(path));
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.db.close();
    this.events.emit('state', { state: 'stopped' });
  }

  protected get serving(): boolean {
    return this.running;
  }

  get mode(): ServerMode | null {
    return this.running ? 'standalone' : null;
  }

  protected resumeSession(sessionId: bigint, timeOut: number): boolean {
    return this.sessions.touchSession(sessionId, timeOut, monotonic());
  }

  protected touch(sessionId: bigint, timeOut: number): void {
    this.sessions.touchSession(sessionId, timeOut, monotonic());
  }

  /**
   * Prep → log → apply for one write. The returned promise resolves once the txn is durable and
   * applied (in zxid order, whatever session it came from); it never rejects.
   */
  protected submit(req: WriteSubmission): Promise<Applied> {
    const zxid = this.nextZxid++;
    const entry = this.preparer.prepare({ authInfo: [], ...req }, zxid, Date.now(), monotonic());
    const slot = { zxid, durable: false, done: () => {} };
    const done = new Promise<Applied>((resolve) => {
      slot.done = () => resolve({ entry, requestType: req.type, result: this.applyEntry(entry, req.type, this.preparer.changes) });
    });
    this.applyQueue.push(slot);
    this.db.append(entry).then(
      () => {
        slot.durable = true;
        this.drainApplyQueue();
      },
      (err) => dieOnLogFailure(this.log, zxid, err),
    );
    return done;
  }

  private drainApplyQueue(): void {
    while (this.applyQueue.length > 0 && this.applyQueue[0].durable) {
      const slot = this.applyQueue.shift()!;
      slot.done();
    }
  }

  private expireSessions(): void {
    for (const s of this.sessions.expireSessions(monotonic())) {
      this.log('info', `Expiring session 0x${s.sessionId.toString(16)}, timeout of ${s.timeout}ms exceeded`);
      this.events.emit('session', { event: 'expired', session: hexZxid(s.sessionId) });
      void this.submit({ sessionId: s.sessionId, cxid: 0, type: OpCode.closeSession, request: { type: OpCode.closeSession } })
        .then(() => this.net.closeSession(s.sessionId, 'session expired'));
    }
  }

  private deleteContainer(path: string): void {
    const request: WriteRequest = { type: OpCode.deleteContainer, path };
    void this.submit({ sessionId: 0n, cxid: 0, type: OpCode.deleteContainer, request });
  }
}

/** The request preparer over a server's tree and sessions, with the zoo.cfg / -D switches it reads. */
export function newPreparer(server: ServerBase): RequestPreparer {
  const props = server.config.properties;
  return new RequestPreparer(server.db.tree, server.sessions, {
    aclPolicy: server.policy,
    reconfigEnabled: server.config.reconfigEnabled,
    enforceQuota: props.get('zookeeper.enforceQuota') === 'true',
  });
}

/**
 * The timers of the server that owns session expiry (standalone, or the leader): sessions, empty
 * containers (ContainerManager), and the autopurge of old snapshots and logs.
 */
export function startHousekeeping(server: ServerBase, expire: () => void, deleteContainer: (path: string) => void): NodeJS.Timeout[] {
  const { config } = server;
  const timers = [setInterval(expire, Math.max(10, Math.floor(config.tickTime / 2)))];
  // ContainerManager reads the JVM property znode.container.checkIntervalMs (-D in SERVER_JVMFLAGS).
  const props = config.properties;
  const containerEvery = Number(props.get('znode.container.checkIntervalMs') ?? props.get('zookeeper.znode.container.checkIntervalMs') ?? 60_000);
  timers.push(setInterval(() => {
    for (const path of containerCandidates(server.db.tree, Date.now())) deleteContainer(path);
  }, containerEvery));
  if (config.purgeIntervalHours > 0) timers.push(setInterval(() => void server.db.purge(), config.purgeIntervalHours * 3_600_000));
  for (const t of timers) t.unref();
  return timers;
}

/** A txn that cannot be made durable must not be applied or acknowledged: stop serving. */
export function dieOnLogFailure(log: ServerLog, zxid: bigint, err: unknown): void {
  log('error', `cannot write txn ${hexZxid(zxid)} to the log: ${(err as Error).message}; shutting down`);
  process.exitCode = 1;
  process.kill(process.pid, 'SIGTERM');
}
