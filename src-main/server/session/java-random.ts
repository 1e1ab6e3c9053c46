// java.util.Random (a 48-bit linear congruential generator), so that session passwords come out
// exactly as ZooKeeper's: new Random(sessionId ^ superSecret).nextBytes(16).

const MULTIPLIER = 0x5deece66dn;
const ADDEND = 0xbn;
const MASK = (1n << 48n) - 1n;

export class JavaRandom {
  private seed: bigint;

  constructor(seed: bigint) {
    this.seed = (seed ^ MULTIPLIER) & MASK;
  }

  next(bits: number): number {
    this.seed = (this.seed * MULTIPLIER + ADDEND) & MASK;
    return Number(BigInt.asIntN(32, this.seed >> BigInt(48 - bits)));
  }

  nextInt(): number {
    return this.next(32);
  }

  /** Random.nextBytes: each int fills four bytes, low byte first. */
  nextBytes(out: Uint8Array): void {
    for (let i = 0; i < out.length; ) {
      let rnd = this.nextInt();
      for (let n = Math.min(out.length - i, 4); n-- > 0; rnd >>= 8) out[i++] = rnd & 0xff;
    }
  }
}
