import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JuteReader } from '../../protocol/jute';
import { adler32 } from './adler32';
import { VERSION_DIR } from './format';
import { hasSnapshotTrailer, SnapshotStore, snapshotBody } from './snapshot-store';

let base: string;
let dir: string;
beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'zoolab-snap-'));
  dir = join(base, VERSION_DIR);
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('SnapshotStore', () => {
  it("writes FileSnap's layout: 'ZKSN' header, the body, the Adler32 seal and '/'", async () => {
    const store = await SnapshotStore.open(base);
    const file = await store.write(0x2a0000000fn, (w) => w.writeString('hello').writeLong(7n));
    expect(file).toBe(join(dir, 'snapshot.2a0000000f'));
    expect(await readdir(dir)).toEqual(['snapshot.2a0000000f']);

    const bytes = await readFile(file);
    const r = new JuteReader(bytes);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('ZKSN');
    r.readInt();
    expect(r.readInt()).toBe(2);
    expect(r.readLong()).toBe(-1n);
    expect(r.readString()).toBe('hello');
    expect(r.readLong()).toBe(7n);
    const sealAt = r.pos;
    expect(r.readLong()).toBe(BigInt(adler32(bytes, 0, sealAt)));
    expect(r.readString()).toBe('/');
    expect(r.remaining).toBe(0);
    expect(await hasSnapshotTrailer(file)).toBe(true);
  });

  it('loads the newest valid snapshot and its body', async () => {
    const store = await SnapshotStore.open(base);
    await store.write(5n, (w) => w.writeString('five'));
    await store.write(0x10n, (w) => w.writeString('sixteen'));
    const loaded = await store.newestValid();
    expect(loaded?.zxid).toBe(0x10n);
    expect(loaded?.file).toBe(join(dir, 'snapshot.10'));
    expect(new JuteReader(loaded!.body).readString()).toBe('sixteen');
    expect((await store.list()).map((s) => s.zxid)).toEqual([5n, 0x10n]);
  });

  it('falls back to the previous snapshot when the newest is corrupt or incomplete', async () => {
    const lines: string[] = [];
    const store = await SnapshotStore.open(base, { log: (m) => lines.push(m) });
    await store.write(1n, (w) => w.writeString('one'));
    await store.write(2n, (w) => w.writeString('two'));
    const three = await store.write(3n, (w) => w.writeString('three'));

    const bytes = await readFile(three);
    bytes[20] ^= 0x01;
    await writeFile(three, bytes);
    let loaded = await store.newestValid();
    expect(loaded?.zxid).toBe(2n);
    expect(lines.filter((l) => l.startsWith('Skipping'))).toEqual(['Skipping snapshot snapshot.3: checksum mismatch']);

    await truncate(join(dir, 'snapshot.2'), 20);
    loaded = await store.newestValid();
    expect(loaded?.zxid).toBe(1n);
    expect(new JuteReader(loaded!.body).readString()).toBe('one');
    expect(lines.at(-1)).toBe('Skipping snapshot snapshot.2: only 20 bytes long');

    await writeFile(join(dir, 'snapshot.1'), Buffer.alloc(0));
    expect(await store.newestValid()).toBeNull();
  });

  it('serializes at the call, so later changes to the state are not in the snapshot', async () => {
    const store = await SnapshotStore.open(base);
    const state = ['a'];
    const writing = store.write(1n, (w) => w.writeVector(state, (x, s) => x.writeString(s)));
    state.push('b');
    await writing;
    const body = (await store.newestValid())!.body;
    expect(new JuteReader(body).readVector((r) => r.readString())).toEqual(['a']);
  });

  it('ignores and removes a snapshot that a crash left under its temp name', async () => {
    await SnapshotStore.open(base);
    await writeFile(join(dir, 'snapshot.9.tmp'), Buffer.from('half a snapshot'));
    const lines: string[] = [];
    const store = await SnapshotStore.open(base, { log: (m) => lines.push(m) });
    expect(lines).toEqual(['Removing snapshot.9.tmp: a snapshot that was never completed']);
    expect(await readdir(dir)).toEqual([]);
    expect(await store.newestValid()).toBeNull();
  });

  it('reports why a snapshot is invalid', () => {
    expect(snapshotBody(Buffer.alloc(40))).toBe("bad magic, expected 'ZKSN'");
    const header = Buffer.from('5a4b534e00000002ffffffffffffffff', 'hex');
    expect(snapshotBody(Buffer.concat([header, Buffer.alloc(13)]))).toBe('no "/" trailer (incomplete)');
  });
});
