import { afterEach, describe, expect, it } from 'vitest';
import { hex, javaDateString, javaLongHashOrder } from './java-format';

describe('javaDateString', () => {
  const tz = process.env.TZ;
  afterEach(() => {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });

  it('prints Date.toString() as Java does', () => {
    process.env.TZ = 'UTC';
    // From the captured 3.8 dump: "2 expire at Sun Nov 22 00:19:11 UTC 2026:".
    expect(javaDateString(Date.UTC(2026, 10, 22, 0, 19, 11))).toBe('Sun Nov 22 00:19:11 UTC 2026');
    expect(javaDateString(Date.UTC(2027, 0, 5, 9, 3, 7))).toBe('Tue Jan 05 09:03:07 UTC 2027');
  });

  it('uses the local time zone', () => {
    process.env.TZ = 'America/New_York';
    expect(javaDateString(Date.UTC(2026, 6, 1, 12, 0, 0))).toBe('Wed Jul 01 08:00:00 EDT 2026');
  });
});

describe('javaLongHashOrder', () => {
  it('orders session ids as a Java HashMap<Long, ...> iterates them', () => {
    // The captured server listed ...0001 before ...0000 in every HashMap/HashSet of session ids.
    const ids = [0x1000018b8f50000n, 0x1000018b8f50001n];
    expect(javaLongHashOrder(ids, (x) => x)).toEqual([ids[1], ids[0]]);
    expect(javaLongHashOrder(ids, (x) => x, 2)).toEqual([ids[1], ids[0]]);
  });

  it('small ids come in ascending order, past 12 entries the table has grown', () => {
    const ids = Array.from({ length: 20 }, (_, i) => BigInt(19 - i));
    expect(javaLongHashOrder(ids, (x) => x)).toEqual(Array.from({ length: 20 }, (_, i) => BigInt(i)));
  });

  it('hex is Long.toHexString with 0x, two\'s complement for negatives', () => {
    expect(hex(-1n)).toBe('0xffffffffffffffff');
    expect(hex(0x100000000n)).toBe('0x100000000');
  });
});
