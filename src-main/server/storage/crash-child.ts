// The process crash.test.ts kills: it appends txns from concurrent writers to the log in
// argv[2] and prints each zxid once append() acknowledged it. stdout to a pipe is synchronous on
// Linux, so a printed zxid reached the parent before any SIGKILL could land.

import { sampleTxn } from './measure-append';
import { TxnLog } from './txn-log';

const [dataLogDir, writers] = process.argv.slice(2);
const log = await TxnLog.open(dataLogDir, { preAllocSizeKb: 64, log: (m) => process.stderr.write(`${m}\n`) });
let next = log.lastZxid;

async function writer(): Promise<void> {
  for (;;) {
    const zxid = ++next;
    // Sizes that straddle pages, so a kill can land inside a record.
    await log.append(zxid, sampleTxn(zxid, 700 + Number(zxid % 13n) * 331));
    process.stdout.write(`${zxid}\n`);
  }
}

await Promise.all(Array.from({ length: Number(writers) }, writer));
