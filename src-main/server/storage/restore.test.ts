import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JuteReader } from '../../protocol/jute';
import { sampleTxn } from './measure-append';
import { restore } from './restore';
import { SnapshotStore } from './snapshot-store';
import { TxnLog } from './txn-log';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'zoolab-restore-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A stand-in for the data tree: the zxids applied, in order. */
const serializeApplied = (applied: bigint[]) => (w: import('../../protocol/jute').JuteWriter) =>
  w.writeVector(applied, (x, z) => x.writeLong(z));

describe('restore', () => {
  it('gives the newest snapshot and exactly the logged txns after its zxid', async () => {
    const dataDir = join(root, 'data');
    const dataLogDir = join(root, 'log');
    const log = await TxnLog.open(dataLogDir, { preAllocSizeKb: 4 });
    const snapshots = await SnapshotStore.open(dataDir);
    const applied: bigint[] = [];
    const snapshotWrites: Promise<string>[] = [];
    for (let z = 1n; z <= 100n; z++) {
      await log.append(z, sampleTxn(z));
      applied.push(z);
      // As SyncRequestProcessor: roll the log, then snapshot, while txns keep coming.
      if (z % 30n === 0n) {
        log.rollLog();
        snapshotWrites.push(snapshots.write(z, serializeApplied(applied)));
      }
    }
    await Promise.all(snapshotWrites);
    await log.close();

    const reopenedLog = await TxnLog.open(dataLogDir);
    const plan = await restore(await SnapshotStore.open(dataDir), reopenedLog);
    expect(plan.snapshot?.zxid).toBe(90n);
    const state = new JuteReader(plan.snapshot!.body).readVector((r) => r.readLong())!;
    for await (const t of plan.txns) state.push(t.zxid);
    expect(state).toEqual(applied);

    // With the newest snapshot damaged, replay starts further back and spans several log files.
    const newest = plan.snapshot!.file;
    const bytes = await readFile(newest);
    bytes[bytes.length - 20] ^= 0xff;
    await writeFile(newest, bytes);
    const fallback = await restore(await SnapshotStore.open(dataDir), reopenedLog);
    expect(fallback.snapshot?.zxid).toBe(60n);
    const replayed: bigint[] = [];
    for await (const t of fallback.txns) replayed.push(t.zxid);
    expect(replayed).toEqual(applied.slice(60));
    await reopenedLog.close();
  });

  it('replays the whole log when there is no snapshot', async () => {
    const log = await TxnLog.open(join(root, 'log'));
    for (let z = 1n; z <= 5n; z++) await log.append(z, sampleTxn(z));
    const plan = await restore(await SnapshotStore.open(join(root, 'data')), log);
    expect(plan.snapshot).toBeNull();
    const replayed: bigint[] = [];
    for await (const t of plan.txns) replayed.push(t.zxid);
    expect(replayed).toEqual([1n, 2n, 3n, 4n, 5n]);
    await log.close();
  });
});
