// The cluster lab's labs: their definitions in the app's database, their files under
// <data dir>/labs/<id>, their run history in the same database, and the runs of the labs this
// process started. Calls on one lab run one after another, so a fault never races a start or stop.
// Closing stops every lab this process runs: labs do not outlive the app.

import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { ApiFailure } from '../api/errors';
import type { LabDefinition, LabEvent, LabFault, LabMetricsHistory, LabRunRecord, LabSpec, LoadSample, LabStatus, LinkDirection, LoadSpec, PartitionPreset, ServerFault } from '../api/lab-types';
import { LabRepository } from '../store/labs';
import type { Store } from '../store/store';
import { Cluster } from './cluster';
import { HistoryStore } from './events/history-store';
import { LabRun, type LabPush } from './lab-run';
import { labStatus } from './lab-status';
import type { ServerCommand } from './process-control';

export interface LabManagerOptions {
  store: Pick<Store, 'dataDir' | 'file'>;
  push: LabPush;
  /** How to run a server; default: the built CLI beside this code. */
  command?: ServerCommand;
}

export interface EventQuery {
  /** µs since the epoch, inclusive and exclusive. */
  fromTs?: number;
  toTs?: number;
  types?: string[];
  limit?: number;
  /** One of the lab's runs (lab.runs); default its current run, or its last one. */
  runId?: number;
}

/** Events one lab.events call returns at most (and by default): a long run holds millions. */
export const MAX_EVENTS_PER_QUERY = 50_000;
/** Load samples (and server figures) one lab.metrics call returns at most. */
export const MAX_METRICS_PER_QUERY = 500_000;

export class LabManager {
  private readonly definitions: LabRepository;
  private readonly history: HistoryStore;
  private readonly runs = new Map<string, LabRun>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private closed = false;

  constructor(private readonly options: LabManagerOptions) {
    this.definitions = LabRepository.open(options.store.file);
    try {
      this.history = HistoryStore.open(options.store.file);
    } catch (err) {
      this.definitions.close();
      throw err;
    }
  }

  list(): LabDefinition[] {
    return this.definitions.list();
  }

  /** The names of the labs whose servers this process runs (the desktop app asks before quitting). */
  runningLabs(): string[] {
    return [...this.runs.keys()].map((id) => this.definitions.get(id)?.name ?? id);
  }

  definition(labId: string): LabDefinition {
    const def = this.definitions.get(labId);
    if (!def) throw new ApiFailure(`there is no lab with id ${JSON.stringify(labId)}`);
    return def;
  }

