// The write-ahead txn log of one server (FileTxnLog's format). One writer drains a queue:
// every append that arrives while a write+fdatasync is in flight joins the next batch, so
// under load many txns share one fdatasync (group commit).

import { open, unlink, type FileHandle } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  CorruptLogError,
  encodeFileHeader,
  encodeRecord,
  ensureVersionDir,
  filesFrom,
  listZxidFiles,
  LOG_PREFIX,
  syncDir,
  TXN_MIN_SIZE,
  TXNLOG_DBID,
  TXNLOG_MAGIC,
  txnZxid,
  zxidFileName,
  zxidHex,
  type StorageLogger,
  type ZxidFile,
} from './format';
import { LogFileReader } from './log-reader';
import { recoverLogs } from './log-recovery';

export interface TxnLogOptions {
  /** zoo.cfg preAllocSize: the log file grows in chunks of this many KB; 0 turns it off. */
  preAllocSizeKb?: number;
  /** zookeeper.forceSync: false skips fdatasync (fast, and loses acknowledged txns on power loss). */
  forceSync?: boolean;
  log?: StorageLogger;
  /** Called after each fdatasync of a batch, for fsync counts and latency metrics. */
  onFsync?: (durationMs: number, txns: number) => void;
}

export interface LoggedTxn {
  zxid: bigint;
  txn: Buffer;
}

interface PendingTxn {
  zxid: bigint;
  record: Buffer;
  resolve: () => void;
  reject: (e: Error) => void;
}

interface ActiveFile {
  path: string;
  handle: FileHandle;
  /** Bytes written and (with forceSync) fdatasynced: readers of this file stop here. */
  end: number;
  /** The file's size after preallocation. */
  allocated: number;
}

/** Marks where rollLog() was called among the queued appends. */
const ROLL = Symbol('roll');

const DEFAULT_PREALLOC_KB = 65536;

export class TxnLog {
  private queue: (PendingTxn | typeof ROLL)[] = [];
  private draining: Promise<void> | null = null;
  private active: ActiveFile | null = null;
  private failure: Error | null = null;
  private closed = false;
  private truncating = false;
  private queuedZxid: bigint;
  private syncedZxid: bigint;
  private readonly preAllocSize: number;
  private readonly forceSync: boolean;
  private readonly log: StorageLogger;
  private readonly onFsync: (durationMs: number, txns: number) => void;

  private constructor(
    readonly dir: string,
    lastZxid: bigint,
    options: TxnLogOptions,
  ) {
    this.queuedZxid = this.syncedZxid = lastZxid;
    this.preAllocSize = (options.preAllocSizeKb ?? DEFAULT_PREALLOC_KB) * 1024;
    this.forceSync = options.forceSync ?? true;
    this.log = options.log ?? (() => {});
    this.onFsync = options.onFsync ?? (() => {});
  }

  /**
   * Opens the log in <dataLogDir>/version-2, repairing a torn tail of the newest file. Like
   * ZooKeeper, it never appends to a file from before: the first append starts a new one.
   */
  static async open(dataLogDir: string, options: TxnLogOptions = {}): Promise<TxnLog> {
    const dir = await ensureVersionDir(dataLogDir);
    const lastZxid = await recoverLogs(dir, await listZxidFiles(dir, LOG_PREFIX), options.log ?? (() => {}));
    return new TxnLog(dir, lastZxid, options);
  }

  /** The zxid of the last txn accepted by append(), durable or not yet. */
  get lastZxid(): bigint {
    return this.queuedZxid;
  }

  /** The zxid of the last txn that is on disk. */
  get durableZxid(): bigint {
    return this.syncedZxid;
  }

  /** Bytes in the current log file (for snapSizeLimitInKb); 0 right after a roll. */
  get currentLogSize(): number {
    return this.active?.end ?? 0;
  }

  /**
   * Logs one txn (starting with its TxnHeader) and resolves once it is fdatasynced. zxids must
   * increase. The bytes are copied before this returns.
   */
  append(zxid: bigint, txn: Buffer): Promise<void> {
    const refused = this.refusal(zxid, txn);
    if (refused) return Promise.reject(refused);
    const record = encodeRecord(txn);
    this.queuedZxid = zxid;
    return new Promise((resolve, reject) => {
      this.queue.push({ zxid, record, resolve, reject });
      this.kick();
    });
  }

