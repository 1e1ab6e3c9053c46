// `zoolab cluster up|status|kill|pause|resume|stop|start|restart|down ... --dir DIR`: a local
// ensemble of ZooLab servers, each a background process that outlives the command.

import type { Writable } from 'node:stream';
import { DEFAULT_SPEC, type ClusterSpec } from './cluster-config';
import { ClusterError } from './cluster-error';
import { Cluster, DEFAULT_UP_TIMEOUT_MS, type ClusterStatus } from './cluster';
import { formatStatusTable, jsonStatus } from './status-table';

const usage = `usage: zoolab cluster <command> [N] --dir DIR [options]

Runs a ZooKeeper ensemble of ZooLab servers on this machine: each server is a background process
with its own zoo.cfg, data and log (server.log) under DIR/server-N/.

  up --nodes N [--observers M] --dir DIR [--port-base P] [--tick-time MS] [--init-limit N]
     [--sync-limit N] [--timeout S]
                       write the configs, start the servers, wait until a leader serves writes
                       (at most S seconds, default 60) and print the connect string; on a DIR
                       that holds a cluster already, 'up --dir DIR' starts what is not running
  status --dir DIR [--json]
                       every server's process (running, paused, stopped, crashed), pid, role,
                       epoch and last zxid
  kill N --dir DIR     SIGKILL server N (it then shows as crashed)
  pause N --dir DIR    SIGSTOP server N
  resume N --dir DIR   SIGCONT server N
  stop N --dir DIR     SIGTERM server N and wait for it to exit (SIGKILL after 10 s)
  start N --dir DIR    start server N again, on its data
  restart N --dir DIR  stop, then start
  down --dir DIR       stop every server; the data stays for the next 'up'

Servers 1..N vote; observers are numbered after them. With --port-base P, server i listens for
clients on P+i-1, for followers on P+100+i-1 and for elections on P+200+i-1; without it the ports
are free ones chosen now. Defaults: --tick-time 2000, --init-limit 10, --sync-limit 5.
Exit codes: 0 done, 1 failed, 2 a usage error.
`;

export interface ClusterIO {
  stdout: Writable;
  stderr: Writable;
}

type Command = 'up' | 'status' | 'kill' | 'pause' | 'resume' | 'stop' | 'start' | 'restart' | 'down';
const SERVER_COMMANDS: readonly Command[] = ['kill', 'pause', 'resume', 'stop', 'start', 'restart'];
const UP_OPTIONS = ['--nodes', '--observers', '--port-base', '--tick-time', '--init-limit', '--sync-limit'];
const VALUE_OPTIONS = ['--dir', '--timeout', ...UP_OPTIONS];

interface ClusterArgs {
  command: Command;
  dir: string;
  serverId: number | null;
  json: boolean;
  values: Map<string, string>;
}

class UsageError extends Error {}

function parseArgs(args: string[]): ClusterArgs | 'help' {
  const [command, ...rest] = args;
  if (command === undefined) throw new UsageError('missing the command (up, status, kill, ...)');
  if (command === '-h' || command === '--help' || command === 'help') return 'help';
  if (command !== 'up' && command !== 'status' && command !== 'down' && !SERVER_COMMANDS.includes(command as Command)) {
    throw new UsageError(`unknown command '${command}'`);
  }
  const values = new Map<string, string>();
  const positional: string[] = [];
  let json = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const eq = arg.indexOf('=');
    const [flag, inline] = arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    if (flag === '-h' || flag === '--help') return 'help';
    if (flag === '--json' && command === 'status') json = true;
    else if (VALUE_OPTIONS.includes(flag) && (flag === '--dir' || command === 'up')) {
      const v = inline ?? rest[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      values.set(flag, v);
    } else if (flag.startsWith('-')) throw new UsageError(`'${arg}' is not an option of 'cluster ${command}'`);
    else positional.push(arg);
  }
  const dir = values.get('--dir');
  if (!dir) throw new UsageError(`missing --dir DIR (the cluster's directory)`);
  let serverId: number | null = null;
  if (SERVER_COMMANDS.includes(command as Command)) {
    if (positional.length === 0) throw new UsageError(`'cluster ${command}' needs the server's number N`);
    if (!/^\d+$/.test(positional[0]) || Number(positional[0]) < 1) throw new UsageError(`a server is named by its number (1, 2, ...), not '${positional[0]}'`);
    serverId = Number(positional[0]);
    positional.shift();
  }
  if (positional.length) throw new UsageError(`unexpected argument '${positional[0]}'`);
  return { command: command as Command, dir, serverId, json, values };
}

function wholeNumber(values: Map<string, string>, flag: string, fallback: number): number {
  const v = values.get(flag);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v)) throw new UsageError(`${flag} wants a whole number, not '${v}'`);
  return Number(v);
}

