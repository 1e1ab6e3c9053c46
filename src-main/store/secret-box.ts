// Secrets (saved passwords) are stored only as blobs a SecretBox made. The Electron app uses the OS
// keychain through safeStorage (wired in main.ts); the headless host uses FileKeySecretBox.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, writeSync } from 'node:fs';

export interface SecretBox {
  /** What protects the secrets, for messages ("OS keychain", "key file ..."). */
  readonly description: string;
  /** False when this platform cannot encrypt (then nothing is stored, only kept in memory). */
  isAvailable(): Promise<boolean>;
  encrypt(plain: string): Promise<Buffer>;
  decrypt(blob: Buffer): Promise<string>;
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT_V1 = 1;

/** AES-256-GCM with a random 32-byte key kept in a file only its owner can read. */
export class FileKeySecretBox implements SecretBox {
  private key: Buffer | null = null;

  constructor(readonly keyFile: string) {}

  get description(): string {
    return `key file ${this.keyFile}`;
  }

  async isAvailable(): Promise<boolean> {
    return true;
  }

  async encrypt(plain: string): Promise<Buffer> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.loadKey(true), iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([FORMAT_V1]), iv, cipher.getAuthTag(), body]);
  }

  async decrypt(blob: Buffer): Promise<string> {
    if (blob.length < 1 + IV_BYTES + TAG_BYTES || blob[0] !== FORMAT_V1) {
      throw new Error('the stored secret is not in a format this version of ZooLab can read');
    }
    const iv = blob.subarray(1, 1 + IV_BYTES);
    const tag = blob.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.loadKey(false), iv);
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(blob.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new Error(`the stored secret cannot be decrypted with ${this.description} (was the key file replaced?)`);
    }
  }

  /** Reads the key, creating it (mode 0600) on first use when allowed; refuses a key others can read. */
  private loadKey(createIfMissing: boolean): Buffer {
    if (this.key) return this.key;
    let fd: number;
    try {
      fd = openSync(this.keyFile, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      if (!createIfMissing) throw new Error(`the secret key file ${this.keyFile} is missing, so stored secrets cannot be read`);
      try {
        return (this.key = createKeyFile(this.keyFile));
      } catch (createErr) {
        // Another process created it between our open and create: use theirs.
        if ((createErr as NodeJS.ErrnoException).code === 'EEXIST') return this.loadKey(false);
        throw createErr;
      }
    }
    try {
      const st = fstatSync(fd);
      // Mode bits mean nothing on Windows; the data directory's ACL protects the file there.
      if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
        const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
        throw new Error(
          `refusing to use the secret key file ${this.keyFile}: its mode is ${mode}, so group or others can read it; ` +
            `run "chmod 600 ${this.keyFile}" (or delete it and save the passwords again)`,
        );
      }
      const key = readFileSync(fd);
      if (key.length !== KEY_BYTES) {
        throw new Error(`the secret key file ${this.keyFile} is damaged: it holds ${key.length} bytes, not ${KEY_BYTES}`);
      }
      return (this.key = key);
    } finally {
      closeSync(fd);
    }
  }
}

function createKeyFile(path: string): Buffer {
  const key = randomBytes(KEY_BYTES);
  // 'wx' fails if another process created it meanwhile; the mode applies at creation, before any byte is written.
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, key);
  } finally {
    closeSync(fd);
  }
  return key;
}
