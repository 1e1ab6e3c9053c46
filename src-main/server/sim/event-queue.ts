// The simulator's agenda: a binary min-heap ordered by (time, insertion order), so that events at
// the same simulated millisecond run in the order they were scheduled, the same on every replay.

export interface Scheduled<T> {
  time: number;
  seq: number;
  item: T;
}

export class EventQueue<T> {
  private heap: Scheduled<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(time: number, item: T): void {
    const e = { time, seq: this.seq++, item };
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(e, h[p])) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = e;
  }

  peekTime(): number | undefined {
    return this.heap[0]?.time;
  }

  pop(): Scheduled<T> | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && before(h[r], h[l]) ? r : l;
      if (!before(h[c], last)) break;
      h[i] = h[c];
      i = c;
    }
    h[i] = last;
    return top;
  }
}

const before = (a: Scheduled<unknown>, b: Scheduled<unknown>) => a.time < b.time || (a.time === b.time && a.seq < b.seq);
