// A local ZooKeeper ensemble of ZooLab server processes, kept in one directory. Everything it knows
// lives in that directory, so the command line (one process per command) and the app (one process
// for its whole life) can both drive the same cluster.

import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readSync, readdirSync, rmSync, fstatSync } from 'node:fs';
import path from 'node:path';
import { ZooKeeperClient } from '../client/client';
import {
  connectStringOf, defineCluster, hasCluster, readClusterDefinition, serverFiles, writeClusterFiles,
  type ClusterDefinition, type ClusterServer, type ClusterSpec, type PeerRole, type ServerFiles,
} from './cluster-config';
import { ClusterError } from './cluster-error';
import { startClusterRelays } from './cluster-relays';
import type { LinkRelays } from './link-relays';
import {
  defaultServerCommand, forgetProcess, processInfo, signalServer, spawnServer, stopServer, waitForExit, waitForProcessState,
  type ProcessState, type ServerCommand,
} from './process-control';
import { DOWN, queryServerReport, type ServerRole } from './server-status';

export interface ClusterOptions {
  /** How to run a server; default: this runtime and the built CLI beside this code. */
  command?: ServerCommand;
  /** Hears of every server process this Cluster object starts (the app keeps them to learn how they exit). */
  onSpawn?: (id: number, child: ChildProcess) => void;
}

export interface ServerStatus {
  id: number;
  peerType: PeerRole;
  pid: number | null;
  process: ProcessState;
  role: ServerRole;
  clientPort: number;
  epoch: number | null;
  lastZxid: string | null;
}

export interface ClusterStatus {
  connect: string;
  servers: ServerStatus[];
}

export interface UpOptions {
  /** Budget for a leader to serve writes and every server to join it; default 60 s. */
  timeoutMs?: number;
}

export const DEFAULT_UP_TIMEOUT_MS = 60_000;
const LOG_TAIL_LINES = 15;

export class Cluster {
  private constructor(
    readonly dir: string,
    readonly definition: ClusterDefinition,
    private readonly options: ClusterOptions,
  ) {}

  /** Chooses ports and writes the configs of a new cluster into dir; starts nothing. */
  static async create(dir: string, spec: ClusterSpec, options: ClusterOptions = {}): Promise<Cluster> {
    if (hasCluster(dir)) {
      throw new ClusterError(`${path.resolve(dir)} already holds a cluster: bring it up again without --nodes and the other options, or choose another --dir`, true);
    }
    const definition = await defineCluster(spec);
    mkdirSync(dir, { recursive: true });
    writeClusterFiles(dir, definition);
    return new Cluster(path.resolve(dir), definition, options);
  }

  /** The cluster in dir; a usage error when dir holds none. */
  static load(dir: string, options: ClusterOptions = {}): Cluster {
    return new Cluster(path.resolve(dir), readClusterDefinition(dir), options);
  }

  static exists(dir: string): boolean {
    return hasCluster(dir);
  }

  get connectString(): string {
    return connectStringOf(this.definition);
  }

  get servers(): readonly ClusterServer[] {
    return this.definition.servers;
  }

  server(id: number): ClusterServer {
    const server = this.definition.servers.find((s) => s.id === id);
    if (!server) {
      const ids = this.definition.servers.map((s) => s.id);
      throw new ClusterError(`there is no server ${id} in the cluster at ${this.dir} (its servers are ${ids[0]}..${ids[ids.length - 1]})`, true);
    }
    return server;
  }

  files(id: number): ServerFiles {
    return serverFiles(this.dir, this.server(id).id);
  }

  /** Starts every server that is not running (resumes paused ones) and waits until the cluster serves writes. */
  async up(options: UpOptions = {}): Promise<ClusterStatus> {
    for (const s of this.servers) {
      const { state } = processInfo(this.files(s.id));
      if (state === 'paused') await this.resume(s.id);
      else if (state !== 'running') this.spawn(s.id);
    }
    return this.waitUntilReady(options.timeoutMs ?? DEFAULT_UP_TIMEOUT_MS);
  }

  /**
   * Waits until a client's session is created (itself a write the leader replicates), then until
   * every server answers srvr as leader, follower or observer. Fails as soon as a server dies.
   */
  async waitUntilReady(timeoutMs = DEFAULT_UP_TIMEOUT_MS): Promise<ClusterStatus> {
    const deadline = Date.now() + timeoutMs;
    const seconds = Math.round(timeoutMs / 100) / 10;
    let lastError = '';
    for (;;) {
      this.failIfAnyDied();
      // Short attempts, so a server that dies meanwhile is reported soon rather than at the deadline.
      const error = await this.tryWrite(Math.max(500, Math.min(3000, deadline - Date.now())));
      if (error === null) break;
      lastError = error;
      if (Date.now() >= deadline) throw this.startFailure(`no leader served writes within ${seconds} s (${lastError})`);
      await delay(200);
    }
    for (;;) {
      const status = await this.status();
      this.failIfAnyDied(status);
      const waiting = status.servers.filter((s) => s.role === 'looking' || s.role === 'down');
      if (waiting.length === 0) return status;
      if (Date.now() >= deadline) {
        const names = waiting.map((s) => `server ${s.id} is ${s.role}`).join(', ');
        throw this.startFailure(`writes are served, but not every server joined within ${seconds} s: ${names}`);
      }
      await delay(200);
    }
  }