  /** The next append starts a new log file; appends already made stay in the current one. */
  rollLog(): void {
    this.queue.push(ROLL);
    this.kick();
  }

  /** Removes every txn after zxid (ZAB's TRUNC). Appends must wait until it resolves. */
  async truncate(zxid: bigint): Promise<void> {
    if (this.truncating || this.closed) throw new Error('the txn log is closed or already being truncated');
    this.truncating = true;
    try {
      await this.idle();
      if (this.failure) throw this.failure;
      await this.closeActive();
      const last = await this.truncateFiles(zxid);
      this.queuedZxid = this.syncedZxid = last;
    } finally {
      this.truncating = false;
    }
  }

  /**
   * Every logged txn with zxid >= fromZxid, oldest first, from the newest file that starts at or
   * before it on. The file being appended to is read up to what is durable.
   */
  async *read(fromZxid: bigint): AsyncGenerator<LoggedTxn> {
    const files = await listZxidFiles(this.dir, LOG_PREFIX);
    for (const file of filesFrom(files, fromZxid)) {
      const reader = await LogFileReader.open(file.path, this.durableEndOf(file.path));
      try {
        for (;;) {
          const e = await reader.next();
          if (e.kind === 'end') break;
          if (e.kind === 'bad') throw new CorruptLogError(file.path, e.offset, e.reason);
          if (e.zxid >= fromZxid) yield { zxid: e.zxid, txn: Buffer.from(e.txn) };
        }
      } finally {
        await reader.close();
      }
    }
  }

