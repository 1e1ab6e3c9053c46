// One member of a monitored ensemble, polled: mntr, srvr and cons over 4-letter words, each falling
// back (once, then for good) to its AdminServer command when the word is not whitelisted — ZooKeeper's
// default whitelist holds only srvr — and a latency probe while the server answers. With TLS, all of
// it goes to the server's secure client port.
import { adminConnections, adminMonitor, adminServerStats, queryCons, queryMntr, querySrvr } from '../client';
import { formatHost, parseConnectString } from '../client/connect-string';
import type { ServerMetrics } from '../client/four-letter-mntr';
import type { ConnectionInfo, ServerStats } from '../client/four-letter-parse';
import type { MonitoredMember } from '../api/monitor-types';
import { LatencyProbe, type DigestAuth } from './latency-probe';
import { reachAt, type ProbeTls } from './monitor-tls';
import { describeFailure, isWordRefused } from './reasons';

export type FigureSource = '4lw' | 'admin';

/** What one poll of one server found. */
export interface ServerReading {
  address: string;
  up: boolean;
  downReason: string | null;
  note: string | null;
  /** mntr (or the AdminServer's monitor) when it answered. */
  metrics: ServerMetrics | null;
  /** srvr (or server_stats) when it answered. */
  stats: ServerStats | null;
  /** Client connections as cons (or connections) lists them. */
  connectionCount: number | null;
  probeMs: number | null;
  source: FigureSource | null;
}

export interface ServerPollerOptions {
  /** Budget for each request of a poll. */
  timeoutMs: number;
  auth: DigestAuth | null;
  tls?: ProbeTls | null;
}

type Figure = 'metrics' | 'stats' | 'cons';

export class ServerPoller {
  readonly host: string;
  readonly port: number;
  private readonly viaAdmin = new Set<Figure>();
  private readonly probe: LatencyProbe;

  constructor(
    readonly member: MonitoredMember,
    private readonly options: ServerPollerOptions,
  ) {
    const reached = reachAt(parseConnectString(member.address).hosts[0], options.tls);
    this.host = reached.host;
    this.port = reached.port;
    this.probe = new LatencyProbe(formatHost(reached), options.timeoutMs, options.auth, options.tls?.options ?? null);
  }

  get address(): string {
    return this.member.address;
  }

  async poll(): Promise<ServerReading> {
    // The TLS options serve the words on a secure port and https:// AdminServer URLs alike.
    const opts = { timeoutMs: this.options.timeoutMs, tls: this.options.tls?.options };
    const [metrics, stats, cons] = await Promise.allSettled([
      this.fetch('metrics', () => queryMntr(this.host, this.port, opts), (url) => adminMonitor(url, opts)),
      this.fetch('stats', () => querySrvr(this.host, this.port, opts), (url) => adminServerStats(url, opts)),
      this.fetch<ConnectionInfo[]>('cons', () => queryCons(this.host, this.port, opts), (url) => adminConnections(url, opts)),
    ]);
    const reading: ServerReading = {
      address: this.address,
      up: metrics.status === 'fulfilled' || stats.status === 'fulfilled',
      downReason: null,
      note: null,
      metrics: metrics.status === 'fulfilled' ? metrics.value.value : null,
      stats: stats.status === 'fulfilled' ? stats.value.value : null,
      connectionCount: cons.status === 'fulfilled' ? cons.value.value.length : null,
      probeMs: null,
      source: metrics.status === 'fulfilled' ? metrics.value.source : stats.status === 'fulfilled' ? stats.value.source : null,
    };
    if (!reading.up) {
      reading.downReason = this.downReason(metrics as PromiseRejectedResult, stats as PromiseRejectedResult);
      // A fresh session once the server answers again, rather than one reconnecting all the while.
      await this.probe.close();
      return reading;
    }
    const notes: string[] = [];
    if (metrics.status === 'rejected') notes.push(this.missing('mntr', metrics.reason));
    try {
      reading.probeMs = await this.probe.measure();
    } catch (err) {
      notes.push(`latency probe: ${describeFailure(err)}`);
    }
    reading.note = notes.length > 0 ? notes.join('; ') : null;
    return reading;
  }

  async close(): Promise<void> {
    await this.probe.close();
  }

  /** The word, or the AdminServer command once the word has been refused and an AdminServer URL is known. */
  private async fetch<T>(figure: Figure, word: () => Promise<T>, admin: (url: string) => Promise<T>): Promise<{ value: T; source: FigureSource }> {
    const adminUrl = this.member.adminUrl;
    if (!this.viaAdmin.has(figure)) {
      try {
        return { value: await word(), source: '4lw' };
      } catch (err) {
        if (!isWordRefused(err) || adminUrl === null) throw err;
        this.viaAdmin.add(figure);
      }
    }
    return { value: await admin(adminUrl!), source: 'admin' };
  }

  /** The failure that says most: a refused word only when nothing else went wrong. */
  private downReason(metrics: PromiseRejectedResult, stats: PromiseRejectedResult): string {
    const primary = isWordRefused(stats.reason) ? metrics.reason : stats.reason;
    const reason = describeFailure(primary);
    return isWordRefused(primary) && this.member.adminUrl === null ? `${reason}; set the AdminServer URL` : reason;
  }

  private missing(word: string, err: unknown): string {
    return isWordRefused(err) && this.member.adminUrl === null
      ? `'${word}' is not whitelisted and no AdminServer URL is set: srvr figures only`
      : `no ${word} figures: ${describeFailure(err)}`;
  }
}
