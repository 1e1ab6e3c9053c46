// Autopurge as PurgeTxnLog does it: keep the newest snapRetainCount snapshots and every log a
// restore from the oldest of them needs; delete older snapshots and logs.

import { unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { ensureVersionDir, filesFrom, listZxidFiles, LOG_PREFIX, SNAPSHOT_PREFIX, type StorageLogger, type ZxidFile } from './format';
import { hasSnapshotTrailer } from './snapshot-store';

/** autopurge.snapRetainCount cannot go below this (DatadirCleanupManager). */
export const MIN_SNAP_RETAIN_COUNT = 3;

/** Returns the paths it deleted. */
export async function purge(
  dataDir: string,
  dataLogDir: string,
  snapRetainCount: number,
  log: StorageLogger = () => {},
): Promise<string[]> {
  const retain = Math.max(MIN_SNAP_RETAIN_COUNT, snapRetainCount);
  const snapshots = await listZxidFiles(await ensureVersionDir(dataDir), SNAPSHOT_PREFIX);
  const logs = await listZxidFiles(await ensureVersionDir(dataLogDir), LOG_PREFIX);

  // FileSnap.findNValidSnapshots: newest first, counting only files with an intact trailer.
  const kept: ZxidFile[] = [];
  for (let i = snapshots.length - 1; i >= 0 && kept.length < retain; i--) {
    if (await hasSnapshotTrailer(snapshots[i].path)) kept.push(snapshots[i]);
  }
  if (kept.length === 0) return [];
  const oldestKept = kept[kept.length - 1].zxid;

  const neededLogs = new Set(filesFrom(logs, oldestKept).map((f) => f.path));
  const doomed = [
    ...logs.filter((f) => !neededLogs.has(f.path)),
    ...snapshots.filter((f) => f.zxid < oldestKept),
  ];
  for (const f of doomed) {
    log(`Purging ${basename(f.path)}`);
    await unlink(f.path);
  }
  return doomed.map((f) => f.path);
}
