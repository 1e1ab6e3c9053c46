// One lab while it runs: its relays, the server processes started for it (so how they exit is
// known), the tail of their event logs feeding the history store and the renderer, a status push
// every second, the faults injected, and the load, if any. One run in the history store per start.

import { renameSync } from 'node:fs';
import path from 'node:path';
import type { LabDefinition, LabEvents, LabFault, LabStatus, LinkDirection, LoadSpec, PartitionPreset, ServerFault } from '../api/lab-types';
import { Cluster } from './cluster';
import { ClusterError } from './cluster-error';
import { EVENTS_FILE, tailAll, type Tail } from './events/event-log-reader';
import type { FiguresRecord, HistoryStore } from './events/history-store';
import { labStatus, type RunningParts } from './lab-status';
import type { LinkDirection as RelayDirection } from './link-relays';
import { LoadGenerator } from './load-generator';
import { planPreset } from './partition-presets';
import type { ServerCommand } from './process-control';
import { ServerExits } from './server-exits';

export type LabPush = <E extends keyof LabEvents>(event: E, data: LabEvents[E]) => void;

export interface LabRunOptions {
  definition: LabDefinition;
  history: HistoryStore;
  push: LabPush;
  /** How to run a server; default: the built CLI beside this code. */
  command?: ServerCommand;
}

const UP_TIMEOUT_MS = 60_000;
const STATUS_EVERY_MS = 1000;
/** The event tail polls this often, and each poll is at most one push: 4 pushes a second. */
const EVENTS_EVERY_MS = 250;
/** Events beyond this in one poll are stored but not pushed (the renderer can ask lab.events). */
const MAX_PUSHED_EVENTS = 2000;
/** A killed process is gone from /proc a moment before its parent hears how it ended. */
const EXIT_REPORT_TIMEOUT_MS = 5000;

export class LabRun {
  private load: LoadGenerator | null = null;
  private statusTimer: NodeJS.Timeout | null = null;
  private statusInFlight: Promise<void> | null = null;
  private stopped = false;

  private constructor(
    private readonly labId: string,
    readonly cluster: Cluster,
    private readonly parts: RunningParts,
    private readonly options: LabRunOptions,
    private readonly runId: number,
    private readonly tail: Tail,
  ) {}

  /** Starts the relays, then every server, and waits until the cluster serves writes. */
  static async start(options: LabRunOptions): Promise<LabRun> {
    const { definition: def, history, push } = options;
    const exits = new ServerExits();
    const cluster = Cluster.load(def.dir, { command: options.command, onSpawn: (id, child) => exits.track(id, child) });
    // Servers left running (by a ZooLab that did not close) dial relays that are gone, and how
    // they end could not be known: they start anew, on their data.
    if (cluster.liveServers().length > 0) await cluster.down();
    setAsideEventLogs(cluster);
    const relays = await cluster.startRelays();
    const runId = history.startRun(def.id);
    const tail = tailAll(
      cluster.servers.map((s) => cluster.files(s.id).dataDir),
      ({ events }) => {
        history.append(runId, events);
        const pushed = events.length > MAX_PUSHED_EVENTS ? events.slice(-MAX_PUSHED_EVENTS) : events;
        push('lab.events', { labId: def.id, events: pushed, dropped: events.length - pushed.length });
      },
      { intervalMs: EVENTS_EVERY_MS, onError: (file, err) => process.emitWarning(`lab "${def.name}": cannot read ${file}: ${(err as Error).message}`) },
    );
    const run = new LabRun(def.id, cluster, { relays, exits }, options, runId, tail);
    try {
      await cluster.up({ timeoutMs: UP_TIMEOUT_MS });
    } catch (err) {
      await run.stop();
      throw err;
    }
    run.statusTimer = setInterval(() => run.pushStatus(), STATUS_EVERY_MS);
    return run;
  }

  status(): Promise<LabStatus> {
    return labStatus(this.labId, this.cluster, this.parts);
  }

  async serverFault(id: number, fault: ServerFault): Promise<LabStatus> {
    const { cluster } = this;
    let detail: string;
    switch (fault) {
      case 'kill':
        detail = `SIGKILL to pid ${await cluster.kill(id)}`;
        await this.parts.exits.waitForExit(id, EXIT_REPORT_TIMEOUT_MS);
        break;
      case 'pause':
        detail = `SIGSTOP to pid ${await cluster.pause(id)}`;
        break;
      case 'resume':
        detail = `SIGCONT to pid ${await cluster.resume(id)}`;
        break;
      case 'stop':
        detail = { stopped: 'stopped on SIGTERM', killed: 'killed: it ignored SIGTERM', 'not-running': 'was not running' }[await cluster.stop(id)];
        break;
      case 'start': {
        const pid = cluster.start(id);
        if (pid === null) throw new ClusterError(`server ${id} is running already`, true);
        detail = `pid ${pid}`;
        break;
      }
      case 'restart':
        detail = `pid ${await cluster.restart(id)}`;
        break;
      case 'wipe':
        detail = `data deleted (myid kept), started as pid ${await cluster.wipe(id)}`;
        break;
    }
    return this.recorded({ kind: fault, target: `server ${id}`, detail });
  }

