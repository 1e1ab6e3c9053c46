export { TxnLog, type TxnLogOptions, type LoggedTxn } from './txn-log';
export { SnapshotStore, type SnapshotFile, type LoadedSnapshot } from './snapshot-store';
export { restore, type RestorePlan } from './restore';
export { purge, MIN_SNAP_RETAIN_COUNT } from './purge';
export { rollSnapshotDice, shouldSnapshot, type SnapshotDice, type SnapshotTriggerConfig } from './snapshot-trigger';
export { measureAppend, sampleTxn, type AppendLoad, type AppendMeasurement } from './measure-append';
export { CorruptLogError, VERSION_DIR, type StorageLogger } from './format';
