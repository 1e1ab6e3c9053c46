// The acceptedEpoch and currentEpoch files of a dataDir, as QuorumPeer keeps them: the number in
// decimal text, replaced atomically (write a temp file, fsync, rename, fsync the directory) so a
// crash leaves the old value or the new one, never a torn file.

import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';

export const ACCEPTED_EPOCH_FILE = 'acceptedEpoch';
export const CURRENT_EPOCH_FILE = 'currentEpoch';

/** The epoch in the file, or null when there is none (a server that never took part in ZAB). */
export function readEpochFile(dataDir: string, name: string): bigint | null {
  let text: string;
  try {
    text = readFileSync(path.join(dataDir, name), 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  if (!/^-?\d+$/.test(text)) throw new Error(`${path.join(dataDir, name)}: "${text}" is not an epoch`);
  return BigInt(text);
}

/** Durable when it returns: the protocol acknowledges an epoch only after this. */
export function writeEpochFile(dataDir: string, name: string, epoch: bigint): void {
  const file = path.join(dataDir, name);
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, `${epoch}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const dir = openSync(dataDir, 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
