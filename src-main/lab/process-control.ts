// Server processes that outlive the command that started them: spawned detached, found again through
// their pid files, and told apart from strangers that got the same pid later. The intended state
// file is what turns "not running" into either `stopped` (on purpose) or `crashed`.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { ServerFiles } from './cluster-config';
import { ClusterError } from './cluster-error';

export type ProcessState = 'running' | 'paused' | 'stopped' | 'crashed';

export interface ProcessInfo {
  state: ProcessState;
  /** Null unless the process is alive (running or paused). */
  pid: number | null;
}

/** How to run `zoolab server <zoo.cfg>`: `node cliPath server zoo.cfg`, with env on top of ours. */
export interface ServerCommand {
  node: string;
  cliPath: string;
  env?: Record<string, string>;
}

export const STOP_TIMEOUT_MS = 10_000;
const HAVE_PROC = existsSync('/proc/self/stat');

/**
 * This process's own runtime and the built CLI beside the running code: electron-vite bundles this
 * file into out/main/cli.js or out/main/chunks/*.js; from the sources (tests) it is src-main/lab.
 * ZOOLAB_CLI overrides. Inside Electron, ELECTRON_RUN_AS_NODE makes the app's binary a plain node.
 */
export function defaultServerCommand(env: NodeJS.ProcessEnv = process.env): ServerCommand {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  const candidates = [path.join(here, 'cli.js'), path.join(here, '..', 'cli.js'), path.join(here, '..', '..', 'out', 'main', 'cli.js')];
  const cliPath = env.ZOOLAB_CLI ?? candidates.find((c) => existsSync(c)) ?? candidates[1];
  return { node: process.execPath, cliPath, env: process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {} };
}

/**
 * Starts the server in its own process group, writing to its log, and records its pid. The child
 * is unref'd (a `zoolab cluster` command exits while its servers run on); a long-lived caller may
 * still listen for its exit to learn the exit code or signal.
 */
export function spawnServer(id: number, files: ServerFiles, command: ServerCommand): { pid: number; child: ChildProcess } {
  if (!existsSync(command.cliPath)) {
    throw new ClusterError(`the ZooLab command line is missing at ${command.cliPath}: build it (npx electron-vite build) or point ZOOLAB_CLI at it`);
  }
  setIntendedState(files, 'running');
  const log = openSync(files.log, 'a');
  let pid: number | undefined;
  let child: ChildProcess;
  try {
    writeSync(log, `--- ${new Date().toISOString()} zoolab cluster: starting server ${id} ---\n`);
    child = spawn(command.node, [command.cliPath, 'server', files.zooCfg], {
      cwd: files.root,
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, ...command.env },
    });
    // A failed spawn is reported here too; pid tells us synchronously, so the event only needs a listener.
    child.on('error', () => {});
    child.unref();
    pid = child.pid;
  } finally {
    closeSync(log);
  }
  if (pid === undefined) throw new ClusterError(`cannot start server ${id}: ${command.node} could not be run`);
  writeFileSync(files.pid, `${pid}\n`);
  const started = HAVE_PROC ? procStat(pid)?.startTime : undefined;
  if (started !== undefined) writeFileSync(files.pidStart, `${started}\n`);
  else rmSync(files.pidStart, { force: true });
  return { pid, child };
}

export function setIntendedState(files: ServerFiles, state: 'running' | 'stopped'): void {
  writeFileSync(files.state, `${state}\n`);
}

export function processInfo(files: ServerFiles): ProcessInfo {
  const pid = readNumber(files.pid);
  const liveness = pid === null ? 'dead' : livenessOf(pid, readText(files.pidStart));
  if (liveness !== 'dead') return { state: liveness, pid };
  return { state: readText(files.state) === 'running' ? 'crashed' : 'stopped', pid: null };
}

/** Sends the signal to a live server; false when there is no live process to send it to. */
export function signalServer(files: ServerFiles, signal: NodeJS.Signals): boolean {
  const { pid } = processInfo(files);
  if (pid === null) return false;
  try {
    process.kill(pid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** Resolves true once the recorded process is gone, false if it still lives after timeoutMs. */
export async function waitForExit(files: ServerFiles, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (processInfo(files).pid === null) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Signals are delivered asynchronously: waits (briefly) until /proc shows the process in the state
 * the signal leads to, so a status read right after pause or resume tells the truth.
 */
export async function waitForProcessState(files: ServerFiles, want: 'paused' | 'running', timeoutMs = 2000): Promise<boolean> {
  // Without /proc a paused process looks running: nothing to wait for.
  if (!HAVE_PROC) return true;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { state } = processInfo(files);
    if (state === want) return true;
    if (Date.now() >= deadline || (state !== 'paused' && state !== 'running')) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** SIGTERM (and SIGCONT, which a paused server needs to act on it), then SIGKILL after timeoutMs. */
export async function stopServer(files: ServerFiles, timeoutMs = STOP_TIMEOUT_MS): Promise<'stopped' | 'killed' | 'not-running'> {
  setIntendedState(files, 'stopped');
  if (!signalServer(files, 'SIGTERM')) return 'not-running';
  signalServer(files, 'SIGCONT');
  if (await waitForExit(files, timeoutMs)) return 'stopped';
  signalServer(files, 'SIGKILL');
  if (await waitForExit(files, 5000)) return 'killed';
  throw new ClusterError(`the server's process ${readNumber(files.pid)} survived SIGKILL`);
}

/** Our process is alive when its pid exists, is no zombie, and started when we recorded it did. */
function livenessOf(pid: number, recordedStart: string | null): 'running' | 'paused' | 'dead' {
  if (!HAVE_PROC) {
    try {
      process.kill(pid, 0);
      return 'running';
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM' ? 'running' : 'dead';
    }
  }
  const stat = procStat(pid);
  if (!stat || stat.state === 'Z' || stat.state === 'X' || stat.state === 'x') return 'dead';
  if (recordedStart !== null && stat.startTime !== recordedStart) return 'dead';
  return stat.state === 'T' || stat.state === 't' ? 'paused' : 'running';
}

/** Fields 3 (state) and 22 (start time, clock ticks since boot) of /proc/<pid>/stat. */
export function procStat(pid: number): { state: string; startTime: string } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may itself hold spaces or parentheses.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0], startTime: fields[19] };
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

function readNumber(file: string): number | null {
  const text = readText(file);
  return text !== null && /^\d+$/.test(text) ? Number(text) : null;
}

/** Forgets a process that has exited, so its pid cannot be mistaken for a later one's. */
export function forgetProcess(files: ServerFiles): void {
  rmSync(files.pid, { force: true });
  rmSync(files.pidStart, { force: true });
}
