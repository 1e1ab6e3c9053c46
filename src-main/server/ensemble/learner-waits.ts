// What a learner's clients wait for from the leader: forwarded writes (answered when their commit
// is applied here, matched by session and cxid, as Learner's CommitProcessor matches them), sync
// requests (answered in order as the leader's SYNCs come back), session revalidations; and the
// sessions touched since the last PING, which the leader needs to keep them alive.

import type { Applied } from '../core/server-base';
import { encodeTouches } from '../zab/payloads';

interface ForwardedWrite {
  requestType: number;
  resolve: (a: Applied) => void;
}

export class LearnerWaits {
  private readonly writes = new Map<string, ForwardedWrite>();
  private readonly syncs: Array<() => void> = [];
  private readonly revalidations = new Map<bigint, Array<(valid: boolean | null) => void>>();
  private readonly touched = new Map<bigint, number>();

  addWrite(sessionId: bigint, cxid: number, write: ForwardedWrite): void {
    this.writes.set(`${sessionId}:${cxid}`, write);
  }

  /** The write a client of ours waits for, if this committed txn is its answer. */
  takeWrite(sessionId: bigint, cxid: number): ForwardedWrite | undefined {
    const key = `${sessionId}:${cxid}`;
    const w = this.writes.get(key);
    if (w) this.writes.delete(key);
    return w;
  }

  addSync(done: () => void): void {
    this.syncs.push(done);
  }

  /** The leader's SYNC answers the oldest sync we forwarded (the quorum connection is FIFO). */
  syncDone(): void {
    this.syncs.shift()?.();
  }

  /** done(null): the leader went away before it answered. */
  addRevalidation(sessionId: bigint, done: (valid: boolean | null) => void): void {
    const waiting = this.revalidations.get(sessionId) ?? [];
    waiting.push(done);
    this.revalidations.set(sessionId, waiting);
  }

  revalidated(sessionId: bigint, valid: boolean): void {
    const waiting = this.revalidations.get(sessionId);
    this.revalidations.delete(sessionId);
    for (const w of waiting ?? []) w(valid);
  }

  touch(sessionId: bigint, timeout: number): void {
    this.touched.set(sessionId, timeout);
  }

  /** PING's data: (session, timeout) pairs touched since the last one; null when none was. */
  takeTouches(): Buffer | null {
    if (this.touched.size === 0) return null;
    const touches = [...this.touched].map(([sessionId, timeout]) => ({ sessionId, timeout }));
    this.touched.clear();
    return encodeTouches(touches);
  }

  /**
   * The leader is gone: the clients waiting lose their connections (the caller closes them), so
   * their writes and syncs are dropped; a session being revalidated gets no answer (not "expired":
   * the client tries another server, as with Apache ZooKeeper).
   */
  clear(): void {
    this.writes.clear();
    this.syncs.length = 0;
    this.touched.clear();
    for (const waiting of this.revalidations.values()) for (const w of waiting) w(null);
    this.revalidations.clear();
  }
}
