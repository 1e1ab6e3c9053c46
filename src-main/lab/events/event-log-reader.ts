// Follows servers' events.jsonl files by polling (fs.watch misses appends on some platforms and
// file systems): each read returns the complete lines appended since the last one.
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { parseEventLine, type ZooEvent } from './zoo-event';

/** The file each server appends to in its data directory (src-main/server/events.ts). */
export const EVENTS_FILE = 'events.jsonl';

export interface EventBatch {
  events: ZooEvent[];
  /** Lines in this batch that were not events; they are skipped. */
  badLines: number;
}

const NEWLINE = 0x0a;
/** How much of a file's start identifies it: the first event's microsecond timestamp is in there. */
const HEAD_BYTES = 64;
/** A long backlog is read in slices so one poll does not hold the whole file in memory. */
const DEFAULT_MAX_BYTES_PER_READ = 4 * 1024 * 1024;

export class EventLogReader {
  private offset = 0;
  private inode: number | null = null;
  /** The file's first bytes as read: file systems reuse a deleted file's inode for the next one. */
  private head: Buffer = Buffer.alloc(0);
  /** The bytes after the last newline: a line still being written. */
  private partial: Buffer = Buffer.alloc(0);

  constructor(
    readonly file: string,
    private readonly maxBytesPerRead = DEFAULT_MAX_BYTES_PER_READ,
  ) {}

  /** The events appended since the last read; a missing file reads as empty. */
  async read(): Promise<EventBatch> {
    let handle;
    try {
      handle = await open(this.file, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { events: [], badLines: 0 };
      throw err;
    }
    try {
      const { size, ino } = await handle.stat();
      // A new file (a wiped data directory) or a shorter one (truncated) starts over from its first byte.
      if (ino !== this.inode || size < this.offset || !(await this.sameHead(handle))) this.restart(ino);
      const length = Math.min(size - this.offset, this.maxBytesPerRead);
      if (length <= 0) return { events: [], badLines: 0 };
      const chunk = Buffer.alloc(length);
      const { bytesRead } = await handle.read(chunk, 0, length, this.offset);
      const read = chunk.subarray(0, bytesRead);
      if (this.offset === 0) this.head = Buffer.from(read.subarray(0, HEAD_BYTES));
      this.offset += bytesRead;
      return this.takeLines(read);
    } finally {
      await handle.close();
    }
  }

  private async sameHead(handle: FileHandle): Promise<boolean> {
    if (this.head.length === 0) return true;
    const now = Buffer.alloc(this.head.length);
    const { bytesRead } = await handle.read(now, 0, now.length, 0);
    return bytesRead === now.length && now.equals(this.head);
  }

  private restart(inode: number): void {
    this.inode = inode;
    this.offset = 0;
    this.head = Buffer.alloc(0);
    this.partial = Buffer.alloc(0);
  }

  private takeLines(chunk: Buffer): EventBatch {
    const bytes = this.partial.length > 0 ? Buffer.concat([this.partial, chunk]) : chunk;
    const end = bytes.lastIndexOf(NEWLINE);
    // Split on bytes, not text, so a multi-byte character cut by the read stays whole.
    this.partial = Buffer.from(bytes.subarray(end + 1));
    const batch: EventBatch = { events: [], badLines: 0 };
    if (end < 0) return batch;
    for (const line of bytes.toString('utf8', 0, end).split('\n')) {
      if (line.trim() === '') continue;
      const event = parseEventLine(line);
      if (event) batch.events.push(event);
      else batch.badLines++;
    }
    return batch;
  }
}

export interface TailOptions {
  intervalMs?: number;
  /** A file that cannot be read (other than missing) is retried next poll; this hears why. */
  onError?: (file: string, err: unknown) => void;
}

export interface Tail {
  /** Stops polling; resolves once a poll in progress has finished. Nothing is delivered after stop. */
  stop(): Promise<void>;
}

/**
 * Polls `<dir>/events.jsonl` for every directory and hands each non-empty poll's events to
 * `onBatch`, ordered by time (each server's own order is kept; ties keep file order).
 */
export function tailAll(dirs: readonly string[], onBatch: (batch: EventBatch) => void, options: TailOptions = {}): Tail {
  const intervalMs = options.intervalMs ?? 200;
  const readers = dirs.map((dir) => new EventLogReader(join(dir, EVENTS_FILE)));
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let polling: Promise<void> = Promise.resolve();

  const poll = async (): Promise<void> => {
    const batch: EventBatch = { events: [], badLines: 0 };
    for (const reader of readers) {
      try {
        const read = await reader.read();
        batch.events = batch.events.concat(read.events);
        batch.badLines += read.badLines;
      } catch (err) {
        options.onError?.(reader.file, err);
      }
    }
    batch.events.sort((a, b) => a.ts - b.ts);
    if (!stopped && (batch.events.length > 0 || batch.badLines > 0)) onBatch(batch);
  };

  // Each poll is scheduled after the previous one ends, so slow reads never overlap.
  const schedule = (delay: number): void => {
    timer = setTimeout(() => {
      polling = poll().finally(() => {
        if (!stopped) schedule(intervalMs);
      });
    }, delay);
  };
  schedule(0);

  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await polling;
    },
  };
}