export async function main(args: string[], io: ClusterIO = process): Promise<number> {
  let parsed: ClusterArgs | 'help';
  try {
    parsed = parseArgs(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`zoolab cluster: ${err.message}\n\n${usage}`);
    return 2;
  }
  if (parsed === 'help') {
    io.stdout.write(usage);
    return 0;
  }
  try {
    return await run(parsed, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`zoolab cluster: ${err.message}\n`);
      return 2;
    }
    if (!(err instanceof ClusterError)) throw err;
    io.stderr.write(`zoolab cluster: ${err.message}\n`);
    return err.usage ? 2 : 1;
  }
}

async function run(a: ClusterArgs, io: ClusterIO): Promise<number> {
  const say = (line: string) => io.stdout.write(`${line}\n`);
  if (a.command === 'up') return up(a, io);
  const cluster = Cluster.load(a.dir);
  const id = a.serverId!;
  switch (a.command) {
    case 'status': {
      const status = await cluster.status();
      io.stdout.write(a.json ? `${JSON.stringify(jsonStatus(status))}\n` : formatStatusTable(status));
      return 0;
    }
    case 'kill':
      say(`server ${id}: killed (SIGKILL to pid ${await cluster.kill(id)})`);
      return 0;
    case 'pause':
      say(`server ${id}: paused (SIGSTOP to pid ${await cluster.pause(id)})`);
      return 0;
    case 'resume':
      say(`server ${id}: resumed (SIGCONT to pid ${await cluster.resume(id)})`);
      return 0;
    case 'stop':
      say(`server ${id}: ${describeStop(await cluster.stop(id))}`);
      return 0;
    case 'start': {
      const pid = cluster.start(id);
      say(pid === null ? `server ${id}: already running` : `server ${id}: started (pid ${pid})`);
      return 0;
    }
    case 'restart':
      say(`server ${id}: restarted (pid ${await cluster.restart(id)})`);
      return 0;
    case 'down':
      for (const { id: each, result } of await cluster.down()) say(`server ${each}: ${describeStop(result)}`);
      return 0;
  }
}

async function up(a: ClusterArgs, io: ClusterIO): Promise<number> {
  const timeoutText = a.values.get('--timeout');
  const timeoutMs = timeoutText === undefined ? DEFAULT_UP_TIMEOUT_MS : Number(timeoutText) * 1000;
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw new UsageError(`--timeout wants seconds (above 0), not '${timeoutText}'`);
  const shapeGiven = UP_OPTIONS.some((f) => a.values.has(f));
  let cluster: Cluster;
  if (Cluster.exists(a.dir) && !shapeGiven) {
    cluster = Cluster.load(a.dir);
  } else {
    // On an existing cluster, Cluster.create explains that its shape is already set.
    if (!a.values.has('--nodes') && !Cluster.exists(a.dir)) throw new UsageError('missing --nodes N (how many voting servers)');
    const portBase = a.values.get('--port-base');
    const spec: ClusterSpec = {
      nodes: wholeNumber(a.values, '--nodes', 0),
      observers: wholeNumber(a.values, '--observers', DEFAULT_SPEC.observers),
      tickTime: wholeNumber(a.values, '--tick-time', DEFAULT_SPEC.tickTime),
      initLimit: wholeNumber(a.values, '--init-limit', DEFAULT_SPEC.initLimit),
      syncLimit: wholeNumber(a.values, '--sync-limit', DEFAULT_SPEC.syncLimit),
      portBase: portBase === undefined ? null : wholeNumber(a.values, '--port-base', 0),
    };
    cluster = await Cluster.create(a.dir, spec);
  }
  const { nodes, observers } = cluster.definition;
  io.stderr.write(`zoolab cluster: starting ${nodes} ${nodes === 1 ? 'server' : 'servers'}${observers ? ` and ${observers} ${observers === 1 ? 'observer' : 'observers'}` : ''} in ${cluster.dir}\n`);
  const started = Date.now();
  let status: ClusterStatus;
  try {
    status = await cluster.up({ timeoutMs });
  } catch (err) {
    if (err instanceof ClusterError && !err.usage) {
      const live = cluster.liveServers();
      // Left running on purpose: a half-formed ensemble is worth looking at before it is stopped.
      const hint = live.length ? `servers ${live.join(', ')} still run: 'zoolab cluster status --dir ${a.dir}' shows them, 'zoolab cluster down --dir ${a.dir}' stops them\n` : '';
      io.stderr.write(`zoolab cluster: ${err.message}\n${hint}`);
      return 1;
    }
    throw err;
  }
  const leader = status.servers.find((s) => s.role === 'leader');
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  io.stderr.write(`zoolab cluster: serving in ${seconds} s${leader ? `; leader: server ${leader.id} (epoch ${leader.epoch})` : ''}\n`);
  io.stdout.write(`${status.connect}\n`);
  return 0;
}

function describeStop(result: 'stopped' | 'killed' | 'not-running'): string {
  if (result === 'stopped') return 'stopped';
  if (result === 'killed') return 'did not stop within 10 s of SIGTERM; killed';
  return 'was not running';
}
