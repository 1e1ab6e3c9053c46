// The jute binary encoding ZooKeeper uses on the wire and on disk: big-endian ints and longs,
// length-prefixed buffers and UTF-8 strings (length -1 means null), count-prefixed vectors.

export class JuteError extends Error {}

export class JuteWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  get length(): number {
    return this.pos;
  }

  writeInt(v: number): this {
    this.reserve(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }

  writeLong(v: bigint | number): this {
    this.reserve(8);
    this.buf.writeBigInt64BE(BigInt.asIntN(64, BigInt(v)), this.pos);
    this.pos += 8;
    return this;
  }

  writeBool(v: boolean): this {
    this.reserve(1);
    this.buf[this.pos++] = v ? 1 : 0;
    return this;
  }

  /** Bytes as they are, without a length: for a record serialized elsewhere. */
  writeRaw(v: Uint8Array): this {
    this.reserve(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
    return this;
  }

  writeBuffer(v: Uint8Array | null | undefined): this {
    if (v == null) return this.writeInt(-1);
    this.writeInt(v.length);
    this.reserve(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
    return this;
  }

  writeString(v: string | null | undefined): this {
    if (v == null) return this.writeInt(-1);
    const n = Buffer.byteLength(v, 'utf8');
    this.writeInt(n);
    this.reserve(n);
    this.buf.write(v, this.pos, 'utf8');
    this.pos += n;
    return this;
  }

  writeVector<T>(items: readonly T[] | null | undefined, each: (w: JuteWriter, item: T) => void): this {
    if (items == null) return this.writeInt(-1);
    this.writeInt(items.length);
    for (const item of items) each(this, item);
    return this;
  }

  /** The bytes written so far (a copy-free view). */
  toBuffer(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** The bytes written so far, prefixed with their 4-byte length: one wire frame. */
  static frame(build: (w: JuteWriter) => void, initialSize = 256): Buffer {
    const w = new JuteWriter(initialSize);
    w.writeInt(0);
    build(w);
    const out = w.toBuffer();
    out.writeInt32BE(out.length - 4, 0);
    return out;
  }
}

export class JuteReader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.end) {
      throw new JuteError(`truncated record: needed ${n} bytes for ${what} at offset ${this.pos}, ${this.end - this.pos} left`);
    }
  }

  readInt(): number {
    this.need(4, 'int');
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  readLong(): bigint {
    this.need(8, 'long');
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  /** A long known to fit a double exactly (times, TTLs). */
  readLongNumber(): number {
    return Number(this.readLong());
  }

  readBool(): boolean {
    this.need(1, 'boolean');
    return this.buf[this.pos++] !== 0;
  }

  /** A length prefix: -1 is null; any other negative is corrupt, as BinaryInputArchive says. */
  private readLength(what: string): number {
    const n = this.readInt();
    if (n < -1) throw new JuteError(`Unreasonable length = ${n} for a ${what} at offset ${this.pos - 4}`);
    return n;
  }

  readBuffer(): Buffer | null {
    const n = this.readLength('buffer');
    if (n < 0) return null;
    this.need(n, 'buffer');
    const v = Buffer.from(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return v;
  }

  readString(): string | null {
    const n = this.readLength('string');
    if (n < 0) return null;
    this.need(n, 'string');
    const v = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  readVector<T>(each: (r: JuteReader) => T): T[] | null {
    const n = this.readLength('vector');
    if (n < 0) return null;
    // Each element takes at least one byte: a count beyond what is left is a corrupt packet.
    if (n > this.remaining) throw new JuteError(`vector of ${n} elements cannot fit in ${this.remaining} bytes`);
    const out = new Array<T>(n);
    for (let i = 0; i < n; i++) out[i] = each(this);
    return out;
  }
}
