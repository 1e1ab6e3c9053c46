import { cp, mkdtemp, open, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorruptLogError, FILE_HEADER_SIZE, RECORD_OVERHEAD, VERSION_DIR } from './format';
import { sampleTxn } from './measure-append';
import { TxnLog, type LoggedTxn } from './txn-log';

const TXN_SIZE = 48;
const RECORD_SIZE = RECORD_OVERHEAD + TXN_SIZE;
const recordOffset = (n: number) => FILE_HEADER_SIZE + (n - 1) * RECORD_SIZE;

let root: string;
let pristine: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'zoolab-recovery-'));
  pristine = join(root, 'pristine');
  const log = await TxnLog.open(pristine, { preAllocSizeKb: 4 });
  for (let z = 1n; z <= 5n; z++) await log.append(z, sampleTxn(z, TXN_SIZE));
  await log.close();
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let copies = 0;
/** A fresh copy of the five-txn log, and the path of its one file. */
async function copyOfLog(): Promise<{ base: string; file: string }> {
  const base = join(root, `copy-${copies++}`);
  await cp(pristine, base, { recursive: true });
  return { base, file: join(base, VERSION_DIR, 'log.1') };
}

async function openAndRead(base: string): Promise<{ lines: string[]; zxids: number[]; log: TxnLog }> {
  const lines: string[] = [];
  const log = await TxnLog.open(base, { preAllocSizeKb: 4, log: (m) => lines.push(m) });
  const txns: LoggedTxn[] = [];
  for await (const t of log.read(1n)) txns.push(t);
  return { lines, zxids: txns.map((t) => Number(t.zxid)), log };
}

async function patch(file: string, offset: number, bytes: Buffer): Promise<void> {
  const h = await open(file, 'r+');
  await h.write(bytes, 0, bytes.length, offset);
  await h.close();
}

async function flipByte(file: string, offset: number): Promise<void> {
  const b = (await readFile(file))[offset];
  await patch(file, offset, Buffer.from([b ^ 0x20]));
}

describe('recovery of a torn tail in the newest log', () => {
  const lastStart = recordOffset(5);

  /** The checksum's high word is always zero: a record cut before its first non-zero byte left no trace. */
  async function firstNonZeroOfLastRecord(): Promise<number> {
    const record = (await readFile(join(pristine, VERSION_DIR, 'log.1'))).subarray(lastStart, lastStart + RECORD_SIZE);
    return lastStart + record.findIndex((b) => b !== 0);
  }

  it('recovers the prefix when the file is cut at any byte of the last record', async () => {
    const firstTrace = await firstNonZeroOfLastRecord();
    for (let cut = lastStart; cut < lastStart + RECORD_SIZE; cut++) {
      const { base, file } = await copyOfLog();
      await truncate(file, cut);
      const { lines, zxids, log } = await openAndRead(base);
      expect(zxids, `cut at ${cut}`).toEqual([1, 2, 3, 4]);
      if (cut > firstTrace) {
        expect(lines.join('\n')).toMatch(new RegExp(`torn record at byte offset ${lastStart} of txn log log\\.1`));
        expect((await stat(file)).size).toBe(lastStart);
      } else {
        // Only zeros of the record made it: that reads as preallocated space, nothing to report.
        expect(lines).toEqual([]);
      }
      // The lost txn can be logged again, into a new file.
      await log.append(5n, sampleTxn(5n, TXN_SIZE));
      const replayed: number[] = [];
      for await (const t of log.read(1n)) replayed.push(Number(t.zxid));
      expect(replayed).toEqual([1, 2, 3, 4, 5]);
      await log.close();
      expect((await readdir(join(base, VERSION_DIR))).sort()).toEqual(['log.1', 'log.5']);
      await rm(base, { recursive: true });
    }
  });

  it('recovers the prefix when the last record was only partly written over preallocated zeros', async () => {
    const firstTrace = await firstNonZeroOfLastRecord();
    for (let from = lastStart; from < lastStart + RECORD_SIZE; from++) {
      const { base, file } = await copyOfLog();
      await patch(file, from, Buffer.alloc(lastStart + RECORD_SIZE - from));
      const { lines, zxids, log } = await openAndRead(base);
      expect(zxids, `zeros from ${from}`).toEqual([1, 2, 3, 4]);
      expect(lines.length > 0, `zeros from ${from}`).toBe(from > firstTrace);
      await log.close();
      await rm(base, { recursive: true });
    }
  });

  it("drops a last record with a bad checksum or without its 'B'", async () => {
    for (const [offset, why] of [
      [lastStart + 12 + 30, 'checksum mismatch'],
      [lastStart + RECORD_SIZE - 1, "missing end-of-record marker 'B'"],
    ] as const) {
      const { base, file } = await copyOfLog();
      await flipByte(file, offset);
      const { lines, zxids, log } = await openAndRead(base);
      expect(zxids).toEqual([1, 2, 3, 4]);
      expect(lines[0]).toContain(why);
      await log.close();
    }
  });

  it('treats a zero-length record written over preallocation as torn', async () => {
    const { base, file } = await copyOfLog();
    await patch(file, lastStart + 8, Buffer.alloc(RECORD_SIZE - 8));
    const { lines, zxids, log } = await openAndRead(base);
    expect(zxids).toEqual([1, 2, 3, 4]);
    expect(lines[0]).toContain('record length 0');
    await log.close();
  });

  it('removes a newest log that has no header or no complete txn, then reads the one before', async () => {
    const { base } = await copyOfLog();
    const dir = join(base, VERSION_DIR);
    await writeFile(join(dir, 'log.6'), Buffer.alloc(0));
    let r = await openAndRead(base);
    expect(r.zxids).toEqual([1, 2, 3, 4, 5]);
    expect(r.log.lastZxid).toBe(5n);
    expect(r.lines[0]).toMatch(/Removing txn log log\.6: it has no file header/);
    await r.log.close();

    const header = (await readFile(join(dir, 'log.1'))).subarray(0, FILE_HEADER_SIZE);
    await writeFile(join(dir, 'log.6'), Buffer.concat([header, Buffer.from([0, 0, 0, 0, 0, 0, 1, 2, 0])]));
    r = await openAndRead(base);
    expect(r.log.lastZxid).toBe(5n);
    expect(r.lines.join('\n')).toMatch(/Removing txn log log\.6: it holds no complete txn/);
    expect(await readdir(dir)).toEqual(['log.1']);
    await r.log.close();
  });
});

