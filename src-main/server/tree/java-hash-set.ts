// A set of strings that iterates in the order java.util.HashSet<String> (JDK 17) does. ZooKeeper
// returns children, ephemerals and close-session deletions in HashSet order, so a client that does
// not sort sees that order; matching it keeps replies byte-identical to a real server.
// Not emulated: tree bins (9+ names colliding in one bucket of a table of 64+), which reorder a
// bucket by red-black tree position. Outside that case the order is exact.

const MAXIMUM_CAPACITY = 1 << 30;
const TREEIFY_THRESHOLD = 8;
const MIN_TREEIFY_CAPACITY = 64;

/** java.lang.String.hashCode over UTF-16 code units. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

function spread(h: number): number {
  return h ^ (h >>> 16);
}

/** HashMap.tableSizeFor: the smallest power of two >= c (at least 1). */
export function tableSizeFor(c: number): number {
  if (c <= 1) return 1;
  let n = 1;
  while (n < c && n < MAXIMUM_CAPACITY) n *= 2;
  return n;
}

export class JavaStringSet implements Iterable<string> {
  private table: string[][] | null = null;
  private hashes: number[][] | null = null;
  private threshold: number;
  private count = 0;

  /** initialCapacity as given to `new HashSet<>(n)`; omitted means `new HashSet<>()`. */
  constructor(initialCapacity?: number) {
    this.threshold = initialCapacity === undefined ? 0 : tableSizeFor(initialCapacity);
  }

  static from(items: Iterable<string>, initialCapacity?: number): JavaStringSet {
    const s = new JavaStringSet(initialCapacity);
    for (const item of items) s.add(item);
    return s;
  }

  get size(): number {
    return this.count;
  }

  has(key: string): boolean {
    if (!this.table) return false;
    const bucket = this.table[spread(javaStringHash(key)) & (this.table.length - 1)];
    return bucket.includes(key);
  }

  /** HashMap.putVal: appends to its bucket; grows after the insert when past the threshold. */
  add(key: string): boolean {
    if (!this.table) this.resize();
    const table = this.table as string[][];
    const hashes = this.hashes as number[][];
    const h = spread(javaStringHash(key));
    const i = h & (table.length - 1);
    const bucket = table[i];
    if (bucket.includes(key)) return false;
    bucket.push(key);
    hashes[i].push(h);
    // A bucket reaching 9 entries in a small table makes HashMap grow instead of treeifying.
    if (bucket.length > TREEIFY_THRESHOLD && table.length < MIN_TREEIFY_CAPACITY) this.resize();
    if (++this.count > this.threshold) this.resize();
    return true;
  }

  delete(key: string): boolean {
    if (!this.table) return false;
    const i = spread(javaStringHash(key)) & (this.table.length - 1);
    const bucket = this.table[i];
    const at = bucket.indexOf(key);
    if (at < 0) return false;
    bucket.splice(at, 1);
    (this.hashes as number[][])[i].splice(at, 1);
    this.count--;
    return true;
  }

  clear(): void {
    // HashMap.clear keeps the table size.
    if (this.table) {
      for (const b of this.table) b.length = 0;
      for (const b of this.hashes as number[][]) b.length = 0;
    }
    this.count = 0;
  }

  /**
   * HashSet.clone() (JDK 17 HashMap.putMapEntries): a table sized for the current count,
   * filled in this set's iteration order — so the copy can iterate differently.
   */
  clone(): JavaStringSet {
    const copy = new JavaStringSet();
    if (this.count > 0) {
      const ft = Math.fround(Math.fround(this.count / 0.75) + 1);
      copy.threshold = tableSizeFor(Math.trunc(ft));
    }
    for (const k of this) copy.add(k);
    return copy;
  }

  *[Symbol.iterator](): IterableIterator<string> {
    if (!this.table) return;
    for (const bucket of this.table) yield* bucket;
  }

  toArray(): string[] {
    return [...this];
  }

  private resize(): void {
    const oldCap = this.table ? this.table.length : 0;
    const oldThr = this.threshold;
    let newCap: number;
    let newThr = 0;
    if (oldCap > 0) {
      newCap = oldCap * 2;
      if (newCap < MAXIMUM_CAPACITY && oldCap >= 16) newThr = oldThr * 2;
    } else if (oldThr > 0) {
      newCap = oldThr;
    } else {
      newCap = 16;
      newThr = 12;
    }
    if (newThr === 0) newThr = Math.trunc(Math.fround(newCap * 0.75));
    this.threshold = newThr;
    const table: string[][] = Array.from({ length: newCap }, () => []);
    const hashes: number[][] = Array.from({ length: newCap }, () => []);
    // Splitting each old bucket into lo/hi keeps relative order, as HashMap.resize does.
    if (this.table) {
      const oldHashes = this.hashes as number[][];
      for (let j = 0; j < oldCap; j++) {
        const keys = this.table[j];
        const hs = oldHashes[j];
        for (let k = 0; k < keys.length; k++) {
          const idx = hs[k] & (newCap - 1);
          table[idx].push(keys[k]);
          hashes[idx].push(hs[k]);
        }
      }
    }
    this.table = table;
    this.hashes = hashes;
  }
}
