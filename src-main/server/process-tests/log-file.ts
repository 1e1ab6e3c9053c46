// Reads a txn log file the way a test damaging it needs: where each record starts and ends, and
// where the written data stops and preallocated zeros begin. Deliberately independent of the
// server's own reader (log-reader.ts), so a bug there cannot hide from the tests using this one.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { END_OF_RECORD, FILE_HEADER_SIZE, LOG_PREFIX, RECORD_HEADER_SIZE, RECORD_OVERHEAD, TXN_ZXID_OFFSET, VERSION_DIR } from '../storage/format';

export interface LogRecord {
  /** Byte offset of the record's crc. */
  offset: number;
  /** One past its end-of-record byte. */
  end: number;
  zxid: bigint;
}

export interface LogFileLayout {
  file: string;
  records: LogRecord[];
  /** One past the last record; zeros (preallocation) or the end of file follow. */
  dataEnd: number;
  size: number;
}

/** The newest `log.<zxid>` file in a data directory, by zxid. */
export function newestLogFile(dataLogDir: string): string {
  const dir = path.join(dataLogDir, VERSION_DIR);
  const logs = readdirSync(dir)
    .filter((n) => new RegExp(`^${LOG_PREFIX}\\.[0-9a-f]+$`).test(n))
    .sort((a, b) => (BigInt(`0x${a.slice(4)}`) < BigInt(`0x${b.slice(4)}`) ? -1 : 1));
  if (logs.length === 0) throw new Error(`no txn log in ${dir}`);
  return path.join(dir, logs.at(-1)!);
}

/** The intact records from the file header on; stops at the first zero or malformed header. */
export function readLogLayout(file: string): LogFileLayout {
  const bytes = readFileSync(file);
  const records: LogRecord[] = [];
  let at = FILE_HEADER_SIZE;
  while (at + RECORD_HEADER_SIZE <= bytes.length) {
    const len = bytes.readInt32BE(at + 8);
    const end = at + RECORD_OVERHEAD + len;
    if (len <= 0 || end > bytes.length || bytes[end - 1] !== END_OF_RECORD) break;
    records.push({ offset: at, end, zxid: bytes.readBigInt64BE(at + RECORD_HEADER_SIZE + TXN_ZXID_OFFSET) });
    at = end;
  }
  return { file, records, dataEnd: at, size: bytes.length };
}
