// Where ZooLab keeps its database and key file. The Electron app passes its userData directory;
// the command line (`zoolab web`) falls back to ~/.config/zoolab.
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function resolveDataDir(opts: { explicit?: string; electronUserData?: string } = {}): string {
  const fromEnv = process.env.ZOOLAB_DATA_DIR;
  if (opts.explicit) return resolve(opts.explicit);
  if (fromEnv) return resolve(fromEnv);
  if (opts.electronUserData) return opts.electronUserData;
  return join(homedir(), '.config', 'zoolab');
}

/** Creates the directory readable by its owner only: it holds the secret key and saved logins. */
export function ensureDataDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}
