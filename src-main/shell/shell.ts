// A zkCli-compatible shell over ZooKeeperClient: one line in, zkCli's text out. Used by
// `zoolab shell` and by the app's shell tab; the session's state lives in a ShellContext.

import type { Watcher, ZooKeeperClient } from '../client';
import { ZooKeeperError } from '../protocol/errors';
import { InvalidPathError } from '../protocol/paths';
import { decodeJavaInt, OptionParseError, parseOptions, tokenizeLine } from './args';
import { ShellFailure, usageOf, zkCommands, type CommandRun } from './commands';
import { cliErrorMessage, formatWatchedEvent, invalidPathMessage } from './format';

export interface ShellContext {
  /** Shown in the prompt, as zkCli does. */
  readonly connectString: string;
  /** Lines run so far: the N of the prompt and the key of history. */
  commandCount: number;
  readonly history: Map<number, string>;
  /** `printwatches on|off`: whether fired watches reach onWatchEvent. */
  printWatches: boolean;
  /** Set by `quit` (or `exit`); the caller ends the session. */
  quitRequested: boolean;
  /** IANA zone for ctime/mtime (default: the process's local zone, as zkCli uses the JVM's). */
  timeZone?: string;
  /** Receives `WatchedEvent state:... type:... path:...` when a watch set with -w fires. */
  onWatchEvent?: (text: string) => void;
  /** The one watcher of this shell session, like zkCli's default watcher. */
  readonly watcher: Watcher;
}

export interface ShellResult {
  ok: boolean;
  /** Everything zkCli would print for the line, the error message last; each line ends in \n. */
  output: string;
  /** ZooKeeper's name for the error (NONODE, BADVERSION, ...) when the server or client reported one. */
  errorName?: string;
  /** The error message alone (the end of output) when !ok. */
  error?: string;
  /** zkCli's exit status for the command: 0, 1, or 127 for an unknown command. */
  exitCode: number;
}

export function createShellContext(options: { connectString: string; timeZone?: string; onWatchEvent?: (text: string) => void }): ShellContext {
  const ctx: ShellContext = {
    connectString: options.connectString,
    commandCount: 0,
    history: new Map(),
    printWatches: true,
    quitRequested: false,
    timeZone: options.timeZone,
    onWatchEvent: options.onWatchEvent,
    watcher: (event) => {
      if (ctx.printWatches) ctx.onWatchEvent?.(formatWatchedEvent(event));
    },
  };
  return ctx;
}

/** Runs one line as zkCli's interactive mode does: counted, kept in history, quotes group words. */
export async function runShellLine(zk: ZooKeeperClient, line: string, ctx: ShellContext): Promise<ShellResult> {
  const words = tokenizeLine(line);
  if (words.length === 0) return { ok: true, output: '', exitCode: 0 };
  ctx.history.set(ctx.commandCount, line);
  try {
    return await runShellArgs(zk, words, ctx);
  } finally {
    ctx.commandCount++;
  }
}

/** Runs one command given as words (zkCli's `-server host cmd args` mode: no quote processing). */
export async function runShellArgs(zk: ZooKeeperClient, words: string[], ctx: ShellContext): Promise<ShellResult> {
  const lines: string[] = [];
  const print = (line: string) => lines.push(line);
  try {
    await dispatch(zk, [...words], ctx, print);
    return { ok: true, output: joinLines(lines), exitCode: 0 };
  } catch (err) {
    const failure = asFailure(err);
    lines.push(failure.message);
    return { ok: false, output: joinLines(lines), error: failure.message, errorName: failure.errorName, exitCode: failure.exitCode };
  }
}

const joinLines = (lines: string[]) => lines.map((l) => `${l}\n`).join('');

function asFailure(err: unknown): ShellFailure {
  if (err instanceof ShellFailure) return err;
  if (err instanceof ZooKeeperError) return new ShellFailure(cliErrorMessage(err.code, err.path), err.codeName);
  if (err instanceof InvalidPathError) return new ShellFailure(invalidPathMessage(err));
  return new ShellFailure(err instanceof Error ? err.message : String(err));
}

/** Commands of the shell itself, which need no session (zkCli's commandMap extras). */
const builtinUsage: Record<string, string> = {
  help: '',
  history: '',
  printwatches: 'on|off',
  quit: '',
  redo: 'cmdno',
};

export function helpLines(): string[] {
  const usages = [
    ...Object.entries(builtinUsage).map(([name, opts]) => `${name} ${opts}`),
    ...[...zkCommands.values()].map(usageOf),
  ].sort();
  return ['zoolab shell <connect> [--timeout ms] [--auth user:pass] cmd args', ...usages.map((u) => `\t${u}`)];
}

async function dispatch(zk: ZooKeeperClient, words: string[], ctx: ShellContext, print: (line: string) => void): Promise<void> {
  const name = words[0];
  switch (name) {
    case 'quit':
    case 'exit':
      ctx.quitRequested = true;
      return;
    case 'help':
      helpLines().forEach(print);
      return;
    case 'history':
      for (let i = Math.max(0, ctx.commandCount - 10); i <= ctx.commandCount; i++) print(`${i} - ${ctx.history.get(i) ?? 'null'}`);
      return;
    case 'printwatches':
      if (words.length === 1) print(`printwatches is ${ctx.printWatches ? 'on' : 'off'}`);
      else ctx.printWatches = words[1] === 'on';
      return;
    case 'redo':
      return redo(zk, words, ctx, print);
  }

  const cmd = zkCommands.get(name);
  if (!cmd) {
    helpLines().forEach(print);
    throw new ShellFailure(`Command not found: Command not found ${name}`, undefined, 127);
  }
  if (zk.state === 'expired' || zk.state === 'authFailed' || zk.state === 'closed') {
    const errorName = { expired: 'SESSIONEXPIRED', authFailed: 'AUTHFAILED', closed: 'CONNECTIONLOSS' }[zk.state];
    throw new ShellFailure('Not connected', errorName);
  }
  try {
    const parsed = cmd.takesAnyWords ? { options: new Map(), args: words } : parseOptions(words, cmd.spec);
    const run: CommandRun = { zk, words, parsed, watcher: ctx.watcher, timeZone: ctx.timeZone, print };
    await cmd.run(run);
  } catch (err) {
    // zkCli prints commons-cli's complaint alone; the usage line says what was expected.
    if (err instanceof OptionParseError) throw new ShellFailure(`${err.message}\n${usageOf(cmd)}`);
    throw err;
  }
}

/** `redo N` runs history line N again and takes its place in history, as zkCli does. */
async function redo(zk: ZooKeeperClient, words: string[], ctx: ShellContext, print: (line: string) => void): Promise<void> {
  if (words.length < 2) return;
  const index = decodeJavaInt(words[1]);
  if (index === null || index < 0 || index >= ctx.commandCount) throw new ShellFailure('Command index out of range');
  const line = ctx.history.get(index) ?? '';
  const again = tokenizeLine(line);
  if (again[0] === 'redo') throw new ShellFailure('No redoing redos');
  ctx.history.set(ctx.commandCount, line);
  await dispatch(zk, again, ctx, print);
}