  /** Null when a session could be created, else why not. */
  private async tryWrite(timeoutMs: number): Promise<string | null> {
    const client = new ZooKeeperClient({ connectString: this.connectString, connectTimeoutMs: 1000, sessionTimeoutMs: 10_000 });
    try {
      await client.connect(timeoutMs);
      return null;
    } catch (err) {
      return (err as Error).message;
    } finally {
      await client.close().catch(() => {});
    }
  }

  private failIfAnyDied(status?: ClusterStatus): void {
    const dead = status
      ? status.servers.filter((s) => s.process === 'crashed').map((s) => s.id)
      : this.servers.filter((s) => processInfo(this.files(s.id)).state === 'crashed').map((s) => s.id);
    if (dead.length) throw this.startFailure(`${dead.map((id) => `server ${id}`).join(', ')} exited while the cluster was starting`);
  }

  private startFailure(reason: string): ClusterError {
    const logs = this.servers.map((s) => {
      const lines = this.logTail(s.id, LOG_TAIL_LINES);
      const shown = lines.length ? lines.map((l) => `  ${l}`).join('\n') : '  (nothing logged)';
      return `--- server ${s.id} (${processInfo(this.files(s.id)).state}), last lines of ${this.files(s.id).log}:\n${shown}`;
    });
    return new ClusterError(`the cluster in ${this.dir} did not come up: ${reason}\n${logs.join('\n')}`);
  }

  async status(): Promise<ClusterStatus> {
    const servers = await Promise.all(this.servers.map((s) => this.serverStatus(s.id)));
    return { connect: this.connectString, servers };
  }

  async serverStatus(id: number): Promise<ServerStatus> {
    const server = this.server(id);
    const { state, pid } = processInfo(this.files(id));
    // A paused process still accepts connections but never answers: no need to wait a second for that.
    const report = state === 'running' ? await queryServerReport(server.clientPort) : DOWN;
    return { id, peerType: server.role, pid, process: state, role: report.role, clientPort: server.clientPort, epoch: report.epoch, lastZxid: report.lastZxid };
  }

  /** SIGKILL, as a machine crash would; the server then reports `crashed`. Returns the pid killed. */
  async kill(id: number): Promise<number> {
    const pid = this.requireAlive(id, 'kill');
    signalServer(this.files(id), 'SIGKILL');
    await waitForExit(this.files(id), 5000);
    return pid;
  }

  /** SIGSTOP: the process keeps its sockets but answers nothing, like a long GC pause. */
  async pause(id: number): Promise<number> {
    const pid = this.requireAlive(id, 'pause');
    signalServer(this.files(id), 'SIGSTOP');
    await waitForProcessState(this.files(id), 'paused');
    return pid;
  }

  async resume(id: number): Promise<number> {
    const pid = this.requireAlive(id, 'resume');
    signalServer(this.files(id), 'SIGCONT');
    await waitForProcessState(this.files(id), 'running');
    return pid;
  }

  /** SIGTERM and wait for the exit (SIGKILL after 10 s). */
  async stop(id: number): Promise<'stopped' | 'killed' | 'not-running'> {
    const result = await stopServer(this.files(id));
    forgetProcess(this.files(id));
    return result;
  }

  /** A new process on the same config and data; null when one is already running. */
  start(id: number): number | null {
    this.server(id);
    const { state } = processInfo(this.files(id));
    if (state === 'running' || state === 'paused') return null;
    return this.spawn(id);
  }

  private spawn(id: number): number {
    const { pid, child } = spawnServer(id, this.files(id), this.options.command ?? defaultServerCommand());
    this.options.onSpawn?.(id, child);
    return pid;
  }

  async restart(id: number): Promise<number> {
    await this.stop(id);
    return this.start(id)!;
  }

  /** Stop, lose everything in the data directory but myid (a server whose disk died), start. */
  async wipe(id: number): Promise<number> {
    await this.stop(id);
    const { dataDir, myid } = this.files(id);
    for (const name of readdirSync(dataDir)) {
      const file = path.join(dataDir, name);
      if (file !== myid) rmSync(file, { recursive: true, force: true });
    }
    return this.start(id)!;
  }

  /**
   * Starts the relays every quorum and election connection of a relayed cluster goes through
   * (Cluster.create with relayed: true), before the servers: `up` after this. Closing them is the
   * caller's (closeAll), as they live in the caller's process.
   */
  startRelays(): Promise<LinkRelays> {
    return startClusterRelays(this.dir, this.definition);
  }

  /** Stops every server; the data stays for the next `up`. */
  async down(): Promise<{ id: number; result: 'stopped' | 'killed' | 'not-running' }[]> {
    return Promise.all(this.servers.map(async (s) => ({ id: s.id, result: await this.stop(s.id) })));
  }

  /** The servers whose process is alive (running or paused), without asking them anything. */
  liveServers(): number[] {
    return this.servers.filter((s) => processInfo(this.files(s.id)).pid !== null).map((s) => s.id);
  }

  /** The last lines the server wrote to its log. */
  logTail(id: number, lines = LOG_TAIL_LINES): string[] {
    let fd: number;
    try {
      fd = openSync(this.files(id).log, 'r');
    } catch {
      return [];
    }
    try {
      const size = fstatSync(fd).size;
      const length = Math.min(size, 64 * 1024);
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, size - length);
      return buffer.toString('utf8').split('\n').filter((l) => l.trim() !== '').slice(-lines);
    } finally {
      closeSync(fd);
    }
  }

  private requireAlive(id: number, what: string): number {
    const { state, pid } = processInfo(this.files(id));
    if (pid === null) throw new ClusterError(`cannot ${what} server ${id}: it is ${state}`);
    return pid;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
