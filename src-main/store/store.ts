// The app's one SQLite database: saved connections now, metric and event history later.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ConnectionRepository } from './connections';
import { ensureDataDir } from './data-dir';
import { migrate } from './migrations';
import { FileKeySecretBox, type SecretBox } from './secret-box';

export interface Store {
  readonly dataDir: string;
  readonly file: string;
  readonly connections: ConnectionRepository;
  close(): void;
}

export interface StoreOptions {
  /** How saved passwords are encrypted; by default a key file in the data directory. */
  secretBox?: SecretBox;
}

export const DATABASE_FILE = 'zoolab.sqlite';
export const KEY_FILE = 'secret.key';

export function openStore(dataDir: string, options: StoreOptions = {}): Store {
  ensureDataDir(dataDir);
  const file = join(dataDir, DATABASE_FILE);
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    // Overwrite deleted rows so a removed password blob does not linger in free pages.
    db.pragma('secure_delete = ON');
    db.pragma('foreign_keys = ON');
    migrate(db, file);
  } catch (err) {
    db.close();
    throw err;
  }
  const box = options.secretBox ?? new FileKeySecretBox(join(dataDir, KEY_FILE));
  return {
    dataDir,
    file,
    connections: new ConnectionRepository(db, box),
    close: () => db.close(),
  };
}
