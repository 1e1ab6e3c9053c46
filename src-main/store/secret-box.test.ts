import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileKeySecretBox } from './secret-box';

describe('FileKeySecretBox', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'zoolab-box-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips a secret and creates a 32-byte key file with mode 0600', async () => {
    const keyFile = join(dir, 'secret.key');
    const box = new FileKeySecretBox(keyFile);
    const blob = await box.encrypt('s3cret-pässword');
    expect(blob.includes(Buffer.from('s3cret'))).toBe(false);
    expect(await box.decrypt(blob)).toBe('s3cret-pässword');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile)).toHaveLength(32);
    // A second box (a later run) reads the same key.
    expect(await new FileKeySecretBox(keyFile).decrypt(blob)).toBe('s3cret-pässword');
  });

  it('uses a fresh IV per secret', async () => {
    const box = new FileKeySecretBox(join(dir, 'secret.key'));
    expect((await box.encrypt('same')).equals(await box.encrypt('same'))).toBe(false);
  });

  it.skipIf(process.platform === 'win32')('refuses a key file that group or others can read, saying how to fix it', async () => {
    const keyFile = join(dir, 'secret.key');
    writeFileSync(keyFile, Buffer.alloc(32, 7));
    chmodSync(keyFile, 0o644);
    const box = new FileKeySecretBox(keyFile);
    await expect(box.encrypt('x')).rejects.toThrow(/refusing to use the secret key file .*mode is 0644.*chmod 600/);
  });

  it('refuses a damaged key file and a tampered blob', async () => {
    const keyFile = join(dir, 'secret.key');
    writeFileSync(keyFile, Buffer.alloc(5), { mode: 0o600 });
    await expect(new FileKeySecretBox(keyFile).encrypt('x')).rejects.toThrow(/damaged: it holds 5 bytes/);

    const good = new FileKeySecretBox(join(dir, 'other.key'));
    const blob = await good.encrypt('hello');
    blob[blob.length - 1] ^= 1;
    await expect(good.decrypt(blob)).rejects.toThrow(/cannot be decrypted/);
  });

  it('does not create a key just to decrypt', async () => {
    const box = new FileKeySecretBox(join(dir, 'missing.key'));
    await expect(box.decrypt(Buffer.alloc(40, 1))).rejects.toThrow(/missing/);
  });
});
