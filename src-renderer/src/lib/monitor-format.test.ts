import { describe, expect, it } from 'vitest';
import {
  downReasonText,
  fileSlug,
  fileStamp,
  formatAgo,
  formatBytes,
  formatClock,
  formatCount,
  formatFds,
  formatLatencyPair,
  formatMs,
  formatZxid,
  roleLabel,
  sentence,
  severityHealth,
  zxidParts,
} from './monitor-format';

describe('figures', () => {
  it('shows a figure the server did not report as a dash, and zero as zero', () => {
    for (const f of [formatMs, formatCount, formatBytes]) expect(f(null)).toBe('—');
    expect(formatMs(0)).toBe('0.0 ms');
    expect(formatCount(0)).toBe('0');
    expect(formatBytes(0)).toBe('0 B');
  });

  it('formats latencies with the precision that matters at their size', () => {
    expect(formatMs(0.42)).toBe('0.4 ms');
    expect(formatMs(9.96)).toBe('10.0 ms');
    expect(formatMs(12.6)).toBe('13 ms');
    expect(formatMs(1500)).toBe('1.5 s');
    expect(formatMs(42_000)).toBe('42 s');
  });

  it('pairs average and max latency under one unit when it can', () => {
    expect(formatLatencyPair(0.42, 12)).toBe('0.4 / 12 ms');
    expect(formatLatencyPair(3, 1500)).toBe('3.0 ms / 1.5 s');
    expect(formatLatencyPair(null, 12)).toBe('— / 12 ms');
    expect(formatLatencyPair(null, null)).toBe('— / —');
  });

  it('groups counts and scales bytes', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatBytes(2048)).toBe('2.0 KiB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GiB');
  });

  it('shows open file descriptors against the maximum', () => {
    expect(formatFds(82, 1_048_576)).toBe('82 / 1,048,576 (<1%)');
    expect(formatFds(900, 1000)).toBe('900 / 1,000 (90%)');
    expect(formatFds(0, 1000)).toBe('0 / 1,000 (0%)');
    expect(formatFds(82, null)).toBe('82');
    expect(formatFds(null, 1000)).toBe('—');
  });
});

describe('zxids', () => {
  it('splits a zxid into its epoch and counter, beyond 2^53 too', () => {
    expect(zxidParts('0x100000003')).toEqual({ epoch: 1, counter: 3 });
    expect(zxidParts('0xffffffff00000001')).toEqual({ epoch: 0xffffffff, counter: 1 });
    expect(zxidParts(null)).toBeNull();
    expect(zxidParts('nonsense')).toBeNull();
  });

  it('prints zxids as lower-case hex', () => {
    expect(formatZxid('0x1000000AB')).toBe('0x1000000ab');
    expect(formatZxid('4294967298')).toBe('0x100000002');
    expect(formatZxid(null)).toBe('—');
  });
});

it('labels roles and down servers', () => {
  expect(roleLabel('leader')).toBe('Leader');
  expect(roleLabel(null)).toBe('Down');
  expect(downReasonText({ up: false, downReason: 'connection refused' })).toBe('Connection refused');
  expect(downReasonText({ up: false, downReason: null })).toBe('Not answering');
  expect(downReasonText({ up: true, downReason: null })).toBe('');
});

it('turns host texts into sentences', () => {
  expect(sentence(' leader changed: a → b')).toBe('Leader changed: a → b');
  expect(sentence('127.0.0.1:2181 is down')).toBe('127.0.0.1:2181 is down');
  expect(sentence('')).toBe('');
});

it('maps alert severities onto health colours', () => {
  expect(severityHealth('info')).toBe('ok');
  expect(severityHealth('warn')).toBe('warn');
  expect(severityHealth('critical')).toBe('critical');
});

describe('times', () => {
  const now = new Date(2026, 10, 21, 14, 3, 7).getTime();

  it('shows the date only for another day', () => {
    expect(formatClock(now - 5000, now)).toBe('14:03:02');
    expect(formatClock(new Date(2026, 10, 20, 9, 0, 1).getTime(), now)).toBe('2026-11-20 09:00:01');
  });

  it('says how long ago', () => {
    expect(formatAgo(now, now)).toBe('just now');
    expect(formatAgo(now - 42_000, now)).toBe('42 s ago');
    expect(formatAgo(now - 5 * 60_000, now)).toBe('5 min ago');
    expect(formatAgo(now - 3 * 3_600_000, now)).toBe('3 h ago');
    expect(formatAgo(now - 2 * 86_400_000, now)).toBe('2 d ago');
    expect(formatAgo(now + 3000, now)).toBe('just now');
  });

  it('makes file names safe and sortable', () => {
    expect(fileSlug(' Prod / eu-west #1 ')).toBe('Prod-eu-west-1');
    expect(fileSlug('///')).toBe('ensemble');
    expect(fileStamp(now)).toBe('20261121-140307');
  });
});
