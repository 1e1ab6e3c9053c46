// Adler-32 as java.util.zip.Adler32 computes it: ZooKeeper checksums every txn log record and
// every snapshot with it, and Node's zlib does not expose it.

const MOD = 65521;
// zlib's NMAX: the sums stay below 2^32 between reductions, so the modulo runs once per block.
const NMAX = 5552;

export function adler32(data: Uint8Array, start = 0, end = data.length): number {
  let a = 1;
  let b = 0;
  let i = start;
  while (i < end) {
    const stop = Math.min(i + NMAX, end);
    for (; i < stop; i++) {
      a += data[i];
      b += a;
    }
    a %= MOD;
    b %= MOD;
  }
  return (b * 65536 + a) >>> 0;
}
