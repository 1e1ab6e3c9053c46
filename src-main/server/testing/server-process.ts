// Runs the ZooLab server as a real OS process from the built CLI (`node out/main/cli.js server
// zoo.cfg`), the way users and the lab run it, so tests can kill -9 it, restart it on the same
// data and read what it logged. Servers started inside a test are cleaned up when it finishes.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { onTestFinished, TestRunner } from 'vitest';
import { querySrvr } from '../../client/four-letter';

/** The built command line; ZOOLAB_CLI points elsewhere (e.g. a private build while out/ is stale). */
export const builtCli = process.env.ZOOLAB_CLI ?? path.resolve(import.meta.dirname, '../../../out/main/cli.js');

/** As the other built-CLI suites decide: without a build, skip locally; under CI, run and fail loudly. */
export const haveBuiltCli = existsSync(builtCli) || process.env.CI === 'true';

export interface ServerProcessOptions {
  /** zoo.cfg lines on top of the test defaults (a value replaces a default). */
  config?: Record<string, string>;
  /** Enables the AdminServer on a free port of 127.0.0.1. */
  adminServer?: boolean;
  /** Budget for the process to serve clients, each start; default 20 s. */
  startTimeoutMs?: number;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const SERVING = /ZooLab server: serving clients on port (\d+)/;
const STOP_TIMEOUT_MS = 10_000;
const live = new Set<ServerProcess>();

// A test worker that dies must not leave servers behind holding ports and temp directories.
process.once('exit', () => {
  for (const s of live) s.disposeSync();
});

/** Starts `zoolab server` on free ports and a temp dataDir and resolves once it answers `srvr`. */
export async function startServerProcess(options: ServerProcessOptions = {}): Promise<ServerProcess> {
  if (!existsSync(builtCli)) throw new Error(`${builtCli} is missing: run npx electron-vite build first`);
  const root = mkdtempSync(path.join(os.tmpdir(), 'zoolab-proc-'));
  // A port picked by binding port 0 can be taken again before the server binds it; try another then.
  for (let attempt = 1; ; attempt++) {
    const server = new ServerProcess(root, await freePort(), options.adminServer ? await freePort() : null, options);
    live.add(server);
    try {
      await server.start();
      if (TestRunner.getCurrentTest()) onTestFinished(() => server.dispose());
      return server;
    } catch (err) {
      if (attempt < 3 && /EADDRINUSE/.test(server.stderr)) {
        live.delete(server);
        continue;
      }
      server.disposeSync();
      throw err;
    }
  }
}

export class ServerProcess {
  readonly configFile: string;
  readonly dataDir: string;
  private child: ChildProcess | null = null;
  private exited: Promise<ProcessExit> = Promise.resolve({ code: null, signal: null });
  private out = '';
  private err = '';
  private exit: ProcessExit | null = null;

  constructor(
    private readonly root: string,
    readonly clientPort: number,
    readonly adminPort: number | null,
    private readonly options: ServerProcessOptions,
  ) {
    this.dataDir = path.join(root, 'data');
    this.configFile = path.join(root, 'zoo.cfg');
    const lines: Record<string, string> = {
      tickTime: '500',
      dataDir: this.dataDir,
      clientPort: String(clientPort),
      clientPortAddress: '127.0.0.1',
      '4lw.commands.whitelist': '*',
      'admin.enableServer': adminPort === null ? 'false' : 'true',
      ...(adminPort === null ? {} : { 'admin.serverPort': String(adminPort), 'admin.serverAddress': '127.0.0.1' }),
      ...options.config,
    };
    writeFileSync(this.configFile, Object.entries(lines).map(([k, v]) => `${k}=${v}\n`).join(''));
  }

  get connectString(): string {
    return `127.0.0.1:${this.clientPort}`;
  }
  /** The running process's id, or null when it is not running. */
  get pid(): number | null {
    return this.running ? (this.child?.pid ?? null) : null;
  }
  get running(): boolean {
    return this.child !== null && this.exit === null;
  }
  /** What the current (or last) process wrote: each start begins afresh. */
  get stdout(): string {
    return this.out;
  }
  get stderr(): string {
    return this.err;
  }
  /** The last process's exit code; null while it runs or when a signal ended it. */
  get exitCode(): number | null {
    return this.exit?.code ?? null;
  }
  get signalCode(): NodeJS.Signals | null {
    return this.exit?.signal ?? null;
  }

