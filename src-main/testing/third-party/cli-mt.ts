// The C client's shell (Debian's zookeeper-bin: cli_mt), unchanged, against any connect string.
// cli_mt sends every command asynchronously and prints replies from its completion thread, so the
// driver feeds one command at a time and waits for a marker request queued behind it.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { killGroup, requireTool } from './common';

export const cliMtPath = '/usr/lib/zookeeper/bin/cli_mt';

/** True when cli_mt is here (throws under CI=true when it is not). */
export function requireCliMt(): boolean {
  return requireTool('cli_mt', existsSync(cliMtPath), 'install the Debian package zookeeper-bin');
}

// "ls" of a node that does not exist: its reply comes after the replies (and watch events) of
// everything sent before it, because one connection answers in order and one thread prints.
const markerPath = (k: number) => `/zoolab-climt-mark-${k}`;
const markerRe = /time = -?\d+ msec\n\/zoolab-climt-mark-(\d+): rc = -?\d+\ntime = -?\d+ msec\n/g;
const eventRe = /^Watcher (\w+) state = (\w+)(?: for path (.*))?\n/gm;
const sessionRe = /^Got a new session id: 0x([0-9a-f]+)\n/gm;
// The C library's own log lines (WARN and above), e.g. "2026-…:1234(0x7f…):ZOO_ERROR@auth_completion_func@2071: …".
const logRe = /^\d{4}-\d\d-\d\d [\d:,]+:\d+\(0x[0-9a-f]+\):(ZOO_\w+@.*)\n/gm;

export interface CliMtEvent {
  type: string;
  state: string;
  path: string | null;
}

export interface CliMtRun {
  /** Each command with what it printed, trimmed at the end; null if cli_mt never got to it. */
  outputs: Array<{ command: string; output: string | null }>;
  /** Watcher calls (session and node events) in order. */
  events: CliMtEvent[];
  /** The session id in hex (no 0x), as cli_mt prints it. */
  sessionId: string | null;
  /** The C library's log lines. */
  log: string[];
  raw: string;
  exitCode: number | null;
  /** The signal that ended cli_mt, if one did (it dereferences a null handle after an auth failure). */
  signal: string | null;
  timedOut: boolean;
  ms: number;
}

export interface CliMtOptions {
  /** Default 30 s. */
  timeoutMs?: number;
  /**
   * A pause after each command before its marker is sent. A server that refuses an auth replies and
   * closes the connection at once; a marker written meanwhile meets a broken pipe and cli_mt
   * reconnects instead of reporting the refusal. Default 0.
   */
  settleMs?: number;
}

/**
 * Runs commands (cli_mt syntax, e.g. "create +e /a", "get /a", "set /a data") in one cli_mt session on
 * connect, one at a time, then quits. It resolves when cli_mt exits, or kills it at the deadline.
 */
export async function runCliMt(connect: string, commands: string[], opts: CliMtOptions = {}): Promise<CliMtRun> {
  for (const c of commands) {
    if (/[\r\n]/.test(c)) throw new Error(`a cli_mt command is one line: ${JSON.stringify(c)}`);
    if (/^\s*quit\b/.test(c)) throw new Error('runCliMt quits by itself');
  }
  const started = Date.now();
  // Everything but "myid" goes to stderr; one pipe for both keeps the order.
  const child = spawn('/bin/sh', ['-c', 'exec "$0" "$@" 2>&1', cliMtPath, connect], { detached: true, stdio: ['pipe', 'pipe', 'ignore'] });
  child.stdin.on('error', () => {});
  const state = { raw: '', exit: null as { code: number | null; signal: string | null } | null, timedOut: false, wake: () => {} };
  child.stdout.on('data', (c: Buffer) => { state.raw += c.toString('utf8'); state.wake(); });
  const exited = new Promise<void>((resolve) => child.once('close', (code, signal) => {
    state.exit = { code, signal };
    resolve();
    state.wake();
  }));
  const timer = setTimeout(() => { state.timedOut = true; killGroup(child.pid); }, opts.timeoutMs ?? 30_000);

  /** Waits until cond holds, cli_mt exits (by itself, or killed at the deadline) or maxMs pass; true only if cond holds. */
  const until = async (cond: () => boolean, maxMs = Infinity): Promise<boolean> => {
    const end = Date.now() + maxMs;
    while (!cond()) {
      if (state.exit || Date.now() >= end) return false;
      await new Promise<void>((resolve) => { state.wake = resolve; setTimeout(resolve, 200); });
    }
    return true;
  };
  const marked = (k: number) => {
    const re = new RegExp(`${markerPath(k)}: rc = -?\\d+\\ntime = -?\\d+ msec\\n`);
    return () => re.test(state.raw);
  };

  child.stdin.write(`ls ${markerPath(0)}\n`);
  let reached = await until(marked(0));
  for (let k = 1; reached && k <= commands.length; k++) {
    child.stdin.write(`${commands[k - 1]}\n`);
    if (opts.settleMs) await until(() => false, opts.settleMs);
    if (!state.exit) child.stdin.write(`ls ${markerPath(k)}\n`);
    reached = await until(marked(k));
  }
  if (reached) child.stdin.end('quit\n');
  else if (!state.exit) killGroup(child.pid);
  await exited;
  clearTimeout(timer);
  const { raw, exit } = state;

  const events = [...raw.matchAll(eventRe)].map(([, type, st, p]) => ({ type, state: st, path: p ?? null }));
  const sessionId = [...raw.matchAll(sessionRe)].at(-1)?.[1] ?? null;
  const log = [...raw.matchAll(logRe)].map((m) => m[1]);
  const text = raw.replace(eventRe, '').replace(sessionRe, '').replace(logRe, '');
  const outputs = commands.map((command) => ({ command, output: null as string | null }));
  let from = -1;
  for (const m of text.matchAll(markerRe)) {
    const k = Number(m[1]);
    if (k >= 1 && k <= commands.length && from >= 0) outputs[k - 1].output = text.slice(from, m.index).trimEnd();
    from = m.index + m[0].length;
  }
  // A command after which cli_mt died (or was killed) gets whatever it printed before that.
  const last = outputs.findIndex((o) => o.output === null);
  if (last >= 0 && from >= 0) outputs[last].output = text.slice(from).replace(/Quitting\.\.\.\n?$/, '').trimEnd();
  return {
    outputs, events, sessionId, log, raw, exitCode: exit?.code ?? null, signal: exit?.signal ?? null,
    timedOut: state.timedOut, ms: Date.now() - started,
  };
}
