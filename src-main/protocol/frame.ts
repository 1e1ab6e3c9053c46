// Splits a TCP byte stream into ZooKeeper frames (a 4-byte big-endian length, then the body).

export class FrameTooLargeError extends Error {
  constructor(readonly length: number, readonly max: number) {
    super(`packet length ${length} is out of range (0..${max}): refusing it`);
  }
}

export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxFrame: number) {}

  /** Feed bytes; returns the complete frame bodies they finish. Throws on an out-of-range length. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    while (this.buffered >= 4) {
      const head = this.peek(4);
      const len = head.readInt32BE(0);
      if (len < 0 || len > this.maxFrame) throw new FrameTooLargeError(len, this.maxFrame);
      if (this.buffered < 4 + len) break;
      const all = this.take(4 + len);
      frames.push(all.subarray(4));
    }
    return frames;
  }

  /** Bytes received that do not yet make a whole frame. */
  get pending(): number {
    return this.buffered;
  }

  private peek(n: number): Buffer {
    if (this.chunks[0].length >= n) return this.chunks[0];
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0];
  }

  private take(n: number): Buffer {
    const first = this.peek(n);
    const out = first.subarray(0, n);
    const rest = first.subarray(n);
    this.chunks[0] = rest;
    if (rest.length === 0) this.chunks.shift();
    this.buffered -= n;
    return out;
  }
}