  /** Spawns the process and waits until it serves; rejects with its stderr if it exits first. */
  async start(): Promise<void> {
    if (this.running) throw new Error(`the server (pid ${this.pid}) is already running`);
    this.out = '';
    this.err = '';
    this.exit = null;
    const child = spawn(process.execPath, [builtCli, 'server', this.configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.err += d));
    // 'close' rather than 'exit': the output is complete by then, so a failure message is too.
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
      child.once('error', (e) => {
        this.err += `spawn failed: ${e.message}\n`;
        this.exit = { code: null, signal: null };
        resolve(this.exit);
      });
    });
    const budget = this.options.startTimeoutMs ?? 20_000;
    const deadline = Date.now() + budget;
    try {
      await this.untilServing(deadline);
    } catch (e) {
      if (this.running) await this.kill('SIGKILL');
      throw new Error(`zoolab server did not start: ${(e as Error).message}\n--- stderr ---\n${this.err}--- stdout ---\n${this.out}`);
    }
  }

  private async untilServing(deadline: number): Promise<void> {
    while (!SERVING.test(this.out)) {
      if (this.exit) throw new Error(`it exited during start (${describeExit(this.exit)})`);
      if (Date.now() > deadline) throw new Error('it did not print its serving line in time');
      await delay(20);
    }
    const port = Number(SERVING.exec(this.out)![1]);
    if (port !== this.clientPort) throw new Error(`it serves port ${port}, not the configured ${this.clientPort}`);
    // The line says the port is bound; srvr answering says requests are being processed.
    for (;;) {
      try {
        await querySrvr('127.0.0.1', this.clientPort, { timeoutMs: 2000 });
        return;
      } catch (e) {
        if (this.exit) throw new Error(`it exited during start (${describeExit(this.exit)})`);
        if (Date.now() > deadline) throw new Error(`srvr did not answer: ${(e as Error).message}`);
        await delay(50);
      }
    }
  }

  /** Sends a signal (SIGKILL by default) and, unless it only pauses or resumes, waits for the exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<ProcessExit> {
    if (!this.running) return this.exit ?? { code: null, signal: null };
    this.child!.kill(signal);
    if (signal === 'SIGSTOP' || signal === 'SIGCONT' || signal === 'SIGTSTP') return { code: null, signal: null };
    return this.exited;
  }

  /** SIGTERM, then waits for the exit; rejects unless the server exits with code 0 in time. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.child!.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), STOP_TIMEOUT_MS);
    const exit = await this.exited;
    clearTimeout(timer);
    if (exit.code !== 0) {
      throw new Error(`zoolab server did not stop cleanly on SIGTERM (${describeExit(exit)})\n--- stderr ---\n${this.err}`);
    }
  }

  /** Resolves when the current process exits (or at once if none runs); rejects after timeoutMs. */
  async waitForExit(timeoutMs = STOP_TIMEOUT_MS): Promise<ProcessExit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`zoolab server (pid ${this.pid}) still runs after ${timeoutMs} ms\n${this.err}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A clean stop if it runs, then a new process on the same zoo.cfg and data. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Kills the process and removes the temp directory. */
  async dispose(): Promise<void> {
    live.delete(this);
    await this.kill('SIGKILL');
    rmSync(this.root, { recursive: true, force: true });
  }

  /** For process exit, where nothing can be awaited. */
  disposeSync(): void {
    live.delete(this);
    if (this.running) this.child!.kill('SIGKILL');
    rmSync(this.root, { recursive: true, force: true });
  }
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI with args to its end (killed after timeoutMs), for usage and config errors. */
export function runCli(args: string[], timeoutMs = 15_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [builtCli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A port nobody listens on right now, from the kernel's ephemeral range. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function describeExit(x: ProcessExit): string {
  return x.signal ? `signal ${x.signal}` : `exit code ${x.code}`;
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
