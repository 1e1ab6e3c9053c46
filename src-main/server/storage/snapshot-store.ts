// Snapshots as FileSnap writes them: FileHeader 'ZKSN', the caller's serialized tree and sessions,
// then SnapStream's seal (the Adler32 of every byte before it as a long, and the string "/").
// Written to snapshot.<zxid>.tmp, fsynced and renamed, so a crash never leaves a partial
// snapshot under a snapshot name.

import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { JuteWriter } from '../../protocol/jute';
import { adler32 } from './adler32';
import {
  ensureVersionDir,
  FILE_FORMAT_VERSION,
  FILE_HEADER_SIZE,
  listZxidFiles,
  SNAP_DBID,
  SNAP_MAGIC,
  SNAPSHOT_PREFIX,
  syncDir,
  zxidFileName,
  type StorageLogger,
} from './format';

export interface SnapshotFile {
  zxid: bigint;
  file: string;
}

export interface LoadedSnapshot extends SnapshotFile {
  /** The bytes the serializer wrote: between the FileHeader and the seal. */
  body: Buffer;
}

/** The checksum long, then "/" as a jute string (int length 1, one byte). */
const SEAL_SIZE = 8 + 4 + 1;
const SLASH = 0x2f;
/** FileSnap.deserialize gives up after this many snapshots. */
const MAX_SNAPSHOTS_TRIED = 100;
const TMP_SUFFIX = '.tmp';

export class SnapshotStore {
  /** Snapshot writes go to disk one at a time, in the order they were asked for. */
  private writing: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dir: string,
    private readonly log: StorageLogger,
  ) {}

  /** Opens <dataDir>/version-2, removing temp files left by a snapshot a crash interrupted. */
  static async open(dataDir: string, options: { log?: StorageLogger } = {}): Promise<SnapshotStore> {
    const dir = await ensureVersionDir(dataDir);
    const log = options.log ?? (() => {});
    for (const name of await readdir(dir)) {
      if (name.startsWith(`${SNAPSHOT_PREFIX}.`) && name.endsWith(TMP_SUFFIX)) {
        log(`Removing ${name}: a snapshot that was never completed`, 'warn');
        await unlink(join(dir, name));
      }
    }
    return new SnapshotStore(dir, log);
  }

  /**
   * Serializes now (synchronously, so the body is the state at this call) and writes in the
   * background; resolves with the snapshot's path once it is durable under its final name.
   */
  write(zxid: bigint, serialize: (w: JuteWriter) => void): Promise<string> {
    const bytes = encodeSnapshot(serialize);
    const file = join(this.dir, zxidFileName(SNAPSHOT_PREFIX, zxid));
    const done = this.writing.then(() => this.writeDurably(file, bytes));
    this.writing = done.catch(() => {});
    return done;
  }

  /** Snapshot files by zxid, oldest first, valid or not. */
  async list(): Promise<SnapshotFile[]> {
    return (await listZxidFiles(this.dir, SNAPSHOT_PREFIX)).map((f) => ({ zxid: f.zxid, file: f.path }));
  }

  /** The newest snapshot whose header and checksum are intact, trying at most the newest 100. */
  async newestValid(): Promise<LoadedSnapshot | null> {
    const files = (await this.list()).reverse().slice(0, MAX_SNAPSHOTS_TRIED);
    for (const { zxid, file } of files) {
      let body: Buffer | string;
      try {
        body = snapshotBody(await readFile(file));
      } catch (e) {
        body = `cannot be read (${(e as Error).message})`;
      }
      if (typeof body !== 'string') return { zxid, file, body };
      this.log(`Skipping snapshot ${basename(file)}: ${body}`, 'warn');
    }
    return null;
  }

  private async writeDurably(file: string, bytes: Buffer): Promise<string> {
    const tmp = file + TMP_SUFFIX;
    const h = await open(tmp, 'w');
    try {
      await h.writeFile(bytes);
      await h.sync();
    } catch (e) {
      await h.close();
      await unlink(tmp);
      throw e;
    }
    await h.close();
    await rename(tmp, file);
    await syncDir(this.dir);
    this.log(`Snapshot ${basename(file)} written: ${bytes.length} bytes`);
    return file;
  }
}

export function encodeSnapshot(serialize: (w: JuteWriter) => void): Buffer {
  const w = new JuteWriter(64 * 1024);
  w.writeInt(SNAP_MAGIC).writeInt(FILE_FORMAT_VERSION).writeLong(SNAP_DBID);
  serialize(w);
  w.writeLong(adler32(w.toBuffer()));
  w.writeString('/');
  return w.toBuffer();
}

/**
 * The body of a snapshot file, or why it is not valid. The seal's checksum covers every byte
 * before it, so a ZooKeeper snapshot with its digest section (a second seal) also passes.
 */
export function snapshotBody(bytes: Buffer): Buffer | string {
  if (bytes.length < FILE_HEADER_SIZE + SEAL_SIZE) return `only ${bytes.length} bytes long`;
  if (bytes.readInt32BE(0) !== SNAP_MAGIC) return "bad magic, expected 'ZKSN'";
  if (bytes.readInt32BE(4) !== FILE_FORMAT_VERSION) return `unsupported version ${bytes.readInt32BE(4)}`;
  if (!hasTrailer(bytes)) return 'no "/" trailer (incomplete)';
  const sealAt = bytes.length - SEAL_SIZE;
  if (bytes.readBigUInt64BE(sealAt) !== BigInt(adler32(bytes, 0, sealAt))) return 'checksum mismatch';
  return bytes.subarray(FILE_HEADER_SIZE, sealAt);
}

function hasTrailer(tail: Buffer): boolean {
  const n = tail.length;
  return n >= 5 && tail.readInt32BE(n - 5) === 1 && tail[n - 1] === SLASH;
}

/** SnapStream.isValidSnapshot: the cheap check ZooKeeper's purge uses (length and trailer only). */
export async function hasSnapshotTrailer(file: string): Promise<boolean> {
  const h = await open(file, 'r');
  try {
    const size = (await h.stat()).size;
    // ZooKeeper: with the header and the trailing "/", a snapshot is at least 10 bytes.
    if (size < 10) return false;
    const tail = Buffer.alloc(5);
    const { bytesRead } = await h.read(tail, 0, 5, size - 5);
    return bytesRead === 5 && hasTrailer(tail);
  } finally {
    await h.close();
  }
}
