// Reads one txn log file record by record, in chunks, classifying each position as a valid
// record, the end of the log, or a bad record. Deciding what a bad record means is the caller's.

import { open, type FileHandle } from 'node:fs/promises';
import { adler32 } from './adler32';
import {
  CorruptLogError,
  END_OF_RECORD,
  FILE_FORMAT_VERSION,
  FILE_HEADER_SIZE,
  RECORD_HEADER_SIZE,
  RECORD_OVERHEAD,
  TXNLOG_MAGIC,
  TXN_MIN_SIZE,
  txnZxid,
} from './format';

export type LogEntry =
  /** txn is a view into the reader's buffer: copy it to keep it past the next read. */
  | { kind: 'record'; offset: number; end: number; zxid: bigint; txn: Buffer }
  /**
   * The end of the written log: end of file, or a zero record header (preallocated space; it may
   * be shorter than a header at the very end of the file, as padding does not align to records).
   */
  | { kind: 'end'; offset: number }
  | { kind: 'bad'; offset: number; reason: string };

const CHUNK = 1 << 20;

export class LogFileReader {
  private buf = Buffer.alloc(0);
  private bufStart = 0;
  private pos = FILE_HEADER_SIZE;
  private size: number | null = null;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly durableEnd: () => number | null,
  ) {}

  /**
   * Opens a log file and checks its FileHeader. `durableEnd` caps how far it reads while the
   * file is being appended to (bytes past it may be in flight); null means read to the end.
   */
  static async open(path: string, durableEnd: () => number | null = () => null): Promise<LogFileReader> {
    const handle = await open(path, 'r');
    try {
      const reader = new LogFileReader(path, handle, durableEnd);
      await reader.checkHeader();
      return reader;
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  private async limit(): Promise<number> {
    const end = this.durableEnd();
    if (end !== null) return end;
    this.size ??= (await this.handle.stat()).size;
    return this.size;
  }

  private async checkHeader(): Promise<void> {
    if ((await this.limit()) < FILE_HEADER_SIZE) throw new CorruptLogError(this.path, 0, 'the file header is incomplete');
    await this.fill(0, FILE_HEADER_SIZE, FILE_HEADER_SIZE);
    const magic = this.buf.readInt32BE(0);
    const version = this.buf.readInt32BE(4);
    if (magic !== TXNLOG_MAGIC) {
      throw new CorruptLogError(this.path, 0, `bad magic 0x${(magic >>> 0).toString(16)}, expected 'ZKLG'`);
    }
    if (version !== FILE_FORMAT_VERSION) throw new CorruptLogError(this.path, 4, `unsupported version ${version}`);
  }

  async next(): Promise<LogEntry> {
    const at = this.pos;
    const limit = await this.limit();
    const available = limit - at;
    if (available <= 0) return { kind: 'end', offset: at };
    const headerBytes = Math.min(RECORD_HEADER_SIZE, available);
    await this.fill(at, headerBytes, limit);
    const o = at - this.bufStart;
    if (isZero(this.buf, o, o + headerBytes)) return { kind: 'end', offset: at };
    if (headerBytes < RECORD_HEADER_SIZE) return { kind: 'bad', offset: at, reason: 'partial record header' };

    const crcHigh = this.buf.readUInt32BE(o);
    const crc = this.buf.readUInt32BE(o + 4);
    const len = this.buf.readInt32BE(o + 8);
    if (len <= 0) return { kind: 'bad', offset: at, reason: `record length ${len}` };
    if (RECORD_OVERHEAD + len > available) {
      return { kind: 'bad', offset: at, reason: `record of ${len} bytes runs past the end of the file` };
    }
    await this.fill(at, RECORD_OVERHEAD + len, limit);
    const start = at - this.bufStart + RECORD_HEADER_SIZE;
    if (this.buf[start + len] !== END_OF_RECORD) {
      return { kind: 'bad', offset: at, reason: "missing end-of-record marker 'B'" };
    }
    if (crcHigh !== 0 || adler32(this.buf, start, start + len) !== crc) {
      return { kind: 'bad', offset: at, reason: 'checksum mismatch' };
    }
    if (len < TXN_MIN_SIZE) return { kind: 'bad', offset: at, reason: `txn of ${len} bytes has no TxnHeader` };
    this.pos = at + RECORD_OVERHEAD + len;
    return { kind: 'record', offset: at, end: this.pos, zxid: txnZxid(this.buf, start), txn: this.buf.subarray(start, start + len) };
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  /** Makes bytes [at, at + n) present in buf; chunks are never reused, so earlier views stay valid. */
  private async fill(at: number, n: number, limit: number): Promise<void> {
    if (at >= this.bufStart && at + n <= this.bufStart + this.buf.length) return;
    const want = Math.max(n, Math.min(CHUNK, limit - at));
    const next = Buffer.allocUnsafe(want);
    const got = await readFully(this.handle, next, at);
    if (got < n) throw new CorruptLogError(this.path, at + got, 'the file shrank while it was being read');
    this.buf = next.subarray(0, got);
    this.bufStart = at;
  }
}

export async function readFully(handle: FileHandle, into: Buffer, position: number): Promise<number> {
  let got = 0;
  while (got < into.length) {
    const { bytesRead } = await handle.read(into, got, into.length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

export function isZero(b: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i] !== 0) return false;
  return true;
}
