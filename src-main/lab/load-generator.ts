// Load on a lab while faults are injected: sessions on the lab's connect string, each with one
// request in flight, the kind of each request drawn by weight, every latency kept as a sample and
// handed over in batches. A failed request is a sample with ok: false; the load goes on (a lost
// session is replaced), so its latencies show what a partition or a crash does to clients.

import { performance } from 'node:perf_hooks';
import { ZooKeeperClient } from '../client';
import type { LoadSample, LoadSpec } from '../api/lab-types';
import { CreateMode } from '../protocol/constants';
import { ErrorCode, ZooKeeperError } from '../protocol/errors';

export const LOAD_ROOT = '/zoolab-load';

export interface LoadGeneratorOptions {
  connectString: string;
  spec: LoadSpec;
  onSamples: (samples: LoadSample[]) => void;
  /** How often samples are handed over; default 250 ms. */
  batchEveryMs?: number;
}

type LoadOp = LoadSample['op'];

/** Samples beyond this per batch are left out: a chart of 10 000 points per 250 ms shows enough. */
const MAX_SAMPLES_PER_BATCH = 10_000;
/** A request with no reply after this long fails, so a partition shows as failures, not silence. */
const REQUEST_TIMEOUT_MS = 10_000;
const SESSION_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 15_000;
/** After a failure a session waits this long: failures come fast, and a tight loop of them helps nobody. */
const PAUSE_AFTER_FAILURE_MS = 100;

export class LoadGenerator {
  private readonly clients: ZooKeeperClient[] = [];
  private readonly workers: Promise<void>[] = [];
  private pending: LoadSample[] = [];
  private stopping = false;
  private wakeSleepers: () => void = () => {};
  private readonly stopped = new Promise<void>((resolve) => (this.wakeSleepers = resolve));
  private batchTimer: NodeJS.Timeout | null = null;
  /** When the next request may start (performance.now ms), for a rate limit. */
  private nextSlot = 0;
  private readonly value: Buffer;

  private constructor(private readonly options: LoadGeneratorOptions) {
    this.value = Buffer.alloc(options.spec.valueSize, 'z');
  }

  /** Opens the sessions and prepares the nodes read and written; rejects (in words) when it cannot. */
  static async start(options: LoadGeneratorOptions): Promise<LoadGenerator> {
    const generator = new LoadGenerator(options);
    try {
      await generator.begin();
    } catch (err) {
      await generator.stop();
      throw new Error(`the load could not start on ${options.connectString}: ${(err as Error).message}`);
    }
    return generator;
  }

  /** Stops issuing requests, waits for those in flight, hands over the last samples and closes the sessions. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.wakeSleepers();
    // closeSession queues behind requests in flight, so they still get their replies.
    await Promise.all(this.clients.map((c) => c.close().catch(() => undefined)));
    await Promise.all(this.workers);
    if (this.batchTimer) clearInterval(this.batchTimer);
    this.handOver();
  }

  private async begin(): Promise<void> {
    const { clients } = this.options.spec;
    for (let i = 0; i < clients; i++) this.clients.push(this.newClient());
    await Promise.all(this.clients.map((c) => c.connect(CONNECT_TIMEOUT_MS)));
    await createIfMissing(this.clients[0], LOAD_ROOT, null);
    await Promise.all(this.clients.map((c, i) => createIfMissing(c, keyOf(i), this.value)));
    this.batchTimer = setInterval(() => this.handOver(), this.options.batchEveryMs ?? 250);
    for (let i = 0; i < clients; i++) this.workers.push(this.work(i));
  }

  private async work(index: number): Promise<void> {
    while (!this.stopping) {
      await this.sleep(this.waitForSlot());
      if (this.stopping) return;
      const op = pickOp(this.options.spec.mix);
      const began = performance.now();
      let ok = true;
      try {
        await this.request(await this.liveClient(index), op, keyOf(index));
      } catch {
        ok = false;
      }
      // Failures of our own closing sessions say nothing about the lab.
      if (this.stopping && !ok) return;
      this.pending.push({ at: Date.now(), op, latencyMs: performance.now() - began, ok });
      if (!ok) await this.sleep(PAUSE_AFTER_FAILURE_MS);
    }
  }

  private async request(client: ZooKeeperClient, op: LoadOp, key: string): Promise<void> {
    if (op === 'read') await client.getData(key);
    else if (op === 'write') await client.setData(key, this.value);
    // Ephemeral, so what a load run creates goes away with its sessions instead of piling up.
    else await client.create(`${LOAD_ROOT}/item-`, this.value, { mode: CreateMode.EPHEMERAL_SEQUENTIAL });
  }

  /** The session of worker `index`, replaced when it expired (a long partition) so the load goes on. */
  private async liveClient(index: number): Promise<ZooKeeperClient> {
    const current = this.clients[index];
    if (current.state !== 'expired' && current.state !== 'closed') return current;
    const fresh = this.newClient();
    this.clients[index] = fresh;
    await fresh.connect(CONNECT_TIMEOUT_MS);
    return fresh;
  }

  private newClient(): ZooKeeperClient {
    return new ZooKeeperClient({ connectString: this.options.connectString, sessionTimeoutMs: SESSION_TIMEOUT_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS });
  }

  /** ms until this worker's next request may start: 0 without a rate limit. */
  private waitForSlot(): number {
    const { rate } = this.options.spec;
    if (rate <= 0) return 0;
    const now = performance.now();
    // A slot missed while requests were slow is not made up for later with a burst.
    const slot = Math.max(this.nextSlot, now);
    this.nextSlot = slot + 1000 / rate;
    return slot - now;
  }

  private async sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.stopping) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))), this.stopped]);
    clearTimeout(timer);
  }

  private handOver(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending.length > MAX_SAMPLES_PER_BATCH ? this.pending.slice(-MAX_SAMPLES_PER_BATCH) : this.pending;
    this.pending = [];
    this.options.onSamples(batch);
  }
}

function keyOf(index: number): string {
  return `${LOAD_ROOT}/key-${index}`;
}

async function createIfMissing(client: ZooKeeperClient, path: string, data: Buffer | null): Promise<void> {
  try {
    await client.create(path, data);
  } catch (err) {
    if (!(err instanceof ZooKeeperError && err.code === ErrorCode.NODEEXISTS)) throw err;
  }
}

/** An op drawn with probability proportional to its weight (the weights need not sum to 1). */
export function pickOp(mix: LoadSpec['mix'], random = Math.random()): LoadOp {
  const total = mix.read + mix.write + mix.create;
  const x = random * total;
  if (x < mix.read) return 'read';
  if (x < mix.read + mix.write) return 'write';
  return 'create';
}
