// Java string behaviours ZooKeeper's rules depend on, where JavaScript's differ.

/** String.split(regex): trailing empty strings are dropped, unless nothing matched at all. */
export function javaSplit(s: string, sep: RegExp): string[] {
  const parts = s.split(sep);
  if (parts.length === 1) return parts;
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Integer.parseInt (radix 10, ASCII digits): null where Java throws NumberFormatException. */
export function javaParseInt(s: string): number | null {
  if (!/^[+-]?\d+$/.test(s)) return null;
  const v = Number.parseInt(s, 10);
  return v >= -2147483648 && v <= 2147483647 ? v | 0 : null;
}

/** String.format("%010d", n): zero-padded to ten characters, the sign counting as one. */
export function formatSequence(n: number): string {
  return n < 0 ? '-' + String(-n).padStart(9, '0') : String(n).padStart(10, '0');
}
