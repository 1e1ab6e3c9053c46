import { describe, expect, it } from 'vitest';
import type { ServerEntry } from '../config';
import { QuorumMaj, configVersion, quorumConfigText } from './quorum';

describe('QuorumMaj', () => {
  it('is a strict majority of participants; observers never count', () => {
    const q = new QuorumMaj([1, 2, 3, 4, 5], [6, 7]);
    expect(q.size).toBe(3);
    expect(q.containsQuorum([1, 2])).toBe(false);
    expect(q.containsQuorum([1, 2, 6, 7])).toBe(false);
    expect(q.containsQuorum([1, 2, 5])).toBe(true);
    expect(new QuorumMaj([1, 2, 3, 4]).size).toBe(3);
    expect(new QuorumMaj([1]).containsQuorum([1])).toBe(true);
  });

  it('refuses a server that is both, and an ensemble without participants', () => {
    expect(() => new QuorumMaj([1, 2], [2])).toThrow(/both/);
    expect(() => new QuorumMaj([], [1])).toThrow(/participant/);
  });

  it('builds from zoo.cfg server lines', () => {
    const q = QuorumMaj.fromServers([{ id: 1, role: 'participant' }, { id: 2, role: 'participant' }, { id: 9, role: 'observer' }]);
    expect([...q.voters]).toEqual([1, 2]);
    expect([...q.observers]).toEqual([9]);
  });
});

describe('the config text a notification carries', () => {
  const entry = (id: number, role: ServerEntry['role'], clientPort: number | null, host = '127.0.0.1'): ServerEntry =>
    ({ id, host, quorumPort: 2000 + id, electionPort: 3000 + id, role, clientHost: null, clientPort });

  it('lists members in id order, the client address only when the server line had one, then the hex version', () => {
    const text = quorumConfigText([entry(2, 'participant', null), entry(1, 'participant', 2181), entry(3, 'observer', null, '::1')], 0x100000000n);
    expect(text).toBe([
      'server.1=127.0.0.1:2001:3001:participant;0.0.0.0:2181',
      'server.2=127.0.0.1:2002:3002:participant',
      'server.3=[::1]:2003:3003:observer',
      'version=100000000',
    ].join('\n'));
    expect(configVersion(text)).toBe(0x100000000n);
    expect(configVersion('server.1=a:1:2')).toBeNull();
  });
});
