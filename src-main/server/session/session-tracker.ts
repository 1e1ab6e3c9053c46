// SessionTrackerImpl: live sessions, their owners and their expiry buckets. Pure: the caller
// passes the monotonic clock (ms) in and polls expireSessions when getWaitTime says so; each
// expired session then gets a closeSession request, as ZooKeeperServer.expire submits one.

import { ErrorCode } from '../../protocol';
import { MAX_EXTENDED_SERVER_ID } from '../tree/ephemeral-type';
import { ExpiryQueue } from './expiry-queue';
import { initializeNextSessionId } from './session-id';

export interface Session {
  readonly sessionId: bigint;
  readonly timeout: number;
  isClosing: boolean;
  /** Who serves the session (a follower, a connection); SESSIONMOVED when another one asks. */
  owner: unknown;
}

/** The owner every request has when no one passes one: sessions then never "move". */
export const LOCAL_OWNER: unique symbol = Symbol('local');

export interface SessionTrackerOptions {
  tickTime: number;
  serverId: number;
  /** Monotonic clock now (ms): seeds session ids and the first expiry bucket. */
  now: number;
  /** Committed sessions from a snapshot/log (ZKDatabase.getSessionWithTimeOuts). */
  sessionsWithTimeout?: ReadonlyMap<bigint, number>;
  /** zookeeper.extendedTypesEnabled: server ids above 254 are then refused. */
  extendedTypesEnabled?: boolean;
  /** The database's map of committed sessions, kept as this tracker's own so that snapshots see every commit. */
  committed?: Map<bigint, number>;
}

export class SessionTracker {
  private readonly sessionsById = new Map<bigint, Session>();
  /** Committed sessions and their timeouts: what a snapshot stores. */
  readonly sessionsWithTimeout: Map<bigint, number>;
  private readonly queue: ExpiryQueue<Session>;
  private nextSessionId: bigint;

  constructor(opts: SessionTrackerOptions) {
    if (opts.extendedTypesEnabled && opts.serverId > MAX_EXTENDED_SERVER_ID) {
      throw new Error(`extendedTypesEnabled is true but Server ID is too large. Cannot be larger than ${MAX_EXTENDED_SERVER_ID}`);
    }
    this.sessionsWithTimeout = opts.committed ?? new Map();
    this.queue = new ExpiryQueue<Session>(opts.tickTime, opts.now);
    this.nextSessionId = initializeNextSessionId(opts.serverId, opts.now);
    for (const [id, to] of opts.sessionsWithTimeout ?? []) {
      this.sessionsWithTimeout.set(id, to);
      this.trackSession(id, to, opts.now);
    }
  }

  /** A new session id, tracked at once (ZooKeeperServer.createSession before its txn). */
  createSession(timeout: number, now: number): bigint {
    const id = this.nextSessionId;
    this.nextSessionId = BigInt.asIntN(64, id + 1n);
    this.trackSession(id, timeout, now);
    return id;
  }

  /** Starts tracking (or refreshes) a session; true when it was not tracked before. */
  trackSession(sessionId: bigint, timeout: number, now: number): boolean {
    let s = this.sessionsById.get(sessionId);
    const added = s === undefined;
    if (!s) {
      s = { sessionId, timeout, isClosing: false, owner: undefined };
      this.sessionsById.set(sessionId, s);
    }
    this.queue.update(s, timeout, now);
    return added;
  }

  /** Forgets every session, live and committed (the database is being reloaded). */
  clear(): void {
    for (const s of this.sessionsById.values()) this.queue.remove(s);
    this.sessionsById.clear();
    this.sessionsWithTimeout.clear();
  }

  /** The createSession txn was applied; true when the session is new to the committed set. */
  commitSession(sessionId: bigint, timeout: number): boolean {
    const isNew = !this.sessionsWithTimeout.has(sessionId);
    this.sessionsWithTimeout.set(sessionId, timeout);
    return isNew;
  }

  /** Any request or ping: pushes the deadline out. False for unknown or closing sessions. */
  touchSession(sessionId: bigint, timeout: number, now: number): boolean {
    const s = this.sessionsById.get(sessionId);
    if (!s || s.isClosing) return false;
    this.queue.update(s, timeout, now);
    return true;
  }

  setSessionClosing(sessionId: bigint): void {
    const s = this.sessionsById.get(sessionId);
    if (s) s.isClosing = true;
  }

  /** The closeSession txn was applied. */
  removeSession(sessionId: bigint): void {
    const s = this.sessionsById.get(sessionId);
    this.sessionsById.delete(sessionId);
    this.sessionsWithTimeout.delete(sessionId);
    if (s) this.queue.remove(s);
  }

  /** UNKNOWNSESSION, SESSIONEXPIRED (closing), SESSIONMOVED (other owner) or OK; claims an unowned session. */
  checkSession(sessionId: bigint, owner: unknown = LOCAL_OWNER): number {
    const s = this.sessionsById.get(sessionId);
    if (!s) return ErrorCode.UNKNOWNSESSION;
    if (s.isClosing) return ErrorCode.SESSIONEXPIRED;
    if (s.owner === undefined) s.owner = owner;
    else if (s.owner !== owner) return ErrorCode.SESSIONMOVED;
    return ErrorCode.OK;
  }

  /** For ephemeral creates: an unknown session counts as expired. */
  checkGlobalSession(sessionId: bigint, owner: unknown = LOCAL_OWNER): number {
    const code = this.checkSession(sessionId, owner);
    return code === ErrorCode.UNKNOWNSESSION ? ErrorCode.SESSIONEXPIRED : code;
  }

  setOwner(sessionId: bigint, owner: unknown = LOCAL_OWNER): number {
    const s = this.sessionsById.get(sessionId);
    if (!s || s.isClosing) return ErrorCode.SESSIONEXPIRED;
    s.owner = owner;
    return ErrorCode.OK;
  }

  isTrackingSession(sessionId: bigint): boolean {
    return this.sessionsById.has(sessionId);
  }

  getSession(sessionId: bigint): Session | undefined {
    return this.sessionsById.get(sessionId);
  }

  getSessionTimeout(sessionId: bigint): number | undefined {
    return this.sessionsWithTimeout.get(sessionId);
  }

  /** Milliseconds until expireSessions has work; 0 when it has now. */
  getWaitTime(now: number): number {
    return this.queue.getWaitTime(now);
  }

  /**
   * What the tracker thread does when woken: takes every due bucket, marks those sessions
   * closing and returns them; each needs a closeSession request.
   */
  expireSessions(now: number): Session[] {
    const out: Session[] = [];
    while (this.queue.getWaitTime(now) === 0) {
      for (const s of this.queue.poll(now)) {
        this.setSessionClosing(s.sessionId);
        out.push(s);
      }
    }
    return out;
  }

  get sessions(): IterableIterator<Session> {
    return this.sessionsById.values();
  }

  get sessionCount(): number {
    return this.sessionsById.size;
  }

  /** Deadline (ms, monotonic) → session ids. */
  getSessionExpiryMap(): Map<number, bigint[]> {
    return new Map([...this.queue.expiryMapView()].map(([t, ss]) => [t, ss.map((s) => s.sessionId)]));
  }
}
