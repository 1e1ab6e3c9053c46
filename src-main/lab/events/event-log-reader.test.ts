import { appendFileSync, mkdirSync, mkdtempSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EVENTS_FILE, EventLogReader, tailAll, type EventBatch } from './event-log-reader';
import { fixtureEventsOf } from './fixture-events';

const line = (ts: number, node = 1, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ ts, node, type: 'zab.state', state: 'LOOKING', ...extra }) + '\n';

describe('EventLogReader', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'zoolab-events-'));
    file = join(dir, EVENTS_FILE);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a missing file as empty, then what gets appended', async () => {
    const reader = new EventLogReader(file);
    expect(await reader.read()).toEqual({ events: [], badLines: 0 });
    writeFileSync(file, line(1) + line(2));
    expect((await reader.read()).events.map((e) => e.ts)).toEqual([1, 2]);
    expect((await reader.read()).events).toEqual([]);
    appendFileSync(file, line(3));
    expect((await reader.read()).events.map((e) => e.ts)).toEqual([3]);
  });

  it('keeps a partial last line until it is finished', async () => {
    const reader = new EventLogReader(file);
    const third = line(3);
    writeFileSync(file, line(1) + line(2) + third.slice(0, 10));
    expect((await reader.read()).events.map((e) => e.ts)).toEqual([1, 2]);
    appendFileSync(file, third.slice(10, -1));
    expect((await reader.read()).events).toEqual([]);
    appendFileSync(file, '\n');
    expect((await reader.read()).events).toEqual([{ ts: 3, node: 1, type: 'zab.state', state: 'LOOKING' }]);
  });

  it('skips and counts lines that are not events, without throwing', async () => {
    const reader = new EventLogReader(file);
    writeFileSync(file, line(1) + '{"ts": 2, "node": 1, "ty\n' + '[1,2]\n' + '{"ts":"3","node":1,"type":"x"}\n' + '\n' + line(4));
    const batch = await reader.read();
    expect(batch.events.map((e) => e.ts)).toEqual([1, 4]);
    expect(batch.badLines).toBe(3);
  });

  it('starts over when the file is truncated or replaced', async () => {
    const reader = new EventLogReader(file);
    writeFileSync(file, line(1) + line(2) + line(3));
    await reader.read();
    truncateSync(file, 0);
    appendFileSync(file, line(10));
    expect((await reader.read()).events.map((e) => e.ts)).toEqual([10]);

    // Rewritten longer than what was read before the next poll: only its first bytes tell.
    truncateSync(file, 0);
    appendFileSync(file, line(11) + line(12) + line(13));
    expect((await reader.read()).events.map((e) => e.ts)).toEqual([11, 12, 13]);

    // Deleted and created again (file systems hand the new file the old inode, too).
    unlinkSync(file);
    writeFileSync(file, line(20) + line(21) + line(22) + line(23));
    expect((await reader.read()).events.map((e) => e.ts)).toEqual([20, 21, 22, 23]);
  });

  it('reads a long file in slices without breaking lines or multi-byte characters', async () => {
    const original = fixtureEventsOf(3);
    writeFileSync(file, original.map((e) => JSON.stringify({ ...e, note: 'ζωή 🦓' }) + '\n').join(''));
    const reader = new EventLogReader(file, 251);
    const seen = [];
    for (let i = 0; i < 10_000; i++) {
      const batch = await reader.read();
      expect(batch.badLines).toBe(0);
      seen.push(...batch.events);
      if (seen.length === original.length) break;
    }
    expect(seen).toEqual(original.map((e) => ({ ...e, note: 'ζωή 🦓' })));
  });
});

describe('tailAll', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'zoolab-tail-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('delivers every server\'s new events in time order until stopped', async () => {
    const dirs = [join(root, 'server-1'), join(root, 'server-2')];
    mkdirSync(dirs[0]);
    writeFileSync(join(dirs[0], EVENTS_FILE), line(5, 1) + line(30, 1));
    const batches: EventBatch[] = [];
    const tail = tailAll(dirs, (b) => batches.push(b), { intervalMs: 10 });
    await waitFor(() => batches.length >= 1);
    // The second server's directory appears later, as a starting server's does.
    mkdirSync(dirs[1]);
    writeFileSync(join(dirs[1], EVENTS_FILE), line(10, 2) + line(20, 2) + 'not json\n');
    appendFileSync(join(dirs[0], EVENTS_FILE), line(40, 1));
    await waitFor(() => batches.flatMap((b) => b.events).length === 5);
    await tail.stop();

    expect(batches[0].events.map((e) => e.ts)).toEqual([5, 30]);
    const later = batches.slice(1);
    expect(later.flatMap((b) => b.events.map((e) => `${e.node}@${e.ts}`))).toEqual(['2@10', '2@20', '1@40']);
    expect(later.reduce((n, b) => n + b.badLines, 0)).toBe(1);

    const delivered = batches.length;
    appendFileSync(join(dirs[0], EVENTS_FILE), line(50, 1));
    await new Promise((r) => setTimeout(r, 60));
    expect(batches).toHaveLength(delivered);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}