  /** Waits for queued appends, then closes the file. Later appends are refused. */
  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
    await this.closeActive();
  }

  private refusal(zxid: bigint, txn: Buffer): Error | null {
    if (this.failure) return new Error(`the txn log failed earlier: ${this.failure.message}`, { cause: this.failure });
    if (this.closed) return new Error('the txn log is closed');
    if (this.truncating) return new Error('the txn log is being truncated');
    if (zxid <= this.queuedZxid) {
      return new RangeError(`zxid ${zxidHex(zxid)} is not after the last logged zxid ${zxidHex(this.queuedZxid)}`);
    }
    if (txn.length < TXN_MIN_SIZE) return new RangeError(`a txn of ${txn.length} bytes cannot hold a TxnHeader`);
    if (txnZxid(txn) !== zxid) {
      return new RangeError(`zxid ${zxidHex(zxid)} differs from the TxnHeader's ${zxidHex(txnZxid(txn))}`);
    }
    return null;
  }

  private kick(): void {
    if (this.draining) return;
    // The flag is cleared inside drain() in the same synchronous step as its last queue check,
    // so an append can never find it set while nobody drains.
    this.draining = Promise.resolve().then(() => this.drain());
  }

  private async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const roll = this.queue.indexOf(ROLL);
        const batch = this.queue.splice(0, roll === 0 ? 1 : roll < 0 ? this.queue.length : roll);
        const txns = batch.filter((p): p is PendingTxn => p !== ROLL);
        try {
          if (txns.length > 0) await this.writeBatch(txns);
          else await this.closeActive();
        } catch (e) {
          this.fail(e instanceof Error ? e : new Error(String(e)), txns);
          return;
        }
        for (const p of txns) p.resolve();
      }
    } finally {
      this.draining = null;
    }
  }

  private async writeBatch(batch: PendingTxn[]): Promise<void> {
    const file = this.active ?? (await this.createFile(batch[0].zxid));
    let size = 0;
    for (const p of batch) size += p.record.length;
    const target = paddedSize(file.end + size, file.allocated, this.preAllocSize);
    if (target !== file.allocated) {
      // One zero byte at the new end, as FilePadding does: the file system fills the gap with zeros.
      await file.handle.write(ZERO_BYTE, 0, 1, target - 1);
      file.allocated = target;
    }
    let written = 0;
    const buffers = batch.map((p) => p.record);
    while (written < size) {
      const { bytesWritten } = await file.handle.writev(remaining(buffers, written), file.end + written);
      written += bytesWritten;
    }
    if (this.forceSync) {
      const started = performance.now();
      await file.handle.datasync();
      this.onFsync(performance.now() - started, batch.length);
    }
    file.end += size;
    this.syncedZxid = batch[batch.length - 1].zxid;
  }

  private async createFile(firstZxid: bigint): Promise<ActiveFile> {
    const path = join(this.dir, zxidFileName(LOG_PREFIX, firstZxid));
    this.log(`Creating new txn log ${basename(path)}`);
    // 'wx': a file of that name would hold txns at or after firstZxid, which cannot exist.
    const handle = await open(path, 'wx');
    const header = encodeFileHeader(TXNLOG_MAGIC, TXNLOG_DBID);
    await handle.write(header, 0, header.length, 0);
    if (this.forceSync) await syncDir(this.dir);
    this.active = { path, handle, end: header.length, allocated: header.length };
    return this.active;
  }

  private async closeActive(): Promise<void> {
    const file = this.active;
    if (!file) return;
    this.active = null;
    await file.handle.close();
  }

  /** A reader of the file being appended to stops at its durable end, wherever that is by then. */
  private durableEndOf(path: string): () => number | null {
    return () => (this.active?.path === path ? this.active.end : null);
  }

  /** A failed write leaves the file in an unknown state: refuse everything after it. */
  private fail(e: Error, batch: PendingTxn[]): void {
    this.failure = e;
    this.log(`Txn log write failed, refusing further appends: ${e.message}`, 'warn');
    const waiting = [...batch, ...this.queue.filter((p): p is PendingTxn => p !== ROLL)];
    this.queue = [];
    for (const p of waiting) p.reject(e);
  }

  private async truncateFiles(zxid: bigint): Promise<bigint> {
    const files = await listZxidFiles(this.dir, LOG_PREFIX);
    let last = 0n;
    for (let i = files.length - 1; i >= 0; i--) {
      const file = files[i];
      const kept = file.zxid <= zxid ? await cutAfter(file, zxid) : null;
      if (kept !== null) {
        last = kept;
        break;
      }
      this.log(`Truncating the txn log to ${zxidHex(zxid)}: removing ${basename(file.path)}`);
      await unlink(file.path);
    }
    await syncDir(this.dir);
    return last;
  }
}

const ZERO_BYTE = Buffer.alloc(1);

/**
 * FilePadding.calculateFileSizeWithPadding, given the position after the batch rather than
 * before it, so a large batch never grows the file past what was preallocated.
 */
export function paddedSize(position: number, fileSize: number, preAllocSize: number): number {
  if (preAllocSize <= 0 || position + 4096 < fileSize) return fileSize;
  if (position > fileSize) {
    const size = position + preAllocSize;
    return size - (size % preAllocSize);
  }
  return fileSize + preAllocSize;
}

function remaining(buffers: Buffer[], skip: number): Buffer[] {
  if (skip === 0) return buffers;
  const out: Buffer[] = [];
  for (const b of buffers) {
    if (skip >= b.length) skip -= b.length;
    else {
      out.push(skip > 0 ? b.subarray(skip) : b);
      skip = 0;
    }
  }
  return out;
}

/** Cuts the file after its last txn <= zxid; returns that txn's zxid, or null if none was kept. */
async function cutAfter(file: ZxidFile, zxid: bigint): Promise<bigint | null> {
  const reader = await LogFileReader.open(file.path);
  let kept: bigint | null = null;
  let end = 0;
  try {
    for (;;) {
      const e = await reader.next();
      if (e.kind === 'bad') throw new CorruptLogError(file.path, e.offset, e.reason);
      if (e.kind === 'end' || e.zxid > zxid) break;
      kept = e.zxid;
      end = e.end;
    }
  } finally {
    await reader.close();
  }
  if (kept === null) return null;
  const h = await open(file.path, 'r+');
  try {
    await h.truncate(end);
    await h.sync();
  } finally {
    await h.close();
  }
  return kept;
}
