// When to roll the log and take a snapshot, as SyncRequestProcessor decides: after snapCount/2
// plus a random share of snapCount/2 txns (or the size equivalent), so the servers of an
// ensemble do not all snapshot at the same moment.

export interface SnapshotTriggerConfig {
  /** zookeeper.snapCount (default 100000; ZooKeeper raises anything below 2 to 2). */
  snapCount: number;
  /** zookeeper.snapSizeLimitInKb (default 4 GB); 0 or less turns the size trigger off. */
  snapSizeLimitKb?: number;
}

/** Drawn again after every snapshot (resetSnapshotStats). */
export interface SnapshotDice {
  randRoll: number;
  randSize: number;
}

const DEFAULT_SNAP_SIZE_LIMIT_KB = 4194304;

/** random() returns a number in [0, 1), like Math.random. */
export function rollSnapshotDice(config: SnapshotTriggerConfig, random: () => number): SnapshotDice {
  const halfSize = Math.floor(snapSizeBytes(config) / 2);
  return {
    randRoll: Math.floor(random() * Math.floor(snapCount(config) / 2)),
    randSize: halfSize > 0 ? Math.floor(random() * halfSize) : 0,
  };
}

/** logCount and logSizeBytes are the txns and log bytes since the last snapshot. */
export function shouldSnapshot(
  config: SnapshotTriggerConfig,
  dice: SnapshotDice,
  logCount: number,
  logSizeBytes: number,
): boolean {
  const sizeLimit = snapSizeBytes(config);
  return (
    logCount > Math.floor(snapCount(config) / 2) + dice.randRoll ||
    (sizeLimit > 0 && logSizeBytes > Math.floor(sizeLimit / 2) + dice.randSize)
  );
}

function snapCount(config: SnapshotTriggerConfig): number {
  return Math.max(2, config.snapCount);
}

function snapSizeBytes(config: SnapshotTriggerConfig): number {
  return Math.max(0, config.snapSizeLimitKb ?? DEFAULT_SNAP_SIZE_LIMIT_KB) * 1024;
}
