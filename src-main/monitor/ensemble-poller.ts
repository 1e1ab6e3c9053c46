// Polls every member of one ensemble each interval, all at once, and hands each poll's samples,
// alerts and marks to its owner (the API service stores and pushes them; the command line prints).
import type { AlertThresholds, MonitoredMember, ServerSample, TimelineMark } from '../api/monitor-types';
import type { NewAlert } from '../store/metrics-events';
import { AlertTracker } from './alerts';
import type { DigestAuth } from './latency-probe';
import type { ProbeTls } from './monitor-tls';
import { toSample, votersOf } from './sample';
import { ServerPoller, type ServerReading } from './server-poller';

export interface PollResult {
  /** When the poll started, ms since the epoch: the samples' timestamp. */
  ts: number;
  samples: ServerSample[];
  /** The raw readings behind the samples, in the same order (the command line prints mntr from them). */
  readings: ServerReading[];
  alerts: NewAlert[];
  marks: TimelineMark[];
}

export interface EnsemblePollerOptions {
  ensembleId: string;
  members: MonitoredMember[];
  intervalSec: number;
  thresholds: AlertThresholds;
  auth?: DigestAuth | null;
  /** TLS to the secure client ports, for every word and probe. */
  tls?: ProbeTls | null;
  /** Budget for each request; by default the interval, within 2–5 s. */
  timeoutMs?: number;
  onPoll?: (result: PollResult) => void;
}

export function defaultTimeoutMs(intervalSec: number): number {
  return Math.min(5000, Math.max(2000, intervalSec * 1000));
}

export class EnsemblePoller {
  private readonly servers: ServerPoller[];
  private readonly tracker: AlertTracker;
  private running = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private inFlight: Promise<PollResult> | null = null;

  constructor(private readonly options: EnsemblePollerOptions) {
    if (options.members.length === 0) throw new Error('an ensemble needs at least one member to poll');
    const timeoutMs = options.timeoutMs ?? defaultTimeoutMs(options.intervalSec);
    this.servers = options.members.map((m) => new ServerPoller(m, { timeoutMs, auth: options.auth ?? null, tls: options.tls ?? null }));
    this.tracker = new AlertTracker(options.ensembleId, options.thresholds);
  }

  get members(): MonitoredMember[] {
    return this.options.members;
  }

  /** Polls now and then every interval until stop(); a poll that overruns delays the next, never overlaps it. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const started = Date.now();
        await this.pollOnce().catch((err: unknown) => {
          process.emitWarning(`monitor ${this.options.ensembleId}: a poll failed: ${(err as Error).message}`);
        });
        const wait = started + this.options.intervalSec * 1000 - Date.now();
        if (this.running && wait > 0) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, wait);
            this.wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          this.wake = null;
        }
      }
    })();
  }

  /** One poll of every member; a member that fails is a down sample, not a rejection. */
  pollOnce(): Promise<PollResult> {
    this.inFlight ??= this.poll().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  /** Stops polling, waits for a poll under way, and closes the latency probes' sessions. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.inFlight?.catch(() => undefined);
    await Promise.all(this.servers.map((s) => s.close()));
  }

  private async poll(): Promise<PollResult> {
    const ts = Date.now();
    const readings = await Promise.all(this.servers.map((s) => s.poll()));
    const voters = votersOf(readings);
    const samples = readings.map((r) => toSample(this.options.ensembleId, ts, r, this.options.thresholds, voters));
    const result: PollResult = { ts, samples, readings, ...this.tracker.observe(samples, voters) };
    try {
      this.options.onPoll?.(result);
    } catch (err) {
      // The owner's failure (a full disk, say) must not stop the monitoring.
      process.emitWarning(`monitor ${this.options.ensembleId}: handling a poll failed: ${(err as Error).message}`);
    }
    return result;
  }
}
