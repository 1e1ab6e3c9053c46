// ZKDatabase: the data tree, the committed sessions, and their durable form (txn log + snapshots).
// Startup restores the newest valid snapshot and replays the log after it; the request pipeline
// then appends each txn (group-committed fsync) before applying it.

import { readdirSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { JuteReader, JuteWriter } from '../../protocol';
import {
  purge, restore, rollSnapshotDice, shouldSnapshot, SnapshotStore, TxnLog, VERSION_DIR, type SnapshotDice,
} from '../storage';
import type { ServerConfig } from '../config';
import { DataTree } from '../tree/data-tree';
import { deserializeTree, deserializeZxidDigest, serializeTree, serializeZxidDigest } from '../tree/snapshot';
import { applyTxn } from '../txn/apply';
import { decodeTxnEntry, encodeTxnEntry, type TxnEntry } from '../txn/records';
import type { ClientConnection } from '../net/types';

export type DbLog = (level: 'info' | 'warn', message: string) => void;
/** Called after each snapshot is durable (the event log records it). */
export type SnapshotListener = (zxid: bigint, file: string) => void;

export class ZKDatabase {
  /** Replaced when ZAB truncates the log or installs a leader's snapshot (the state is reloaded). */
  tree: DataTree<ClientConnection>;
  /** Committed sessions and their timeouts, as a snapshot stores them. */
  readonly sessionsWithTimeout = new Map<bigint, number>();
  lastSnapshot: { zxid: bigint; timestamp: number } | null = null;
  readonly fsyncStats = { count: 0, sumMs: 0, minMs: Number.POSITIVE_INFINITY, maxMs: 0 };

  private log!: TxnLog;
  private snapshots!: SnapshotStore;
  private txnsSinceSnapshot = 0;
  private dice: SnapshotDice;
  /** The snapshot being taken, if any (one at a time). */
  private snapshotting: Promise<void> | null = null;

  constructor(
    private readonly config: ServerConfig,
    private readonly logLine: DbLog,
    private readonly onSnapshot: SnapshotListener = () => {},
  ) {
    this.tree = this.newTree();
    this.dice = rollSnapshotDice(this.snapTrigger(), Math.random);
  }

  private newTree(): DataTree<ClientConnection> {
    return new DataTree<ClientConnection>({
      extendedTypesEnabled: this.config.extendedTypesEnabled,
      digestEnabled: this.config.properties.get('zookeeper.digest.enabled') !== 'false',
    });
  }

  private snapTrigger() {
    return { snapCount: this.config.snapCount };
  }

  get lastProcessedZxid(): bigint {
    return this.tree.lastProcessedZxid;
  }

  /**
   * Opens the snapshot and log directories and restores the newest valid snapshot plus the logged
   * txns after it; returns the last zxid. `keep` is called with each replayed txn as logged (ZAB
   * keeps the newest ones to sync learners from).
   */
  async load(keep?: (zxid: bigint, txn: Buffer) => void): Promise<bigint> {
    const storageLog = (m: string, level: 'info' | 'warn' = 'info') => this.logLine(level, m);
    this.snapshots = await SnapshotStore.open(this.config.dataDir, { log: storageLog });
    this.log = await TxnLog.open(this.config.dataLogDir, {
      preAllocSizeKb: this.config.preAllocSizeKb,
      forceSync: this.config.properties.get('zookeeper.forceSync') !== 'no',
      log: storageLog,
      onFsync: (ms) => {
        const s = this.fsyncStats;
        s.count++;
        s.sumMs += ms;
        s.minMs = Math.min(s.minMs, ms);
        s.maxMs = Math.max(s.maxMs, ms);
      },
    });
    const snapshotted = await this.restoreState(keep);
    // As ZooKeeper does at first start: a snapshot so the data directory is never without one.
    if (!snapshotted) await this.snapshots.write(this.tree.lastProcessedZxid, (w) => this.writeSnapshot(w));
    return this.tree.lastProcessedZxid;
  }

  /** Fills the (empty) tree from the disk; false when there was no snapshot. */
  private async restoreState(keep?: (zxid: bigint, txn: Buffer) => void): Promise<boolean> {
    const plan = await restore(this.snapshots, this.log);
    if (plan.snapshot) {
      this.readSnapshot(plan.snapshot.body);
      this.tree.lastProcessedZxid = plan.snapshot.zxid;
      this.lastSnapshot = { zxid: plan.snapshot.zxid, timestamp: statSync(plan.snapshot.file).mtimeMs };
      this.logLine('info', `loaded snapshot ${path.basename(plan.snapshot.file)}`);
    }
    let replayed = 0;
    for await (const { zxid, txn } of plan.txns) {
      const entry = decodeTxnEntry(txn);
      // Txns already inside a fuzzy snapshot are applied again; processTxn tolerates that as ZooKeeper does.
      applyTxn(this.tree, entry, { sessions: this.sessionCommits() });
      this.tree.lastProcessedZxid = entry.header.zxid;
      keep?.(zxid, txn);
      replayed++;
    }
    if (replayed) this.logLine('info', `replayed ${replayed} txns from the log, last zxid 0x${this.tree.lastProcessedZxid.toString(16)}`);
    return plan.snapshot !== null;
  }

  /**
   * ZAB's TRUNC (ZKDatabase.truncateLog): drops every logged txn after zxid, and every snapshot
   * that contains one, then reloads the state from what is left.
   */
  async truncate(zxid: bigint): Promise<bigint> {
    await this.snapshotsSettled();
    await this.log.truncate(zxid);
    for (const snap of await this.snapshots.list()) {
      if (snap.zxid > zxid) await rm(snap.file, { force: true });
    }
    this.clearState();
    await this.restoreState();
    return this.tree.lastProcessedZxid;
  }

  /** ZAB's SNAP: the leader's state replaces ours, durably, and the log continues after zxid. */
  async installSnapshot(zxid: bigint, body: Buffer): Promise<void> {
    await this.snapshotsSettled();
    await this.snapshots.write(zxid, (w) => w.writeRaw(body));
    // Txns after the snapshot in our log belong to a history the leader does not have.
    await this.log.truncate(zxid);
    this.clearState();
    this.readSnapshot(body);
    this.tree.lastProcessedZxid = zxid;
    this.lastSnapshot = { zxid, timestamp: Date.now() };
  }

  /** The state as a snapshot body (sessions, tree, digest): what SNAP sends a learner. */
  snapshotBody(): Buffer {
    const w = new JuteWriter(64 * 1024);
    this.writeSnapshot(w);
    return w.toBuffer();
  }

  private clearState(): void {
    this.tree = this.newTree();
    this.sessionsWithTimeout.clear();
  }

  /** Session commits for replay (the live tracker takes over once the server runs). */
  private sessionCommits() {
    return {
      commitSession: (id: bigint, timeout: number) => {
        const isNew = !this.sessionsWithTimeout.has(id);
        this.sessionsWithTimeout.set(id, timeout);
        return isNew;
      },
      removeSession: (id: bigint) => {
        this.sessionsWithTimeout.delete(id);
      },
    };
  }

  private readSnapshot(body: Buffer): void {
    const r = new JuteReader(body);
    const count = r.readInt();
    for (let i = 0; i < count; i++) this.sessionsWithTimeout.set(r.readLong(), r.readInt());
    deserializeTree(this.tree, r);
    if (r.remaining > 0) {
      const digest = deserializeZxidDigest(r);
      if (digest) this.tree.lastProcessedZxidDigest = digest;
    }
  }

  private writeSnapshot(w: JuteWriter): void {
    w.writeInt(this.sessionsWithTimeout.size);
    for (const [id, timeout] of this.sessionsWithTimeout) w.writeLong(id).writeInt(timeout);
    serializeTree(this.tree, w);
    serializeZxidDigest(this.tree, w);
  }

  /** Appends a txn; resolves once it is durable. Takes a snapshot when snapCount says so. */
  append(entry: TxnEntry): Promise<void> {
    return this.appendEncoded(entry.header.zxid, encodeTxnEntry(entry));
  }

  /** The same, for a txn already encoded (as ZAB carries it). */
  appendEncoded(zxid: bigint, txn: Buffer): Promise<void> {
    const done = this.log.append(zxid, txn);
    this.txnsSinceSnapshot++;
    if (shouldSnapshot(this.snapTrigger(), this.dice, this.txnsSinceSnapshot, this.log.currentLogSize)) {
      this.txnsSinceSnapshot = 0;
      this.dice = rollSnapshotDice(this.snapTrigger(), Math.random);
      void this.log.rollLog();
      this.snapshotAfter(done);
    }
    return done;
  }

  // The snapshot is taken once the txn that triggered it is applied (the caller applies in
  // order right after durability), off the request path.
  private snapshotAfter(durable: Promise<void>): void {
    if (this.snapshotting) return;
    this.snapshotting = durable
      .then(() => new Promise((r) => setImmediate(r)))
      .then(() => this.takeSnapshot())
      .catch((err) => this.logLine('warn', `snapshot failed: ${(err as Error).message}`))
      .finally(() => (this.snapshotting = null));
  }

  /** Resolves once no snapshot is being taken (shutdown waits for it; so do tests). */
  async snapshotsSettled(): Promise<void> {
    while (this.snapshotting) await this.snapshotting;
  }

  async takeSnapshot(): Promise<void> {
    const zxid = this.tree.lastProcessedZxid;
    const file = await this.snapshots.write(zxid, (w) => this.writeSnapshot(w));
    this.lastSnapshot = { zxid, timestamp: Date.now() };
    this.onSnapshot(zxid, path.basename(file));
    this.logLine('info', `snapshot 0x${zxid.toString(16)} written`);
  }

  purge(): Promise<string[]> {
    return purge(this.config.dataDir, this.config.dataLogDir, this.config.snapRetainCount, (m) => this.logLine('info', m));
  }

  dirSize(which: 'data' | 'log'): number {
    const dir = path.join(which === 'data' ? this.config.dataDir : this.config.dataLogDir, VERSION_DIR);
    let total = 0;
    try {
      for (const f of readdirSync(dir)) {
        if (which === 'data' ? f.startsWith('snapshot.') : f.startsWith('log.')) total += statSync(path.join(dir, f)).size;
      }
    } catch {
      // A missing directory has size 0.
    }
    return total;
  }

  async close(): Promise<void> {
    await this.snapshotsSettled();
    await this.log?.close();
  }
}
