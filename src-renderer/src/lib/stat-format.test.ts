import { describe, expect, it } from 'vitest';
import type { StatView } from '../../../src-main/api/types';
import { formatDateTime, permsToLetters, statRows, toHex } from './stat-format';

const stat: StatView = {
  czxid: '4294967298',
  mzxid: '4294967301',
  pzxid: '4294967298',
  ctime: new Date(2026, 10, 21, 9, 5, 7, 42).getTime(),
  mtime: new Date(2026, 10, 21, 23, 59, 59, 999).getTime(),
  version: 3,
  cversion: 0,
  aversion: 1,
  ephemeralOwner: '72057594037927937',
  dataLength: 12,
  numChildren: 0,
};

describe('toHex', () => {
  it('handles values beyond 2^53', () => {
    expect(toHex('4294967298')).toBe('0x100000002');
    expect(toHex('72057594037927937')).toBe('0x100000000000001');
    expect(toHex('18446744073709551615')).toBe('0xffffffffffffffff');
    expect(toHex('0')).toBe('0x0');
  });
});

it('formats times as local date-times to the millisecond', () => {
  expect(formatDateTime(stat.ctime)).toBe('2026-11-21 09:05:07.042');
  expect(formatDateTime(0)).toBe('—');
});

describe('statRows', () => {
  const rows = Object.fromEntries(statRows(stat).map((r) => [r.key, r]));

  it('shows zxids as hex with the decimal beside', () => {
    expect(rows.czxid).toMatchObject({ value: '0x100000002', detail: '4294967298' });
    expect(rows.mzxid).toMatchObject({ value: '0x100000005', detail: '4294967301' });
  });

  it('covers every Stat field once', () => {
    expect(Object.keys(rows).sort()).toEqual(Object.keys(stat).sort());
  });

  it('shows the ephemeral owner as a hex session id', () => {
    expect(rows.ephemeralOwner).toMatchObject({ value: '0x100000000000001', detail: 'ephemeral' });
    expect(statRows({ ...stat, ephemeralOwner: '0' }).find((r) => r.key === 'ephemeralOwner')?.detail).toBe('persistent');
  });

  it('shows counters as numbers and times as date-times', () => {
    expect(rows.version.value).toBe('3');
    expect(rows.aversion.value).toBe('1');
    expect(rows.mtime.value).toBe('2026-11-21 23:59:59.999');
    expect(rows.dataLength.value).toBe('12 B');
  });
});

it('spells permissions in zkCli order', () => {
  expect(permsToLetters(31)).toBe('cdrwa');
  expect(permsToLetters(1)).toBe('r');
  expect(permsToLetters(1 | 2 | 16)).toBe('rwa');
  expect(permsToLetters(0)).toBe('');
});
