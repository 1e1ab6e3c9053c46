// What ZAB keeps of a server's disk in memory: the acceptedEpoch and currentEpoch files, the last
// logged zxid, how far the log is fsynced, and the newest log entries (ZKDatabase.committedLog,
// commitLogCount of them) from which a leader sends DIFFs. Every change is also an action for the
// shell, in order, so the shell's disk and this picture of it never disagree.

import type { LogEntry, Outbox } from './actions';
import { hexZxid } from './zxid';

/** What a server finds on its disk when it boots. */
export interface DiskState {
  acceptedEpoch: bigint;
  currentEpoch: bigint;
  /** The newest log entries, oldest first; more than the window holds may be given. */
  recent: readonly LogEntry[];
  /** The zxid just before recent[0]: 0 if the log goes back to the start, else the snapshot's or the last entry left out. */
  base: bigint;
}

/** ZKDatabase.DEFAULT_COMMIT_LOG_COUNT. */
export const DEFAULT_COMMIT_LOG_COUNT = 500;

export class ZabStore {
  acceptedEpoch: bigint;
  currentEpoch: bigint;
  /** Every entry at or below this zxid is on disk for good. */
  durableZxid: bigint;
  private entries: LogEntry[];
  private start = 0;
  private windowBase: bigint;
  private flushRequested: bigint;

  constructor(disk: DiskState, private readonly out: Outbox, readonly capacity = DEFAULT_COMMIT_LOG_COUNT) {
    if (capacity < 1) throw new Error(`commitLogCount must be at least 1, got ${capacity}`);
    this.acceptedEpoch = disk.acceptedEpoch;
    this.currentEpoch = disk.currentEpoch;
    const keep = disk.recent.slice(-capacity);
    const dropped = disk.recent.length - keep.length;
    this.windowBase = dropped > 0 ? disk.recent[dropped - 1].zxid : disk.base;
    this.entries = [...keep];
    for (let i = 1; i < keep.length; i++) {
      if (keep[i].zxid <= keep[i - 1].zxid) throw new Error(`log out of order at ${hexZxid(keep[i].zxid)}`);
    }
    // What a server reads back at boot is what it has: the OS wrote its page cache out, or it is gone.
    this.durableZxid = this.lastZxid;
    this.flushRequested = this.lastZxid;
  }

  /** The last logged zxid (ZooKeeper's getLastLoggedZxid), 0 for an empty server. */
  get lastZxid(): bigint {
    return this.entries.length > this.start ? this.entries[this.entries.length - 1].zxid : this.windowBase;
  }

  /** The zxid before the oldest entry kept: a peer at or above it can be synced by DIFF. */
  get base(): bigint {
    return this.windowBase;
  }

  get size(): number {
    return this.entries.length - this.start;
  }

  setAcceptedEpoch(epoch: bigint): void {
    this.acceptedEpoch = epoch;
    this.out.act({ kind: 'setAcceptedEpoch', epoch });
    this.out.emit('zab.epoch.accepted', { epoch: Number(epoch) });
  }

  setCurrentEpoch(epoch: bigint): void {
    this.currentEpoch = epoch;
    this.out.act({ kind: 'setCurrentEpoch', epoch });
    this.out.emit('zab.epoch.current', { epoch: Number(epoch) });
  }

  append(entry: LogEntry): void {
    if (entry.zxid <= this.lastZxid) throw new Error(`append ${hexZxid(entry.zxid)} after ${hexZxid(this.lastZxid)}`);
    this.entries.push(entry);
    if (this.size > this.capacity) {
      this.windowBase = this.entries[this.start].zxid;
      this.start++;
      if (this.start > this.capacity) {
        this.entries = this.entries.slice(this.start);
        this.start = 0;
      }
    }
    this.out.act({ kind: 'append', entry });
  }

  /** Asks for an fsync of what is appended, unless one already covers it. */
  flush(): void {
    if (this.lastZxid <= this.flushRequested || this.lastZxid <= this.durableZxid) return;
    this.flushRequested = this.lastZxid;
    this.out.act({ kind: 'flush' });
  }

  get unsynced(): boolean {
    return this.lastZxid > this.durableZxid;
  }

  /** The shell reports an fsync: every entry at or below zxid is durable. */
  synced(zxid: bigint): void {
    const upTo = zxid < this.lastZxid ? zxid : this.lastZxid;
    if (upTo > this.durableZxid) this.durableZxid = upTo;
  }

  truncate(zxid: bigint): void {
    while (this.size > 0 && this.entries[this.entries.length - 1].zxid > zxid) this.entries.pop();
    if (this.size === 0 && zxid < this.windowBase) this.windowBase = zxid;
    // The shell rewrites and fsyncs what is left, so all of it is durable afterwards.
    this.durableZxid = this.lastZxid;
    this.flushRequested = this.lastZxid;
    this.out.act({ kind: 'truncate', zxid });
  }

  installSnapshot(zxid: bigint, snapshot: Buffer): void {
    this.entries = [];
    this.start = 0;
    this.windowBase = zxid;
    this.durableZxid = zxid;
    this.flushRequested = zxid;
    this.out.act({ kind: 'installSnapshot', zxid, snapshot });
  }

  /** Index of the first kept entry with zxid greater than `zxid`. */
  private firstAfter(zxid: bigint): number {
    let lo = this.start;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid].zxid <= zxid) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Whether the window holds an entry with exactly this zxid. */
  has(zxid: bigint): boolean {
    const i = this.firstAfter(zxid) - 1;
    return i >= this.start && this.entries[i].zxid === zxid;
  }

  /** The largest kept zxid below `zxid`, or the base when there is none. */
  before(zxid: bigint): bigint {
    let lo = this.start;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid].zxid < zxid) lo = mid + 1;
      else hi = mid;
    }
    return lo > this.start ? this.entries[lo - 1].zxid : this.windowBase;
  }

  /** Kept entries in (after, upTo], oldest first. */
  *range(after: bigint, upTo: bigint): Generator<LogEntry> {
    for (let i = this.firstAfter(after); i < this.entries.length && this.entries[i].zxid <= upTo; i++) yield this.entries[i];
  }

  /** The kept entry with this zxid. */
  get(zxid: bigint): LogEntry | undefined {
    const i = this.firstAfter(zxid) - 1;
    return i >= this.start && this.entries[i].zxid === zxid ? this.entries[i] : undefined;
  }
}
