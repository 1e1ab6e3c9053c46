// How a znode's Stat and ACL read on screen. zxids and session ids arrive as decimal strings
// (they can exceed 2^53), so conversions go through BigInt.

import type { StatView } from '../../../src-main/api/types';

export function toHex(decimal: string): string {
  const n = BigInt(decimal);
  return n < 0n ? '-0x' + (-n).toString(16) : '0x' + n.toString(16);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Local date-time, to the millisecond, in a fixed sortable shape: 2026-11-21 23:56:01.123 */
export function formatDateTime(ms: number): string {
  if (ms === 0) return '—';
  const d = new Date(ms);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
  );
}

export interface StatRow {
  key: keyof StatView;
  label: string;
  value: string;
  /** A second reading of the same value (decimal next to hex). */
  detail?: string;
}

export function statRows(stat: StatView): StatRow[] {
  const zxid = (key: 'czxid' | 'mzxid' | 'pzxid', label: string): StatRow => ({
    key,
    label,
    value: toHex(stat[key]),
    detail: stat[key],
  });
  return [
    zxid('czxid', 'Created zxid'),
    zxid('mzxid', 'Modified zxid'),
    zxid('pzxid', 'Children zxid'),
    { key: 'ctime', label: 'Created', value: formatDateTime(stat.ctime) },
    { key: 'mtime', label: 'Modified', value: formatDateTime(stat.mtime) },
    { key: 'version', label: 'Data version', value: String(stat.version) },
    { key: 'cversion', label: 'Children version', value: String(stat.cversion) },
    { key: 'aversion', label: 'ACL version', value: String(stat.aversion) },
    {
      key: 'ephemeralOwner',
      label: 'Ephemeral owner',
      value: toHex(stat.ephemeralOwner),
      detail: stat.ephemeralOwner === '0' ? 'persistent' : 'ephemeral',
    },
    { key: 'dataLength', label: 'Data length', value: `${stat.dataLength} B` },
    { key: 'numChildren', label: 'Children', value: String(stat.numChildren) },
  ];
}

/** Permission letters in zkCli's order and spelling (cdrwa); absent permissions are left out. */
export function permsToLetters(perms: number): string {
  let s = '';
  if (perms & 4) s += 'c';
  if (perms & 8) s += 'd';
  if (perms & 1) s += 'r';
  if (perms & 2) s += 'w';
  if (perms & 16) s += 'a';
  return s;
}
