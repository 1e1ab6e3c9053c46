// Runs ZAB's actions strictly in the order the machine produced them. Most are synchronous; one that
// needs the disk asynchronously (truncating the log, installing a snapshot) holds every later action
// back until it is done. Actions produced while the queue runs join its back, so nothing nests.

export class ActionQueue<A> {
  private readonly queue: A[] = [];
  private running = false;
  private blocked = false;
  private closed = false;

  constructor(
    private readonly perform: (action: A) => Promise<void> | void,
    /** Called when the queue is empty (and not blocked): more work from outside may be started here. */
    private readonly idle: () => boolean,
    private readonly failed: (action: A, err: unknown) => void,
  ) {}

  push(actions: readonly A[]): void {
    for (const a of actions) this.queue.push(a);
    this.run();
  }

  close(): void {
    this.closed = true;
  }

  run(): void {
    if (this.running || this.blocked || this.closed) return;
    this.running = true;
    try {
      while (!this.blocked && !this.closed) {
        const a = this.queue.shift();
        if (a === undefined) {
          // idle() may push more actions; stop only when it has nothing either.
          if (!this.idle()) break;
          continue;
        }
        const wait = this.perform(a);
        if (wait) {
          this.blocked = true;
          wait.then(() => {
            this.blocked = false;
            this.run();
          }, (err) => this.failed(a, err));
        }
      }
    } finally {
      this.running = false;
    }
  }
}