describe('corruption that recovery must not paper over', () => {
  it('refuses to start on a damaged record followed by intact ones, naming the file and offset', async () => {
    const { base, file } = await copyOfLog();
    const third = recordOffset(3);
    await flipByte(file, third + 12 + 20);
    const err = await TxnLog.open(base).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptLogError);
    expect((err as CorruptLogError).file).toBe(file);
    expect((err as CorruptLogError).offset).toBe(third);
    expect((err as Error).message).toBe(
      `transaction log ${file} is corrupt at byte offset ${third}: checksum mismatch, yet an intact record follows at byte offset ${recordOffset(4)}`,
    );
    // Nothing was cut.
    expect((await stat(file)).size).toBe((await stat(join(pristine, VERSION_DIR, 'log.1'))).size);
  });

  it('refuses a damaged length in the middle even though the records after it cannot be located from it', async () => {
    const { base, file } = await copyOfLog();
    await patch(file, recordOffset(2) + 8, Buffer.from([0x7f, 0, 0, 0]));
    await expect(TxnLog.open(base)).rejects.toThrow(`at byte offset ${recordOffset(2)}: record of 2130706432 bytes runs past`);
  });

  it('refuses a zeroed stretch in the middle followed by intact records', async () => {
    const { base, file } = await copyOfLog();
    await patch(file, recordOffset(2), Buffer.alloc(RECORD_SIZE));
    await expect(TxnLog.open(base)).rejects.toThrow(`at byte offset ${recordOffset(2)}: zero record header, yet an intact record follows`);
  });

  it('fails the replay on a damaged record in a log that is not the newest', async () => {
    const base = join(root, 'two-files');
    const log = await TxnLog.open(base, { preAllocSizeKb: 4 });
    for (let z = 1n; z <= 5n; z++) await log.append(z, sampleTxn(z, TXN_SIZE));
    log.rollLog();
    for (let z = 6n; z <= 8n; z++) await log.append(z, sampleTxn(z, TXN_SIZE));
    await log.close();
    const older = join(base, VERSION_DIR, 'log.1');
    await flipByte(older, recordOffset(5) + 20);

    // Opening reads only the newest file; replaying through the old one fails, naming it.
    const reopened = await TxnLog.open(base);
    const replay = async () => {
      for await (const t of reopened.read(1n)) void t;
    };
    await expect(replay()).rejects.toThrow(`transaction log ${older} is corrupt at byte offset ${recordOffset(5)}: checksum mismatch`);
    await reopened.close();

    // The same damage in a file that is no longer the newest after an empty one is removed.
    const dir = join(base, VERSION_DIR);
    await rm(join(dir, 'log.6'));
    await writeFile(join(dir, 'log.9'), Buffer.alloc(0));
    await expect(TxnLog.open(base)).rejects.toThrow(/checksum mismatch in a log file that is not the newest/);
  });

  it('refuses a file that is not a txn log', async () => {
    const { base, file } = await copyOfLog();
    await patch(file, 0, Buffer.from('ZKSN'));
    await expect(TxnLog.open(base)).rejects.toThrow(/corrupt at byte offset 0: bad magic 0x5a4b534e, expected 'ZKLG'/);
  });
});
