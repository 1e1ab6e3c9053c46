// The client-side view of a server's latency: a timed exists('/') over a session pinned to that one
// server, kept open between polls so a probe measures a round trip, not a connection setup.
import { performance } from 'node:perf_hooks';
import { ZooKeeperClient, type ClientTlsOptions } from '../client/client';

export interface DigestAuth {
  user: string;
  password: string;
}

// Short enough that the server drops a probe session soon after ZooLab goes away.
const PROBE_SESSION_TIMEOUT_MS = 15_000;

export class LatencyProbe {
  private zk: ZooKeeperClient | null = null;

  constructor(
    readonly address: string,
    private readonly timeoutMs: number,
    private readonly auth: DigestAuth | null,
    private readonly tls: ClientTlsOptions | null = null,
  ) {}

  /** Milliseconds for one exists('/') round trip; throws (ZooKeeperError) when there is none in time. */
  async measure(): Promise<number> {
    const zk = await this.session();
    const started = performance.now();
    await zk.exists('/');
    return performance.now() - started;
  }

  /** Ends the session (a server found down gets a fresh one once it answers again). */
  async close(): Promise<void> {
    const zk = this.zk;
    this.zk = null;
    await zk?.close().catch(() => undefined);
  }

  private async session(): Promise<ZooKeeperClient> {
    // A dropped connection reconnects by itself; an ended session needs a new client.
    if (this.zk && !['closed', 'expired', 'authFailed'].includes(this.zk.state)) return this.zk;
    await this.close();
    const zk = new ZooKeeperClient({
      connectString: this.address,
      sessionTimeoutMs: PROBE_SESSION_TIMEOUT_MS,
      connectTimeoutMs: this.timeoutMs,
      requestTimeoutMs: this.timeoutMs,
      tls: this.tls ?? undefined,
    });
    try {
      await zk.connect(this.timeoutMs);
      if (this.auth) await zk.addAuth('digest', `${this.auth.user}:${this.auth.password}`);
    } catch (err) {
      await zk.close().catch(() => undefined);
      throw err;
    }
    this.zk = zk;
    return zk;
  }
}
