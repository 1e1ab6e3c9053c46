// How the server processes this process started ended: the exit code or signal is only known to
// the parent (the pid files tell that a server is gone, not how), so the lab keeps each child.

import type { ChildProcess } from 'node:child_process';

export interface ServerExit {
  code: number | null;
  signal: string | null;
}

interface Tracked {
  exit: ServerExit | null;
  exited: Promise<ServerExit>;
}

export class ServerExits {
  private readonly latest = new Map<number, Tracked>();

  /** Follows server `id`'s newest process; what an older one did is forgotten. */
  track(id: number, child: ChildProcess): void {
    const tracked: Tracked = {
      exit: null,
      exited: new Promise((resolve) => {
        child.once('exit', (code, signal) => {
          tracked.exit = { code, signal };
          resolve(tracked.exit);
        });
      }),
    };
    this.latest.set(id, tracked);
  }

  /** How the server's newest process ended; null while it runs, or when it was not started here. */
  exitOf(id: number): ServerExit | null {
    return this.latest.get(id)?.exit ?? null;
  }

  /**
   * Waits until the exit of the server's newest process has been reported (the pid files show a
   * killed process gone a moment before the parent hears of it); gives up after timeoutMs.
   */
  async waitForExit(id: number, timeoutMs: number): Promise<ServerExit | null> {
    const tracked = this.latest.get(id);
    if (!tracked) return null;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
    try {
      return await Promise.race([tracked.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