  cutLink(a: number, b: number, direction: LinkDirection): Promise<LabStatus> {
    const [from, to] = direction === 'b->a' ? [b, a] : [a, b];
    const relayDirection: RelayDirection = direction === 'both' ? 'both' : `${from}->${to}`;
    this.parts.relays.cut(a, b, relayDirection);
    const detail = direction === 'both' ? 'both ways' : `${from}->${to}: what ${from} sends ${to} is lost`;
    return this.recorded({ kind: 'cut', target: linkName(a, b), detail });
  }

  slowLink(a: number, b: number, delayMs: number): Promise<LabStatus> {
    this.parts.relays.setDelay(a, b, delayMs);
    return this.recorded({ kind: 'delay', target: linkName(a, b), detail: `${delayMs} ms added each way` });
  }

  /** One link back to normal: open both ways, no delay. */
  healLink(a: number, b: number): Promise<LabStatus> {
    this.parts.relays.heal(a, b);
    this.parts.relays.setDelay(a, b, 0);
    return this.recorded({ kind: 'heal', target: linkName(a, b), detail: 'open both ways, no delay' });
  }

  /** Every link back to normal: open both ways, no delay. */
  healLinks(): Promise<LabStatus> {
    const { relays } = this.parts;
    relays.healAll();
    for (const link of relays.describe()) if (link.delayMs > 0) relays.setDelay(link.a, link.b, 0);
    return this.recorded({ kind: 'heal', target: 'all links', detail: 'open both ways, no delay' });
  }

  async partition(preset: PartitionPreset): Promise<LabStatus> {
    const plan = planPreset(preset, (await this.status()).servers);
    if (typeof plan === 'string') throw new ClusterError(`cannot ${preset}: ${plan}`, true);
    for (const [a, b] of plan.cuts) this.parts.relays.cut(a, b, 'both');
    const isolated = plan.isolated.join(',');
    const target = plan.isolated.length === 1 ? `server ${isolated}` : `servers ${isolated}`;
    return this.recorded({ kind: preset, target, detail: `cut off both ways from the other servers (${plan.cuts.length} links)` });
  }

  /** Replaces the load running, if any. */
  async startLoad(spec: LoadSpec): Promise<void> {
    await this.stopLoad();
    this.load = await LoadGenerator.start({
      connectString: this.cluster.connectString,
      spec,
      onSamples: (samples) => {
        this.options.history.appendLoad(this.runId, samples);
        this.options.push('lab.load', { labId: this.labId, samples });
      },
    });
  }

  async stopLoad(): Promise<void> {
    const load = this.load;
    this.load = null;
    await load?.stop();
  }

  /** Stops the load and every server, closes the relays and ends the run in the history. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.statusTimer) clearInterval(this.statusTimer);
    await this.statusInFlight;
    await this.stopLoad();
    try {
      await this.cluster.down();
    } finally {
      await this.parts.relays.closeAll();
      await this.tail.stop();
      this.options.history.endRun(this.runId);
    }
  }

  private async recorded(what: Omit<LabFault, 'ts'>): Promise<LabStatus> {
    const fault: LabFault = { ts: Date.now() * 1000, ...what };
    this.options.history.appendFault(this.runId, fault);
    this.options.push('lab.fault', { labId: this.labId, fault });
    const status = await this.status();
    this.options.push('lab.status', status);
    return status;
  }

  private pushStatus(): void {
    // A status that takes longer than the interval (servers not answering) is not asked for twice.
    if (this.statusInFlight || this.stopped) return;
    this.statusInFlight = this.status()
      .then((status) => {
        if (this.stopped) return;
        this.options.history.appendFigures(this.runId, figuresOf(status));
        this.options.push('lab.status', status);
      })
      .catch((err: unknown) => process.emitWarning(`lab ${this.labId}: status failed: ${(err as Error).message}`))
      .finally(() => (this.statusInFlight = null));
  }
}

function linkName(a: number, b: number): string {
  return `link ${Math.min(a, b)}-${Math.max(a, b)}`;
}

/**
 * A run reads its servers' event logs from their first line; what earlier runs logged is in the
 * history store already, so each log is moved aside (one generation kept) while its server is down.
 */
function setAsideEventLogs(cluster: Cluster): void {
  for (const s of cluster.servers) {
    const file = path.join(cluster.files(s.id).dataDir, EVENTS_FILE);
    try {
      renameSync(file, file.replace(/\.jsonl$/, '.previous.jsonl'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

/** What the metrics charts draw of a status: each server's queue, connections and fsync counters. */
function figuresOf(status: LabStatus): FiguresRecord {
  return { at: Date.now(), servers: status.servers.map(({ id, outstanding, connections, fsync }) => ({ id, outstanding, connections, fsync })) };
}
