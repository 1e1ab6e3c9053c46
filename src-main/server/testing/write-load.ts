// A continuous write load for fault tests: several clients create znodes one after another and
// remember every create the ensemble acknowledged. After the faults, every acknowledged znode must
// be on every server (ZAB's promise); writes that failed may or may not be there.

import { expect } from 'vitest';
import { ZooKeeperClient } from '../../client/client';

export interface WriteLoad {
  /** Paths whose create was acknowledged. */
  readonly acked: string[];
  readonly failures: number;
  /** Writers whose session the ensemble expired: a failover must not cost a live client its session. */
  readonly sessionsLost: number;
  /** Resolves once at least n more writes are acknowledged (from the call on). */
  ackedMore(n: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `clients` writers under `root` (created first), each with its own session on `connect`. */
export async function startWriteLoad(connect: string, root: string, clients = 2): Promise<WriteLoad> {
  const admin = new ZooKeeperClient({ connectString: connect, sessionTimeoutMs: 10_000 });
  await admin.connect(30_000);
  await admin.create(root).catch(() => {});
  await admin.close();
  const acked: string[] = [];
  let failures = 0;
  let sessionsLost = 0;
  let running = true;
  const waiters: Array<{ at: number; resolve: () => void }> = [];
  const writer = async (w: number) => {
    const client = new ZooKeeperClient({ connectString: connect, sessionTimeoutMs: 6000, requestTimeoutMs: 5000 });
    await client.connect(30_000).catch(() => {});
    for (let i = 0; running; i++) {
      const path = `${root}/w${w}-${i}`;
      try {
        await client.create(path, String(i));
        acked.push(path);
        for (const x of waiters.filter((x) => acked.length >= x.at)) {
          waiters.splice(waiters.indexOf(x), 1);
          x.resolve();
        }
      } catch {
        failures++;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    if (client.state === 'expired') sessionsLost++;
    await client.close().catch(() => {});
  };
  const done = Promise.all(Array.from({ length: clients }, (_, w) => writer(w)));
  return {
    acked,
    get failures() {
      return failures;
    },
    get sessionsLost() {
      return sessionsLost;
    },
    ackedMore(n, timeoutMs = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const at = acked.length + n;
        const timer = setTimeout(() => reject(new Error(`fewer than ${n} writes acknowledged in ${timeoutMs} ms (${failures} failed)`)), timeoutMs);
        waiters.push({ at, resolve: () => { clearTimeout(timer); resolve(); } });
      });
    },
    async stop() {
      running = false;
      await done;
    },
  };
}

/** Reads `root` on each server alone (after sync) and checks every acknowledged path is there. */
export async function expectEveryServerHas(clientPorts: readonly number[], root: string, acked: readonly string[]): Promise<void> {
  for (const port of clientPorts) {
    const client = new ZooKeeperClient({ connectString: `127.0.0.1:${port}`, sessionTimeoutMs: 10_000 });
    await client.connect(30_000);
    try {
      await client.sync(root);
      const { children } = await client.getChildren(root);
      const present = new Set(children.map((c) => `${root}/${c}`));
      const missing = acked.filter((p) => !present.has(p));
      expect(missing, `server on port ${port} lost acknowledged writes`).toEqual([]);
    } finally {
      await client.close();
    }
  }
}
