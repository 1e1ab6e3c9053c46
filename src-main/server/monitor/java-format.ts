// Java's ways of printing what the monitoring outputs print: Date.toString(), and the iteration
// order of a HashMap/HashSet keyed by longs (session ids), so lists come out in the order a real
// server gives for the same ids.

import { javaLongHex } from '../net/stats';
import { tableSizeFor } from '../tree/java-hash-set';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** java.util.Date.toString(): "Sun Nov 22 00:19:11 UTC 2026", in the local time zone. */
export function javaDateString(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  // Java names zones by abbreviation (CET); Intl gives one where it knows it and "GMT+1" otherwise.
  const zone = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' })
    .formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? 'UTC';
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${zone} ${d.getFullYear()}`;
}

/** "0x" + Long.toHexString: how ZooKeeper prints session ids and zxids. */
export const hex = (v: bigint | number): string => `0x${javaLongHex(v)}`;

/** A long as Jackson writes it: signed. */
export const signedLong = (v: bigint): bigint => BigInt.asIntN(64, v);

/** Long.hashCode spread as HashMap.hash() does. */
function spreadLongHash(v: bigint): number {
  const u = BigInt.asUintN(64, v);
  const h = Number(BigInt.asIntN(32, u ^ (u >> 32n)));
  return h ^ (h >>> 16);
}

/**
 * The order a HashMap or HashSet filled one by one iterates long keys: by bucket of a table grown
 * to keep the load at most 0.75, insertion order within a bucket. initialCapacity is the
 * constructor's argument; without one Java starts at 16.
 */
export function javaLongHashOrder<T>(items: readonly T[], keyOf: (item: T) => bigint, initialCapacity?: number): T[] {
  let size = initialCapacity === undefined ? 16 : tableSizeFor(initialCapacity);
  while (items.length > size * 0.75) size *= 2;
  return items
    .map((item, i) => ({ item, i, bucket: spreadLongHash(keyOf(item)) & (size - 1) }))
    .sort((a, b) => a.bucket - b.bucket || a.i - b.i)
    .map((x) => x.item);
}