  /** Chooses free ports and writes the servers' configs; starts nothing. */
  async create(spec: LabSpec): Promise<LabDefinition> {
    const id = randomUUID();
    const dir = path.join(this.options.store.dataDir, 'labs', id);
    const def: LabDefinition = {
      id, name: spec.name, participants: spec.participants, observers: spec.observers, tickTime: spec.tickTime,
      initLimit: spec.initLimit, syncLimit: spec.syncLimit, dir, createdAt: Date.now(),
    };
    try {
      await Cluster.create(dir, {
        nodes: spec.participants, observers: spec.observers, tickTime: spec.tickTime, initLimit: spec.initLimit, syncLimit: spec.syncLimit,
        portBase: null, relayed: true,
      }, { command: this.options.command });
      this.definitions.insert(def);
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    return def;
  }

  /** Stops the lab and deletes its files, its run history and its definition. */
  remove(labId: string): Promise<void> {
    const def = this.definition(labId);
    return this.exclusive(labId, async () => {
      await this.stopRun(labId);
      // Servers another ZooLab left running would hold the deleted files open.
      if (Cluster.exists(def.dir)) await Cluster.load(def.dir, { command: this.options.command }).down();
      rmSync(def.dir, { recursive: true, force: true });
      this.history.removeLab(labId);
      this.definitions.remove(labId);
    });
  }

  /** Starts every server behind its relays (again after an app restart: on the data it had). */
  start(labId: string): Promise<LabStatus> {
    const def = this.definition(labId);
    return this.exclusive(labId, async () => {
      let run = this.runs.get(labId);
      if (!run) {
        run = await LabRun.start({ definition: def, history: this.history, push: this.options.push, command: this.options.command });
        this.runs.set(labId, run);
      }
      const status = await run.status();
      this.options.push('lab.status', status);
      return status;
    });
  }

  stop(labId: string): Promise<void> {
    this.definition(labId);
    return this.exclusive(labId, async () => {
      if (!(await this.stopRun(labId))) return;
      this.options.push('lab.status', await this.status(labId));
    });
  }

  status(labId: string): Promise<LabStatus> {
    const def = this.definition(labId);
    const run = this.runs.get(labId);
    return run ? run.status() : labStatus(labId, Cluster.load(def.dir, { command: this.options.command }), null);
  }

  serverFault(labId: string, serverId: number, fault: ServerFault): Promise<LabStatus> {
    return this.onRun(labId, (run) => run.serverFault(serverId, fault));
  }

  cutLink(labId: string, a: number, b: number, direction: LinkDirection): Promise<LabStatus> {
    return this.onRun(labId, (run) => run.cutLink(a, b, direction));
  }

  slowLink(labId: string, a: number, b: number, delayMs: number): Promise<LabStatus> {
    return this.onRun(labId, (run) => run.slowLink(a, b, delayMs));
  }

  healLink(labId: string, a: number, b: number): Promise<LabStatus> {
    return this.onRun(labId, (run) => run.healLink(a, b));
  }

  healLinks(labId: string): Promise<LabStatus> {
    return this.onRun(labId, (run) => run.healLinks());
  }

  partition(labId: string, preset: PartitionPreset): Promise<LabStatus> {
    return this.onRun(labId, (run) => run.partition(preset));
  }

  startLoad(labId: string, spec: LoadSpec): Promise<void> {
    return this.onRun(labId, (run) => run.startLoad(spec));
  }

  stopLoad(labId: string): Promise<void> {
    this.definition(labId);
    return this.exclusive(labId, async () => this.runs.get(labId)?.stopLoad());
  }

  /** Every run of the lab (one per start), newest first: each can be replayed with events(runId). */
  runRecords(labId: string): LabRunRecord[] {
    this.definition(labId);
    return this.history.runs(labId).map(({ id, startedAt, endedAt }) => ({ id, startedAt, endedAt }));
  }

  /** Events of one run (by default the current one, or the last when stopped); oldest first. */
  events(labId: string, query: EventQuery = {}): LabEvent[] {
    const run = query.runId === undefined ? this.latestRun(labId) : this.knownRun(labId, query.runId);
    if (run === null) return [];
    const limit = Math.min(query.limit ?? MAX_EVENTS_PER_QUERY, MAX_EVENTS_PER_QUERY);
    return this.history.events(run, { fromTs: query.fromTs, toTs: query.toTs, types: query.types, limit });
  }

  /** Faults injected in one run (by default the current or last one), oldest first. */
  faults(labId: string, runId?: number): LabFault[] {
    const run = runId === undefined ? this.latestRun(labId) : this.knownRun(labId, runId);
    if (run === null) return [];
    return this.history.faults(run).map((f) => ({ ...f, kind: f.kind as LabFault['kind'], detail: f.detail ?? '' }));
  }

  /** A run's load samples and server figures, to draw its metrics again (after a restart, or a past run). */
  metrics(labId: string, query: { runId?: number; fromMs?: number } = {}): LabMetricsHistory {
    const run = query.runId === undefined ? this.latestRun(labId) : this.knownRun(labId, query.runId);
    if (run === null) return { load: [], figures: [] };
    const window = { fromTs: query.fromMs, limit: MAX_METRICS_PER_QUERY };
    const load = this.history.load(run, window).map((s) => ({ ...s, op: s.op as LoadSample['op'] }));
    return { load, figures: this.history.figures(run, window) };
  }

  /** Stops every lab this process runs, once calls under way are done (the host is closing); then takes no more calls. */
  async close(): Promise<void> {
    // A start under way is not in `runs` yet: queued behind it, the stop still finds its run.
    const labIds = new Set([...this.runs.keys(), ...this.queues.keys()]);
    const stopped = [...labIds].map((labId) => this.exclusive(labId, () => this.stopRun(labId)).catch(() => undefined));
    this.closed = true;
    await Promise.all(stopped);
    this.history.close();
    this.definitions.close();
  }

  private knownRun(labId: string, runId: number): number {
    if (!this.history.runs(labId).some((r) => r.id === runId)) throw new ApiFailure(`the lab "${this.definition(labId).name}" has no run ${runId}`);
    return runId;
  }

  private latestRun(labId: string): number | null {
    this.definition(labId);
    return this.history.runs(labId)[0]?.id ?? null;
  }

  private async stopRun(labId: string): Promise<boolean> {
    const run = this.runs.get(labId);
    if (!run) return false;
    this.runs.delete(labId);
    await run.stop();
    return true;
  }

  private onRun<T>(labId: string, task: (run: LabRun) => Promise<T>): Promise<T> {
    const def = this.definition(labId);
    return this.exclusive(labId, () => {
      const run = this.runs.get(labId);
      if (!run) throw new ApiFailure(`the lab "${def.name}" is not running: start it first`);
      return task(run);
    });
  }

  /** Runs task after every earlier call on this lab has finished, whether they failed or not. */
  private exclusive<T>(labId: string, task: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new ApiFailure('ZooLab is closing: its labs take no more calls'));
    const result = (this.queues.get(labId) ?? Promise.resolve()).then(task);
    const settled = result.catch(() => undefined);
    this.queues.set(labId, settled);
    void settled.then(() => {
      if (this.queues.get(labId) === settled) this.queues.delete(labId);
    });
    return result;
  }
}
