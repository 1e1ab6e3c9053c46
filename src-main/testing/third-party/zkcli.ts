// zkCli.sh (Debian's zookeeper package), unchanged, against any connect string: one JVM runs a
// whole scripted session read from stdin, and each command's printed output is cut out of it.

import { existsSync } from 'node:fs';
import { requireTool, runProcess } from './common';

export const zkCliPath = '/usr/share/zookeeper/bin/zkCli.sh';

/** True when zkCli.sh and the java it names (zkEnv.sh: /usr/bin/java) are here; throws under CI=true when not. */
export function requireZkCli(): boolean {
  return requireTool('zkCli.sh', existsSync(zkCliPath) && existsSync('/usr/bin/java'),
    'install the Debian packages zookeeper and default-jre-headless');
}

// C1 only, serial GC, CDS and no perf-data file: the client JVM starts in about half a second.
const clientJvmFlags = '-Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -XX:-UsePerfData';

// After each command the script asks "printwatches", which prints a fixed line without touching the
// server, and works while disconnected (after "close"): the k-th such line ends the k-th command.
const marker = 'printwatches';
const markerRe = /printwatches is on\n/g;
// Watch notifications are printed by the event thread whenever they arrive, as "\nWATCHER::\n"
// and "\nWatchedEvent state:… type:… path:…\n" (each one println, so each one whole).
const watcherRe = /\n?WATCHER::\n/g;
const eventRe = /\n?WatchedEvent state:(\S+) type:(\S+) path:(\S+)\n/g;
// Debian's zkCli has no slf4j binding, so slf4j complains on stderr as it starts.
const slf4jRe = /^SLF4J: .*\n/gm;

export interface ZkCliEvent {
  state: string;
  type: string;
  path: string | null;
}

export interface ZkCliRun {
  /** Each command with what it printed (stdout and stderr, trimmed at the end); null if never reached. */
  outputs: Array<{ command: string; output: string | null }>;
  /** Watch and session notifications in the order zkCli printed them. */
  events: ZkCliEvent[];
  /** Everything zkCli printed, as printed. */
  raw: string;
  exitCode: number | null;
  timedOut: boolean;
  ms: number;
}

/**
 * Runs commands (zkCli syntax, one per entry) in one zkCli session on connect, then quits. Commands
 * run one after another: zkCli waits for each reply before reading the next line.
 */
export async function runZkCliScript(connect: string, commands: string[], opts: { timeoutMs?: number } = {}): Promise<ZkCliRun> {
  for (const c of commands) {
    if (/[\r\n]/.test(c)) throw new Error(`a zkCli command is one line: ${JSON.stringify(c)}`);
    if (/^\s*printwatches\b/.test(c)) throw new Error('printwatches is the script\'s own marker');
  }
  const input = [marker, ...commands.flatMap((c) => [c, marker]), 'quit', ''].join('\n');
  // One pipe for stdout and stderr keeps their order: zkCli prints results to one and errors
  // (and "Created …") to the other.
  const run = await runProcess('/bin/sh', ['-c', 'exec "$0" "$@" 2>&1', zkCliPath, '-server', connect], {
    input,
    timeoutMs: opts.timeoutMs ?? 60_000,
    env: { ...process.env, CLIENT_JVMFLAGS: clientJvmFlags, JVMFLAGS: '' },
  });
  const raw = run.stdout + run.stderr;
  const events = [...raw.matchAll(eventRe)].map(([, state, type, p]) => ({ state, type, path: p === 'null' ? null : p }));
  const text = raw.replace(slf4jRe, '').replace(eventRe, '').replace(watcherRe, '');
  const outputs = commands.map((command) => ({ command, output: null as string | null }));
  const ends = [...text.matchAll(markerRe)];
  for (let k = 1; k < ends.length && k <= commands.length; k++) {
    outputs[k - 1].output = text.slice(ends[k - 1].index + ends[k - 1][0].length, ends[k].index).trimEnd();
  }
  return { outputs, events, raw, exitCode: run.exitCode, timedOut: run.timedOut, ms: run.ms };
}

/** The "key = value" lines zkCli prints for a Stat, in order. */
export function parseZkCliStat(output: string): Array<[string, string]> {
  return [...output.matchAll(/^(\w+) = (.*)$/gm)].map(([, k, v]) => [k, v]);
}

export const statKeys = ['cZxid', 'ctime', 'mZxid', 'mtime', 'pZxid', 'cversion', 'dataVersion', 'aclVersion',
  'ephemeralOwner', 'dataLength', 'numChildren'];
