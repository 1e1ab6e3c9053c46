// What the third-party client suites share: their result shape, the CI rule that no suite may be
// skipped for a missing tool, and running a tool with a deadline.

import { spawn } from 'node:child_process';

/** One check of a third-party suite: its name, whether it passed, and what it saw. */
export interface CheckResult {
  check: string;
  ok: boolean;
  detail: unknown;
  /** How long the check took, when the suite times its checks. */
  ms?: number;
}

const warned = new Set<string>();

/**
 * True when a tool is installed. When it is not: in CI (CI=true) this throws, because no suite may
 * be skipped there; elsewhere it warns once and returns false (for describe.skipIf).
 */
export function requireTool(name: string, present: boolean, install: string): boolean {
  if (present) return true;
  const msg = `${name} is not available: ${install}`;
  if (process.env.CI === 'true') throw new Error(msg);
  if (!warned.has(name)) console.warn(`skipping ${name} suites: ${msg}`);
  warned.add(name);
  return false;
}

export interface ProcessOutcome {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  timedOut: boolean;
  ms: number;
}

/**
 * Runs a command to its end, or kills its whole process group at the deadline (zkCli.sh is a shell
 * script whose JVM is a child, so killing the shell alone would leave the JVM behind).
 */
export function runProcess(
  cmd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<ProcessOutcome> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, opts.timeoutMs);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.once('error', (e) => { clearTimeout(timer); reject(e); });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({
        stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'),
        exitCode: code, timedOut, ms: Date.now() - started,
      });
    });
    // A tool that exits before reading all its input must not fail the run with EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch { /* already gone */ }
}

/** A znode path no other run uses, so suites can share a server and run side by side. */
export function uniqueRoot(client: string): string {
  return `/zoolab-${client}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The end of a long text, for failure details that stay readable. */
export function tailOf(text: string, chars = 2000): string {
  return text.length <= chars ? text : `…${text.slice(-chars)}`;
}
