import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adler32 } from './adler32';
import { VERSION_DIR } from './format';
import { measureAppend, sampleTxn } from './measure-append';
import { paddedSize, TxnLog, type LoggedTxn } from './txn-log';

let base: string;
let dir: string;
beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'zoolab-txnlog-'));
  dir = join(base, VERSION_DIR);
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

async function collect(it: AsyncIterable<LoggedTxn>): Promise<LoggedTxn[]> {
  const out: LoggedTxn[] = [];
  for await (const t of it) out.push(t);
  return out;
}

async function appendRange(log: TxnLog, from: number, to: number, size = 64): Promise<void> {
  for (let z = from; z <= to; z++) await log.append(BigInt(z), sampleTxn(BigInt(z), size));
}

const zxids = (txns: LoggedTxn[]) => txns.map((t) => Number(t.zxid));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('adler32', () => {
  it('matches java.util.zip.Adler32', () => {
    expect(adler32(Buffer.from('Wikipedia'))).toBe(0x11e60398);
    expect(adler32(Buffer.alloc(0))).toBe(1);
  });

  it('reduces correctly over long inputs', () => {
    const data = Buffer.alloc(100_003, 0xff);
    let a = 1;
    let b = 0;
    for (const byte of data) {
      a = (a + byte) % 65521;
      b = (b + a) % 65521;
    }
    expect(adler32(data)).toBe(((b << 16) | a) >>> 0);
  });
});

describe('paddedSize (FilePadding.calculateFileSizeWithPadding)', () => {
  it('grows by whole chunks only within 4 KB of the end', () => {
    const chunk = 64 * 1024;
    expect(paddedSize(16, 16, chunk)).toBe(16 + chunk);
    expect(paddedSize(100, 16 + chunk, chunk)).toBe(16 + chunk);
    expect(paddedSize(chunk - 4000, 16 + chunk, chunk)).toBe(16 + 2 * chunk);
    expect(paddedSize(3 * chunk + 5, chunk, chunk)).toBe(4 * chunk);
    expect(paddedSize(500, 16, 0)).toBe(16);
  });
});

