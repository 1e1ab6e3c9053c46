// Runs keyed background fetches with bounded concurrency. A key is queued once however often it is
// asked for, and queued keys nobody wants any more (rows scrolled away) can be dropped before they run.

export class TaskQueue<K> {
  private readonly queued: K[] = [];
  private readonly pending = new Set<K>();
  private running = 0;

  constructor(
    private readonly limit: number,
    private readonly worker: (key: K) => Promise<void>,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  request(key: K): void {
    if (this.pending.has(key)) return;
    this.pending.add(key);
    this.queued.push(key);
    this.pump();
  }

  /** Drops queued keys for which `keep` is false; tasks already running finish. */
  prune(keep: (key: K) => boolean): void {
    for (let i = this.queued.length - 1; i >= 0; i--) {
      const key = this.queued[i];
      if (!keep(key)) {
        this.queued.splice(i, 1);
        this.pending.delete(key);
      }
    }
  }

  clear(): void {
    this.prune(() => false);
  }

  private pump(): void {
    while (this.running < this.limit && this.queued.length > 0) {
      const key = this.queued.shift() as K;
      this.running++;
      // The worker reports its own failures; the queue only needs to know it finished.
      this.worker(key)
        .catch(() => undefined)
        .finally(() => {
          this.running--;
          this.pending.delete(key);
          this.pump();
        });
    }
  }
}
