// Group commit under load, measured: `writers` concurrent writers each append their next txn as
// soon as the previous one is durable, like clients with one request outstanding each.

import { TxnLog } from './txn-log';
import { TXN_MIN_SIZE } from './format';

export interface AppendLoad {
  writers: number;
  txnsPerWriter: number;
  /** Size of each txn, TxnHeader included. */
  txnBytes?: number;
  preAllocSizeKb?: number;
}

export interface AppendMeasurement {
  txns: number;
  fsyncs: number;
  fsyncsPerTxn: number;
  elapsedMs: number;
  txnsPerSecond: number;
  meanFsyncMs: number;
}

/** A txn of `size` bytes (at least a TxnHeader) for `zxid`: a setData-typed header, zero body. */
export function sampleTxn(zxid: bigint, size = 64): Buffer {
  const txn = Buffer.alloc(Math.max(TXN_MIN_SIZE + 12, size));
  txn.writeBigInt64BE(0x1234n, 0);
  txn.writeInt32BE(Number(zxid & 0x7fffffffn), 8);
  txn.writeBigInt64BE(zxid, 12);
  txn.writeBigInt64BE(BigInt(Date.now()), 20);
  txn.writeInt32BE(5, 28);
  return txn;
}

/** Appends to a fresh log in dataLogDir (which should be empty) and counts fdatasyncs. */
export async function measureAppend(dataLogDir: string, load: AppendLoad): Promise<AppendMeasurement> {
  let fsyncs = 0;
  let fsyncMs = 0;
  const log = await TxnLog.open(dataLogDir, {
    preAllocSizeKb: load.preAllocSizeKb,
    onFsync: (ms) => {
      fsyncs++;
      fsyncMs += ms;
    },
  });
  let next = log.lastZxid;
  const writer = async (): Promise<void> => {
    for (let i = 0; i < load.txnsPerWriter; i++) {
      const zxid = ++next;
      await log.append(zxid, sampleTxn(zxid, load.txnBytes));
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: load.writers }, writer));
  const elapsedMs = performance.now() - started;
  await log.close();
  const txns = load.writers * load.txnsPerWriter;
  return {
    txns,
    fsyncs,
    fsyncsPerTxn: fsyncs / txns,
    elapsedMs,
    txnsPerSecond: (txns / elapsedMs) * 1000,
    meanFsyncMs: fsyncs > 0 ? fsyncMs / fsyncs : 0,
  };
}
