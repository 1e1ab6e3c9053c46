// Per-session reply order: ZooKeeper answers a session's requests in the order they arrived, even
// when a read arrives behind a write that is still waiting for its fsync. A request whose
// predecessors are all answered runs at once (the common, synchronous fast path).

export class ReplyOrder {
  private pending = 0;
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly onError: (err: unknown) => void) {}

  /** Runs `answer` once every earlier request of the session is answered and `ready` resolved. */
  schedule(answer: () => void, ready?: Promise<void>): void {
    if (this.pending === 0 && !ready) {
      this.run(answer);
      return;
    }
    this.pending++;
    const prev = this.tail;
    this.tail = (ready ? Promise.all([prev, ready]) : prev).then(() => {
      this.pending--;
      this.run(answer);
    });
  }

  private run(answer: () => void): void {
    try {
      answer();
    } catch (err) {
      this.onError(err);
    }
  }
}
