// ZooKeeper 3.8's on-disk layout (FileTxnLog, FileSnap, Util): file names, the FileHeader,
// and the framing of one txn log record.

import { mkdir, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { adler32 } from './adler32';

/** 'ZKLG' and 'ZKSN' read as big-endian ints, as FileTxnLog.TXNLOG_MAGIC and FileSnap.SNAP_MAGIC. */
export const TXNLOG_MAGIC = 0x5a4b4c47;
export const SNAP_MAGIC = 0x5a4b534e;
export const FILE_FORMAT_VERSION = 2;
/** FileTxnLog writes dbid 0; FileSnap writes dbid -1. */
export const TXNLOG_DBID = 0n;
export const SNAP_DBID = -1n;
/** FileTxnSnapLog keeps both logs and snapshots one level down, in <dir>/version-2. */
export const VERSION_DIR = `version-${FILE_FORMAT_VERSION}`;
/** magic int, version int, dbid long. */
export const FILE_HEADER_SIZE = 16;

export const LOG_PREFIX = 'log';
export const SNAPSHOT_PREFIX = 'snapshot';

/** A record is crc long, length int, the txn bytes, then the end-of-record byte 'B'. */
export const RECORD_HEADER_SIZE = 12;
export const RECORD_OVERHEAD = RECORD_HEADER_SIZE + 1;
export const END_OF_RECORD = 0x42;

/** TxnHeader: clientId long, cxid int, zxid long, time long, type int. */
export const TXN_ZXID_OFFSET = 12;
export const TXN_MIN_SIZE = TXN_ZXID_OFFSET + 8;

/** Routine steps are 'info'; repairs and refusals a user should notice are 'warn'. */
export type StorageLogger = (message: string, level?: 'info' | 'warn') => void;

/** A log file's place in the txn log is lost at this offset; recovery cannot decide for the user. */
export class CorruptLogError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`transaction log ${file} is corrupt at byte offset ${offset}: ${reason}`);
    this.name = 'CorruptLogError';
  }
}

export function zxidHex(zxid: bigint): string {
  return `0x${zxid.toString(16)}`;
}

/** Util.makeLogName / makeSnapshotName: the prefix, a dot, the zxid in lower-case hex without padding. */
export function zxidFileName(prefix: string, zxid: bigint): string {
  return `${prefix}.${zxid.toString(16)}`;
}

export function encodeFileHeader(magic: number, dbid: bigint): Buffer {
  const b = Buffer.allocUnsafe(FILE_HEADER_SIZE);
  b.writeInt32BE(magic, 0);
  b.writeInt32BE(FILE_FORMAT_VERSION, 4);
  b.writeBigInt64BE(dbid, 8);
  return b;
}

export function encodeRecord(txn: Buffer): Buffer {
  const rec = Buffer.allocUnsafe(RECORD_OVERHEAD + txn.length);
  // Adler32.getValue() is a long in [0, 2^32): the high word is always zero.
  rec.writeUInt32BE(0, 0);
  rec.writeUInt32BE(adler32(txn), 4);
  rec.writeInt32BE(txn.length, 8);
  txn.copy(rec, RECORD_HEADER_SIZE);
  rec[RECORD_HEADER_SIZE + txn.length] = END_OF_RECORD;
  return rec;
}

export function txnZxid(txn: Buffer, at = 0): bigint {
  return txn.readBigInt64BE(at + TXN_ZXID_OFFSET);
}

export interface ZxidFile {
  zxid: bigint;
  path: string;
}

/**
 * Files named exactly `<prefix>.<hex>` in dir, oldest first. Stricter than Util.getZxidFromName:
 * `snapshot.<hex>.tmp` (a snapshot being written) and compressed snapshots are not ours to read.
 */
export async function listZxidFiles(dir: string, prefix: string): Promise<ZxidFile[]> {
  const pattern = new RegExp(`^${prefix}\\.([0-9a-fA-F]{1,16})$`);
  const out: ZxidFile[] = [];
  for (const name of await readdir(dir)) {
    const m = pattern.exec(name);
    if (m) out.push({ zxid: BigInt.asIntN(64, BigInt(`0x${m[1]}`)), path: join(dir, name) });
  }
  return out.sort((x, y) => (x.zxid < y.zxid ? -1 : x.zxid > y.zxid ? 1 : 0));
}

/** FileTxnLog.getLogFiles: the newest file starting at or before zxid, and all after it. */
export function filesFrom(files: readonly ZxidFile[], zxid: bigint): ZxidFile[] {
  let first = 0;
  for (let i = 0; i < files.length; i++) if (files[i].zxid <= zxid) first = i;
  return files.slice(first);
}

export async function ensureVersionDir(baseDir: string): Promise<string> {
  const dir = join(baseDir, VERSION_DIR);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Makes a create, rename or unlink in dir durable: without it a crash can forget the new name. */
export async function syncDir(dir: string): Promise<void> {
  const h = await open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}
