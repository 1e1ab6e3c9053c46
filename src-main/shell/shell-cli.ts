// `zoolab shell <connect> [command ...]`: one zkCli command, or an interactive prompt (which also
// reads commands piped in, one a line).

import readline from 'node:readline';
import { ZooKeeperClient, type ClientState } from '../client';
import { ZooKeeperError } from '../protocol/errors';
import { createShellContext, runShellArgs, runShellLine, type ShellContext, type ShellResult } from './shell';

const usage = `usage: zoolab shell <connect> [--timeout ms] [--auth user:pass] [command ...]

  <connect>          host:port[,host:port...][/chroot]
  --timeout ms       session timeout (default 30000)
  --auth user:pass   addauth digest user:pass before the first command
  command ...        a zkCli command (ls, get, create, ... ; 'help' lists them); none: interactive
`;

export interface ShellIO {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** A terminal gets a prompt, line editing and history; a pipe gets neither. */
  isTTY: boolean;
}

interface ShellArgs {
  connect: string;
  timeoutMs: number;
  auth?: string;
  command: string[];
}

class UsageError extends Error {}

function parseArgs(args: string[]): ShellArgs | 'help' {
  let connect: string | undefined;
  let timeoutMs = 30_000;
  let auth: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-h' || arg === '--help') return 'help';
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--timeout') {
      const v = value();
      timeoutMs = Number(v);
      if (!/^\d+$/.test(v) || timeoutMs <= 0) throw new UsageError(`--timeout wants milliseconds, not '${v}'`);
    } else if (flag === '--auth') {
      auth = value();
      if (!auth.includes(':')) throw new UsageError(`--auth wants user:password, not '${auth}'`);
    } else if (arg.startsWith('--') || (connect === undefined && arg.startsWith('-'))) {
      throw new UsageError(`unknown option '${arg}'`);
    } else if (connect === undefined) {
      connect = arg;
    } else {
      return { connect, timeoutMs, auth, command: args.slice(i) };
    }
  }
  if (connect === undefined) throw new UsageError('missing <connect>, e.g. 127.0.0.1:2181');
  return { connect, timeoutMs, auth, command: [] };
}

const processIO = (): ShellIO => ({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, isTTY: !!process.stdin.isTTY });

export async function main(args: string[], io: ShellIO = processIO()): Promise<number> {
  let parsed: ShellArgs | 'help';
  try {
    parsed = parseArgs(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`zoolab shell: ${err.message}\n\n${usage}`);
    return 2;
  }
  if (parsed === 'help') {
    io.stdout.write(usage);
    return 0;
  }

  // The client's timers do not hold the process open (it is a library); the command line must
  // stay up until its session is set up, used and closed.
  const keepAlive = setInterval(() => undefined, 60_000);
  try {
    const zk = await connect(parsed, io);
    if (!zk) return 1;
    try {
      if (parsed.command.length > 0) {
        const result = await runShellArgs(zk, parsed.command, createShellContext({ connectString: parsed.connect }));
        writeResult(io, result, true);
        return result.exitCode;
      }
      return await interactive(zk, parsed.connect, io);
    } finally {
      await zk.close().catch(() => undefined);
    }
  } finally {
    clearInterval(keepAlive);
  }
}

async function connect(args: ShellArgs, io: ShellIO): Promise<ZooKeeperClient | null> {
  let zk: ZooKeeperClient | undefined;
  try {
    zk = new ZooKeeperClient({ connectString: args.connect, sessionTimeoutMs: args.timeoutMs });
    await zk.connect(args.timeoutMs);
  } catch (err) {
    io.stderr.write(`zoolab shell: cannot connect to ${args.connect}: ${reason(err)}\n`);
    await zk?.close().catch(() => undefined);
    return null;
  }
  if (args.auth) {
    try {
      await zk.addAuth('digest', args.auth);
    } catch (err) {
      io.stderr.write(`zoolab shell: addauth digest failed on ${args.connect}: ${reason(err)}\n`);
      await zk.close().catch(() => undefined);
      return null;
    }
  }
  return zk;
}

/** The client's words without what the message already says (the error name, the hosts). */
function reason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const text = err instanceof ZooKeeperError ? err.message.slice(err.codeName.length + 2) : err.message;
  return /^could not connect to \S+ \((.*)\)$/.exec(text)?.[1] ?? text;
}

/**
 * Output as zkCli prints it, except that a failure goes to stderr whole; after a single command
 * the error line is prefixed with ZooKeeper's error name (`NONODE: Node does not exist: /x`).
 */
function writeResult(io: ShellIO, result: ShellResult, withErrorName: boolean): void {
  if (result.ok || result.error === undefined) {
    io.stdout.write(result.output);
    return;
  }
  const before = result.output.slice(0, result.output.length - result.error.length - 1);
  const prefix = withErrorName && result.errorName ? `${result.errorName}: ` : '';
  io.stderr.write(`${before}${prefix}${result.error}\n`);
}

// ZooKeeper.States as zkCli's prompt shows them.
const promptState: Record<ClientState, string> = {
  connecting: 'CONNECTING', connected: 'CONNECTED', disconnected: 'CONNECTING',
  expired: 'CLOSED', authFailed: 'AUTH_FAILED', closed: 'CLOSED',
};

// The session events zkCli's default watcher prints (KeeperState names).
const stateEvent: Partial<Record<ClientState, string>> = {
  connected: 'SyncConnected', disconnected: 'Disconnected', expired: 'Expired', authFailed: 'AuthFailed',
};

async function interactive(zk: ZooKeeperClient, connectString: string, io: ShellIO): Promise<number> {
  const rl = readline.createInterface({
    input: io.stdin, output: io.isTTY ? io.stdout : undefined, terminal: io.isTTY, historySize: 1000,
  });
  let busy = false;
  let exitCode = 0;
  // An event arriving while the user types is printed above the prompt, which is then redrawn.
  const notify = (text: string) => {
    if (io.isTTY) {
      readline.clearLine(io.stdout, 0);
      readline.cursorTo(io.stdout, 0);
    }
    io.stdout.write(`\nWATCHER::\n\n${text}\n`);
    if (io.isTTY && !busy) rl.prompt(true);
  };
  const ctx: ShellContext = createShellContext({ connectString, onWatchEvent: notify });
  const prompt = () => `[zk: ${connectString}(${promptState[zk.state]}) ${ctx.commandCount}] `;
  const onState = (s: ClientState) => {
    const name = stateEvent[s];
    if (name && ctx.printWatches) notify(`WatchedEvent state:${name} type:None path:null`);
  };
  zk.on('state', onState);
  // In a terminal Ctrl-C reaches readline, not the process; leave as zkCli does.
  rl.on('SIGINT', () => rl.close());

  if (io.isTTY) {
    io.stdout.write(`Connected to ${connectString} (session 0x${zk.sessionId.toString(16)}, timeout ${zk.negotiatedTimeoutMs} ms). Type help for commands.\n`);
    rl.setPrompt(prompt());
    rl.prompt();
  }
  try {
    for await (const line of rl) {
      busy = true;
      const result = await runShellLine(zk, line, ctx);
      busy = false;
      if (ctx.quitRequested) break;
      writeResult(io, result, false);
      if (line.trim() !== '') exitCode = result.exitCode;
      if (io.isTTY) {
        rl.setPrompt(prompt());
        rl.prompt();
      }
    }
  } finally {
    zk.off('state', onState);
    rl.close();
  }
  if (io.isTTY) io.stdout.write('\n');
  return exitCode;
}
