// The structured event log: one JSON object per line in <dataDir>/events.jsonl, for every
// connection, session, txn, snapshot and state change. The lab tails it and the views draw it,
// so every line carries a monotonic timestamp in microseconds and the node's id.

import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';

export type EventFields = Record<string, string | number | boolean | null | undefined>;

const origin = process.hrtime.bigint();
const wallAtOrigin = Date.now();

/** Microseconds on a monotonic clock, anchored to wall-clock time at process start. */
export function monotonicMicros(): number {
  return wallAtOrigin * 1000 + Number((process.hrtime.bigint() - origin) / 1000n);
}

export class EventLog {
  private readonly stream: WriteStream | null;
  private buffer: string[] = [];
  private flushScheduled = false;

  constructor(dataDir: string | null, private readonly node: number) {
    this.stream = dataDir ? createWriteStream(path.join(dataDir, 'events.jsonl'), { flags: 'a' }) : null;
  }

  /** Appends one event; lines written in the same tick go out in one write. */
  emit(type: string, fields: EventFields = {}): void {
    if (!this.stream) return;
    this.buffer.push(JSON.stringify({ ts: monotonicMicros(), node: this.node, type, ...fields }));
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.buffer.length === 0 || !this.stream) return;
    this.stream.write(this.buffer.join('\n') + '\n');
    this.buffer = [];
  }

  close(): Promise<void> {
    this.flush();
    return new Promise((resolve) => (this.stream ? this.stream.end(resolve) : resolve()));
  }
}

/** zxids as ZooKeeper prints them: 0x-prefixed hex. */
export const hexZxid = (zxid: bigint): string => `0x${zxid.toString(16)}`;
