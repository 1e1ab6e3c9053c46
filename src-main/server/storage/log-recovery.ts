// Startup repair of the txn log. Appends are acknowledged only after fdatasync and a batch is
// written front to back, so a crash can only damage records nobody was told are durable: the
// tail of the newest file. Damage anywhere else, or followed by an intact record, is corruption
// of acknowledged data, and the server must not start on it.

import { open, stat, unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { adler32 } from './adler32';
import {
  CorruptLogError,
  END_OF_RECORD,
  FILE_HEADER_SIZE,
  RECORD_HEADER_SIZE,
  RECORD_OVERHEAD,
  TXN_MIN_SIZE,
  syncDir,
  txnZxid,
  zxidHex,
  type StorageLogger,
  type ZxidFile,
} from './format';
import { isZero, LogFileReader, readFully } from './log-reader';

const SCAN_CHUNK = 1 << 20;

/**
 * Repairs the newest log files and returns the last logged zxid (0n when there is none).
 * A newest file with no complete txn is removed, so the next file created never collides with it;
 * the file before it is then read strictly.
 */
export async function recoverLogs(dir: string, files: readonly ZxidFile[], log: StorageLogger): Promise<bigint> {
  for (let i = files.length - 1; i >= 0; i--) {
    const last = await recoverFile(files[i].path, i === files.length - 1, log);
    if (last !== null) return last;
    await syncDir(dir);
  }
  return 0n;
}

/** The last zxid in the file, or null if it held none (and, when repairing, was removed). */
async function recoverFile(path: string, repair: boolean, log: StorageLogger): Promise<bigint | null> {
  if (await hasNoHeader(path)) {
    if (!repair) throw new CorruptLogError(path, 0, 'the file header is missing');
    log(`Removing txn log ${basename(path)}: it has no file header (the server stopped while creating it)`, 'warn');
    await unlink(path);
    return null;
  }
  const reader = await LogFileReader.open(path);
  let lastZxid: bigint | null = null;
  let stop: { offset: number; reason: string };
  try {
    for (;;) {
      const e = await reader.next();
      if (e.kind === 'record') {
        lastZxid = e.zxid;
        continue;
      }
      stop = e.kind === 'bad' ? e : { offset: e.offset, reason: 'zero record header' };
      break;
    }
  } finally {
    await reader.close();
  }

  // Zeros to the end of the file are preallocated space (a bad record always has a non-zero
  // byte); anything else after the last good record is a torn write, unless an intact record follows.
  const dataEnd = await endOfData(path, stop.offset);
  if (dataEnd > stop.offset) {
    const valid = await findValidRecord(path, stop.offset, dataEnd, lastZxid ?? -1n);
    if (valid !== null) {
      throw new CorruptLogError(path, stop.offset, `${stop.reason}, yet an intact record follows at byte offset ${valid}`);
    }
    if (!repair) throw new CorruptLogError(path, stop.offset, `${stop.reason} in a log file that is not the newest`);
    log(
      `Dropping a torn record at byte offset ${stop.offset} of txn log ${basename(path)} (${stop.reason}); ` +
        `the last complete txn is ${lastZxid === null ? 'none' : zxidHex(lastZxid)}`,
      'warn',
    );
    await truncateFile(path, stop.offset);
  }
  if (lastZxid === null && repair) {
    log(`Removing txn log ${basename(path)}: it holds no complete txn`, 'warn');
    await unlink(path);
  }
  return lastZxid;
}

async function hasNoHeader(path: string): Promise<boolean> {
  const h = await open(path, 'r');
  try {
    const head = Buffer.alloc(FILE_HEADER_SIZE);
    const got = await readFully(h, head, 0);
    return got < FILE_HEADER_SIZE || isZero(head, 0, got);
  } finally {
    await h.close();
  }
}

/** One past the last non-zero byte at or after `from`; `from` itself when the rest is zeros. */
async function endOfData(path: string, from: number): Promise<number> {
  const size = (await stat(path)).size;
  const h = await open(path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(SCAN_CHUNK);
    // Backwards, because the zeros of preallocation sit at the end.
    for (let end = size; end > from; ) {
      const start = Math.max(from, end - SCAN_CHUNK);
      const got = await readFully(h, chunk.subarray(0, end - start), start);
      for (let i = got - 1; i >= 0; i--) if (chunk[i] !== 0) return start + i + 1;
      end = start;
    }
    return from;
  } finally {
    await h.close();
  }
}

/**
 * The offset of an intact record starting after `from` whose zxid is past `afterZxid`, or null.
 * Only runs when a bad record was found, so a byte-by-byte search is affordable.
 */
async function findValidRecord(path: string, from: number, to: number, afterZxid: bigint): Promise<number | null> {
  const h = await open(path, 'r');
  let data: Buffer;
  try {
    data = Buffer.allocUnsafe(to - from);
    data = data.subarray(0, await readFully(h, data, from));
  } finally {
    await h.close();
  }
  for (let q = 1; q + RECORD_OVERHEAD + TXN_MIN_SIZE <= data.length; q++) {
    const len = data.readInt32BE(q + 8);
    if (len < TXN_MIN_SIZE || q + RECORD_OVERHEAD + len > data.length) continue;
    const txnStart = q + RECORD_HEADER_SIZE;
    if (data[txnStart + len] !== END_OF_RECORD || data.readUInt32BE(q) !== 0) continue;
    if (txnZxid(data, txnStart) <= afterZxid) continue;
    if (adler32(data, txnStart, txnStart + len) === data.readUInt32BE(q + 4)) return from + q;
  }
  return null;
}

async function truncateFile(path: string, length: number): Promise<void> {
  const h = await open(path, 'r+');
  try {
    await h.truncate(length);
    await h.sync();
  } finally {
    await h.close();
  }
}
