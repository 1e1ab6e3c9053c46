// One standalone ZooKeeper node (ZooKeeperServer with its Prep → Sync → Final processors). Writes
// are prepped into txns in arrival order, appended to the log (group-committed fsync), applied to
// the tree in zxid order, then answered in each session's own order (see ServerBase).

import type { ServerConfig } from '../config';
import { type EventLog, hexZxid } from '../events';
import type { RequestPreparer } from '../txn/prep';
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
    this.preparer = this.newPreparer();
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
    this.timers = this.startHousekeeping();
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
      (err) => this.dieOnLogFailure(zxid, err),
    );
    return done;
  }

  private drainApplyQueue(): void {
    while (this.applyQueue.length > 0 && this.applyQueue[0].durable) {
      const slot = this.applyQueue.shift()!;
      slot.done();
    }
  }
}
