import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VERSION_DIR } from './format';
import { purge } from './purge';
import { SnapshotStore } from './snapshot-store';

let root: string;
let dataDir: string;
let dataLogDir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'zoolab-purge-'));
  dataDir = join(root, 'data');
  dataLogDir = join(root, 'datalog');
  await mkdir(join(dataLogDir, VERSION_DIR), { recursive: true });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function layout(snapshots: bigint[], logs: bigint[]): Promise<void> {
  const store = await SnapshotStore.open(dataDir);
  for (const z of snapshots) await store.write(z, (w) => w.writeString('tree'));
  // purge decides from names alone, so the logs need no content.
  for (const z of logs) await writeFile(join(dataLogDir, VERSION_DIR, `log.${z.toString(16)}`), '');
}

const names = async (dir: string) => (await readdir(join(dir, VERSION_DIR))).sort();

describe('purge (PurgeTxnLog)', () => {
  it('keeps the newest snapshots and the logs that replay from the oldest of them', async () => {
    await layout([0x10n, 0x20n, 0x30n, 0x40n, 0x50n], [0x1n, 0x15n, 0x25n, 0x38n, 0x45n]);
    const deleted = await purge(dataDir, dataLogDir, 3);
    expect(await names(dataDir)).toEqual(['snapshot.30', 'snapshot.40', 'snapshot.50']);
    // log.25 holds the txns right after snapshot.30.
    expect(await names(dataLogDir)).toEqual(['log.25', 'log.38', 'log.45']);
    expect(deleted.map((p) => p.split('/').pop()).sort()).toEqual(['log.1', 'log.15', 'snapshot.10', 'snapshot.20']);
  });

  it('keeps the log that starts exactly at the oldest kept snapshot, and never fewer than 3 snapshots', async () => {
    await layout([0x10n, 0x20n, 0x30n, 0x40n], [0x1n, 0x20n, 0x31n]);
    await purge(dataDir, dataLogDir, 1);
    expect(await names(dataDir)).toEqual(['snapshot.20', 'snapshot.30', 'snapshot.40']);
    expect(await names(dataLogDir)).toEqual(['log.20', 'log.31']);
  });

  it('counts only snapshots with an intact trailer', async () => {
    await layout([0x10n, 0x20n, 0x30n, 0x40n, 0x50n], [0x1n, 0x15n, 0x25n, 0x45n]);
    await writeFile(join(dataDir, VERSION_DIR, 'snapshot.50'), 'torn');
    await purge(dataDir, dataLogDir, 3);
    expect(await names(dataDir)).toEqual(['snapshot.20', 'snapshot.30', 'snapshot.40', 'snapshot.50']);
    expect(await names(dataLogDir)).toEqual(['log.15', 'log.25', 'log.45']);
  });

  it('deletes nothing without a valid snapshot, or with fewer than it keeps', async () => {
    await layout([0x10n, 0x20n], [0x1n, 0x15n]);
    expect(await purge(dataDir, dataLogDir, 3)).toEqual([]);
    expect(await names(dataLogDir)).toEqual(['log.1', 'log.15']);
  });
});
