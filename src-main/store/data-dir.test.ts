import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveDataDir } from './data-dir';

describe('resolveDataDir', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('prefers --data-dir, then ZOOLAB_DATA_DIR, then Electron userData, then ~/.config/zoolab', () => {
    vi.stubEnv('ZOOLAB_DATA_DIR', '/env/dir');
    expect(resolveDataDir({ explicit: 'rel', electronUserData: '/user' })).toBe(resolve('rel'));
    expect(resolveDataDir({ electronUserData: '/user' })).toBe('/env/dir');
    vi.stubEnv('ZOOLAB_DATA_DIR', '');
    expect(resolveDataDir({ electronUserData: '/user' })).toBe('/user');
    expect(resolveDataDir()).toBe(join(homedir(), '.config', 'zoolab'));
  });
});
