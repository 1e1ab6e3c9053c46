import { describe, expect, it } from 'vitest';
import { adminUrlHint, defaultEnsembleName, ensembleProblem, memberProblem, toDrafts, toMembers, type EnsembleDraft } from './monitor-members';

const good: EnsembleDraft = {
  connectString: 'zk1:2181,zk2:2181/app',
  members: [
    { address: 'zk1:2181', adminUrl: '' },
    { address: '[::1]:2182', adminUrl: 'http://zk2:8080' },
  ],
  intervalSec: 5,
  retentionDays: 7,
};

describe('memberProblem', () => {
  it('wants host:port with a port', () => {
    expect(memberProblem({ address: 'zk1:2181', adminUrl: '' })).toBeNull();
    expect(memberProblem({ address: '', adminUrl: '' })).toBe('Every member needs a host:port');
    expect(memberProblem({ address: 'zk1', adminUrl: '' })).toBe('"zk1" is not host:port');
    expect(memberProblem({ address: 'zk1:2181,zk2:2181', adminUrl: '' })).toBe('"zk1:2181,zk2:2181" is not host:port');
    expect(memberProblem({ address: 'zk1:99999', adminUrl: '' })).toBe('Port 99999 is out of range');
  });

  it('wants an http(s) AdminServer URL when one is given', () => {
    expect(memberProblem({ address: 'zk1:2181', adminUrl: 'https://zk1:8443/commands' })).toBeNull();
    expect(memberProblem({ address: 'zk1:2181', adminUrl: 'zk1:8080' })).toMatch(/must start with http/);
    expect(memberProblem({ address: 'zk1:2181', adminUrl: 'ftp://zk1' })).toMatch(/must start with http/);
  });
});

describe('ensembleProblem', () => {
  it('accepts a good draft', () => {
    expect(ensembleProblem(good)).toBeNull();
  });

  it('names the first thing wrong', () => {
    expect(ensembleProblem({ ...good, connectString: '' })).toMatch(/at least one server/);
    expect(ensembleProblem({ ...good, members: [] })).toMatch(/Discover members/);
    expect(ensembleProblem({ ...good, members: [good.members[0], { address: ' zk1:2181 ', adminUrl: '' }] })).toBe('zk1:2181 is listed twice');
    expect(ensembleProblem({ ...good, intervalSec: 0 })).toMatch(/at least 1 second/);
    expect(ensembleProblem({ ...good, intervalSec: Number.NaN })).toMatch(/at least 1 second/);
    expect(ensembleProblem({ ...good, retentionDays: 0 })).toMatch(/at least 1 day/);
  });
});

it('converts between members and form rows, trimming and dropping blank URLs', () => {
  const drafts = toDrafts([{ address: 'zk1:2181', adminUrl: null }]);
  expect(drafts).toEqual([{ address: 'zk1:2181', adminUrl: '' }]);
  expect(toMembers([{ address: ' zk1:2181 ', adminUrl: '  ' }, { address: 'zk2:2181', adminUrl: ' http://zk2:8080 ' }])).toEqual([
    { address: 'zk1:2181', adminUrl: null },
    { address: 'zk2:2181', adminUrl: 'http://zk2:8080' },
  ]);
});

it('names an unnamed ensemble after its first host', () => {
  expect(defaultEnsembleName('zk1:2181')).toBe('zk1:2181');
  expect(defaultEnsembleName('zk1:2181, zk2:2181,zk3:2181/app')).toBe('zk1:2181 +2');
  expect(defaultEnsembleName('  ')).toBe('Ensemble');
});

it('hints at the AdminServer URL on the default port', () => {
  expect(adminUrlHint('zk2.example.com:2181')).toBe('http://zk2.example.com:8080');
  expect(adminUrlHint('[::1]:2181')).toBe('http://[::1]:8080');
  expect(adminUrlHint('')).toBe('http://zk1:8080');
});