describe('TxnLog', () => {
  it('round-trips txns across a reopen and reads from any zxid', async () => {
    const log = await TxnLog.open(base, { preAllocSizeKb: 4 });
    const sizes = [32, 100, 5000, 64, 20_000];
    for (let z = 1; z <= 50; z++) await log.append(BigInt(z), sampleTxn(BigInt(z), sizes[z % sizes.length]));
    expect(log.lastZxid).toBe(50n);
    expect(log.durableZxid).toBe(50n);
    await log.close();

    const again = await TxnLog.open(base, { preAllocSizeKb: 4 });
    expect(again.lastZxid).toBe(50n);
    const all = await collect(again.read(1n));
    expect(zxids(all)).toEqual(range(1, 50));
    for (const t of all) expect(t.txn.length).toBe(Math.max(32, sizes[Number(t.zxid) % sizes.length]));
    expect(all[6].txn.readBigInt64BE(12)).toBe(7n);
    expect(zxids(await collect(again.read(20n)))).toEqual(range(20, 50));
    expect(await collect(again.read(51n))).toEqual([]);
    await again.close();
  });

  it("writes ZooKeeper's layout: log.<hex>, FileHeader, checksummed records, zero preallocation", async () => {
    const log = await TxnLog.open(base, { preAllocSizeKb: 4 });
    const txn = sampleTxn(0x100000001n, 40);
    await log.append(0x100000001n, txn);
    await log.close();

    expect(await readdir(dir)).toEqual(['log.100000001']);
    const bytes = await readFile(join(dir, 'log.100000001'));
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('ZKLG');
    expect(bytes.readInt32BE(4)).toBe(2);
    expect(bytes.readBigInt64BE(8)).toBe(0n);
    expect(bytes.readBigInt64BE(16)).toBe(BigInt(adler32(txn)));
    expect(bytes.readInt32BE(24)).toBe(40);
    expect(bytes.subarray(28, 68).equals(txn)).toBe(true);
    expect(bytes[68]).toBe(0x42);
    // Padded for the end of the batch, so the file is a whole number of chunks.
    expect(bytes.length).toBe(4096);
    expect(bytes.subarray(69).every((b) => b === 0)).toBe(true);
  });

  it('refuses zxids out of order and txns whose header disagrees', async () => {
    const log = await TxnLog.open(base);
    await log.append(5n, sampleTxn(5n));
    await expect(log.append(5n, sampleTxn(5n))).rejects.toThrow(/0x5 is not after the last logged zxid 0x5/);
    await expect(log.append(4n, sampleTxn(4n))).rejects.toThrow(RangeError);
    await expect(log.append(6n, sampleTxn(7n))).rejects.toThrow(/differs from the TxnHeader/);
    await expect(log.append(6n, Buffer.alloc(10))).rejects.toThrow(/cannot hold a TxnHeader/);
    await log.append(6n, sampleTxn(6n));
    await log.close();
    await expect(log.append(7n, sampleTxn(7n))).rejects.toThrow(/closed/);
  });

  it('rolls to a new file, reads across files, and starts a new file after a reopen', async () => {
    const log = await TxnLog.open(base, { preAllocSizeKb: 4 });
    await appendRange(log, 1, 5);
    log.rollLog();
    await appendRange(log, 6, 10);
    // A roll between queued appends splits them exactly there: 11 and 12 join log.6.
    const first = Promise.all([11, 12].map((z) => log.append(BigInt(z), sampleTxn(BigInt(z)))));
    log.rollLog();
    const second = log.append(13n, sampleTxn(13n));
    await Promise.all([first, second]);
    await log.close();
    expect((await readdir(dir)).sort()).toEqual(['log.1', 'log.6', 'log.d']);

    const again = await TxnLog.open(base, { preAllocSizeKb: 4 });
    expect(zxids(await collect(again.read(7n)))).toEqual(range(7, 13));
    expect(zxids(await collect(again.read(3n)))).toEqual(range(3, 13));
    await again.append(14n, sampleTxn(14n));
    expect(await readdir(dir)).toContain('log.e');
    await again.close();
  });

  it('truncates every txn after a zxid, inside a file and across files', async () => {
    const log = await TxnLog.open(base, { preAllocSizeKb: 4 });
    await appendRange(log, 1, 5);
    log.rollLog();
    await appendRange(log, 6, 10);

    await log.truncate(8n);
    expect(log.lastZxid).toBe(8n);
    expect(zxids(await collect(log.read(1n)))).toEqual(range(1, 8));
    await log.append(9n, sampleTxn(9n, 99));
    expect((await collect(log.read(9n)))[0].txn.length).toBe(99);

    await log.truncate(3n);
    expect(log.lastZxid).toBe(3n);
    expect((await readdir(dir)).sort()).toEqual(['log.1']);
    await expect(log.append(3n, sampleTxn(3n))).rejects.toThrow(RangeError);
    await log.append(4n, sampleTxn(4n));
    await log.close();

    const again = await TxnLog.open(base);
    expect(zxids(await collect(again.read(1n)))).toEqual(range(1, 4));
    await again.close();
  });

  it('reads only what is durable from the file being appended to', async () => {
    const log = await TxnLog.open(base, { preAllocSizeKb: 4 });
    await appendRange(log, 1, 20);
    // More queued appends than one writev takes (IOV_MAX is 1024): libuv splits the batch.
    const writing = Promise.all(range(21, 3000).map((z) => log.append(BigInt(z), sampleTxn(BigInt(z), 300))));
    const seen = zxids(await collect(log.read(1n)));
    expect(seen.slice(0, 20)).toEqual(range(1, 20));
    expect(seen).toEqual(range(1, seen.length));
    await writing;
    expect(zxids(await collect(log.read(1n)))).toEqual(range(1, 3000));
    await log.close();
  });

  it('shares one fdatasync among the appends that arrive while one is in flight', async () => {
    let fsyncs = 0;
    const log = await TxnLog.open(base, { preAllocSizeKb: 64, onFsync: () => fsyncs++ });
    await Promise.all(range(1, 1000).map((z) => log.append(BigInt(z), sampleTxn(BigInt(z), 128))));
    await log.close();
    // All 1000 are queued before the writer runs: one batch.
    expect(fsyncs).toBe(1);

    const loaded = await measureAppend(join(base, 'closed-loop'), { writers: 100, txnsPerWriter: 10, txnBytes: 128, preAllocSizeKb: 64 });
    console.log(
      `group commit, 100 writers x 10 txns: ${loaded.fsyncs} fdatasyncs for ${loaded.txns} txns ` +
        `(${loaded.fsyncsPerTxn.toFixed(3)} per txn), ${Math.round(loaded.txnsPerSecond)} txn/s, ` +
        `mean fdatasync ${loaded.meanFsyncMs.toFixed(2)} ms`,
    );
    // Each writer waits for its previous txn, so a batch holds about one txn per writer.
    expect(loaded.fsyncsPerTxn).toBeLessThanOrEqual(0.05);

    // Arrivals spread over event-loop turns, as requests from sockets arrive.
    let spreadFsyncs = 0;
    const spreadLog = await TxnLog.open(join(base, 'spread'), { preAllocSizeKb: 64, onFsync: () => spreadFsyncs++ });
    const acks: Promise<void>[] = [];
    for (let z = 1; z <= 1000; z++) {
      acks.push(spreadLog.append(BigInt(z), sampleTxn(BigInt(z), 128)));
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(acks);
    await spreadLog.close();
    console.log(`group commit, 1000 txns one per event-loop turn: ${spreadFsyncs} fdatasyncs (${(spreadFsyncs / 1000).toFixed(3)} per txn)`);
    expect(spreadFsyncs).toBeLessThan(1000);

    const serial = await measureAppend(join(base, 'serial'), { writers: 1, txnsPerWriter: 50, txnBytes: 128, preAllocSizeKb: 64 });
    expect(serial.fsyncs).toBe(50);
  });

  it('grows the file in preallocation chunks', async () => {
    const log = await TxnLog.open(base, { preAllocSizeKb: 8 });
    await appendRange(log, 1, 100, 200);
    await log.close();
    const size = (await stat(join(dir, 'log.1'))).size;
    const used = 16 + 100 * (13 + 200);
    expect(size % 8192).toBe(0);
    expect(size).toBeGreaterThan(used + 4096);
  });
});
