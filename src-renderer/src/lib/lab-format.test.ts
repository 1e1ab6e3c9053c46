import { describe, expect, it } from 'vitest';
import { faultText, formatUs, normalizeZxid } from './lab-format';

describe('lab format', () => {
  it('reads zxids as people copy them', () => {
    expect(normalizeZxid('0x100000005')).toBe('0x100000005');
    expect(normalizeZxid(' 0x0000000100000005 ')).toBe('0x100000005');
    expect(normalizeZxid('1000000A5')).toBe('0x1000000a5');
    expect(normalizeZxid('zxid')).toBeNull();
    expect(normalizeZxid('0x12345678901234567')).toBeNull();
  });

  it('writes µs durations in the unit that fits', () => {
    expect(formatUs(850)).toBe('850 µs');
    expect(formatUs(1234)).toBe('1.23 ms');
    expect(formatUs(45_600)).toBe('45.6 ms');
    expect(formatUs(2_500_000)).toBe('2.50 s');
    expect(formatUs(null)).toBe('—');
  });

  it('names faults briefly', () => {
    expect(faultText({ ts: 0, kind: 'kill', target: 'server 2', detail: '' })).toBe('kill -9 server 2');
    expect(faultText({ ts: 0, kind: 'delay', target: 'link 1-2', detail: '' })).toBe('slow link 1-2');
  });
});
