// What a local cluster is, on disk: DIR/cluster.json describes it, and each server has the files
// Apache ZooKeeper would want (DIR/server-N/zoo.cfg, DIR/server-N/data/myid), so any server of it can
// also be started by hand with `zoolab server DIR/server-N/zoo.cfg`.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ClusterError } from './cluster-error';
import type { LinkKind } from './link-relays';
import { assertDistinct, freePortNumbers, freePorts, portsFromBase, type ServerPorts } from './ports';

export type PeerRole = 'participant' | 'observer';

export interface ClusterServer extends ServerPorts {
  id: number;
  role: PeerRole;
}

/** What `cluster up` is asked for. */
export interface ClusterSpec {
  nodes: number;
  observers: number;
  /** Apache ZooKeeper's sample zoo.cfg values by default: 2000 ms, 10 and 5 ticks. */
  tickTime: number;
  initLimit: number;
  syncLimit: number;
  /** null: free ports from the kernel. */
  portBase: number | null;
  /** More zoo.cfg keys for every server (e.g. extendedTypesEnabled=true for TTL nodes). */
  extraConfig?: Record<string, string>;
  /**
   * Every quorum and election connection goes through a relay of the lab (one per dialling
   * direction and port kind), where links can be cut and slowed; see Cluster.startRelays.
   */
  relayed?: boolean;
}

/** The port server `from` dials to reach `to`'s quorum or election port in a relayed cluster. */
export interface RelayPort {
  from: number;
  to: number;
  kind: LinkKind;
  port: number;
}

/** DIR/cluster.json. */
export interface ClusterDefinition extends ClusterSpec {
  format: 1;
  servers: ClusterServer[];
  /** Relayed clusters: one for every ordered pair of servers and both kinds. */
  relays?: RelayPort[];
}

export const DEFAULT_SPEC: Omit<ClusterSpec, 'nodes'> = { observers: 0, tickTime: 2000, initLimit: 10, syncLimit: 5, portBase: null };
export const MAX_NODES = 25;
export const MAX_OBSERVERS = 25;
const HOST = '127.0.0.1';

export interface ServerFiles {
  root: string;
  zooCfg: string;
  dataDir: string;
  myid: string;
  /** The server's stdout and stderr, appended to across restarts. */
  log: string;
  pid: string;
  /** The process's start time (/proc/<pid>/stat field 22), so a reused pid is not mistaken for ours. */
  pidStart: string;
  /** What the lab last meant the server to be: `running` or `stopped`. */
  state: string;
}

export function clusterFile(dir: string): string {
  return path.join(path.resolve(dir), 'cluster.json');
}

export function serverFiles(dir: string, id: number): ServerFiles {
  const root = path.join(path.resolve(dir), `server-${id}`);
  const dataDir = path.join(root, 'data');
  return {
    root,
    zooCfg: path.join(root, 'zoo.cfg'),
    dataDir,
    myid: path.join(dataDir, 'myid'),
    log: path.join(root, 'server.log'),
    pid: path.join(root, 'pid'),
    pidStart: path.join(root, 'pid-start'),
    state: path.join(root, 'state'),
  };
}

/** A problem with the spec in words, or null when it can be built. */
export function validateSpec(spec: ClusterSpec): string | null {
  const whole = (n: number) => Number.isInteger(n);
  if (!whole(spec.nodes) || spec.nodes < 1 || spec.nodes > MAX_NODES) return `--nodes wants 1 to ${MAX_NODES} servers, not ${spec.nodes}`;
  if (!whole(spec.observers) || spec.observers < 0 || spec.observers > MAX_OBSERVERS) return `--observers wants 0 to ${MAX_OBSERVERS}, not ${spec.observers}`;
  if (!whole(spec.tickTime) || spec.tickTime < 1) return `--tick-time wants milliseconds (1 or more), not ${spec.tickTime}`;
  if (!whole(spec.initLimit) || spec.initLimit < 1) return `--init-limit wants ticks (1 or more), not ${spec.initLimit}`;
  if (!whole(spec.syncLimit) || spec.syncLimit < 1) return `--sync-limit wants ticks (1 or more), not ${spec.syncLimit}`;
  if (spec.portBase !== null) {
    try {
      portsFromBase(spec.portBase, spec.nodes + spec.observers);
    } catch (err) {
      return (err as Error).message;
    }
  }
  return null;
}

/** Participants are servers 1..nodes, observers the ids after them. */
export async function defineCluster(spec: ClusterSpec): Promise<ClusterDefinition> {
  const problem = validateSpec(spec);
  if (problem) throw new ClusterError(problem, true);
  const count = spec.nodes + spec.observers;
  const ports = spec.portBase === null ? await freePorts(count) : portsFromBase(spec.portBase, count);
  assertDistinct(ports);
  const servers = ports.map((p, i): ClusterServer => ({ id: i + 1, role: i < spec.nodes ? 'participant' : 'observer', ...p }));
  if (!spec.relayed) return { format: 1, ...spec, servers };
  const links = relayLinks(servers);
  const taken = new Set(ports.flatMap((p) => [p.clientPort, p.quorumPort, p.electionPort]));
  const relayPorts = await freePortNumbers(links.length, taken);
  return { format: 1, ...spec, servers, relays: links.map((link, i) => ({ ...link, port: relayPorts[i] })) };
}

/** Every ordered pair of servers (who dials whom), for both port kinds. */
export function relayLinks(servers: readonly ClusterServer[]): Omit<RelayPort, 'port'>[] {
  return servers.flatMap((from) =>
    servers.filter((to) => to.id !== from.id).flatMap((to) => (['quorum', 'election'] as const).map((kind) => ({ from: from.id, to: to.id, kind }))));
}

/** The port of `kind` that the server itself listens on. */
export function listenPortOf(server: ServerPorts, kind: LinkKind): number {
  return kind === 'quorum' ? server.quorumPort : server.electionPort;
}

/** The quorum and election ports server `from` dials to reach `to`: its relays, or to's own ports. */
export function dialledPorts(def: ClusterDefinition, from: number, to: ClusterServer): Pick<ServerPorts, 'quorumPort' | 'electionPort'> {
  if (!def.relays || from === to.id) return to;
  const port = (kind: LinkKind) => {
    const relay = def.relays!.find((r) => r.from === from && r.to === to.id && r.kind === kind);
    if (!relay) throw new ClusterError(`the cluster has no relay for server ${from} dialling server ${to.id}'s ${kind} port`);
    return relay.port;
  };
  return { quorumPort: port('quorum'), electionPort: port('election') };
}

/** A lone participant without observers runs standalone, as ZooKeeper does with no server.N lines. */
export function isStandalone(def: ClusterDefinition): boolean {
  return def.servers.length === 1;
}

export function connectStringOf(def: ClusterDefinition): string {
  return def.servers.map((s) => `${HOST}:${s.clientPort}`).join(',');
}

/** server.N as seen by one server: `dialled` are the quorum and election ports it reaches s on. */
export function serverLine(s: ClusterServer, dialled: Pick<ServerPorts, 'quorumPort' | 'electionPort'> = s): string {
  return `server.${s.id}=${HOST}:${dialled.quorumPort}:${dialled.electionPort}${s.role === 'observer' ? ':observer' : ''};${HOST}:${s.clientPort}`;
}

export function zooCfgText(dir: string, def: ClusterDefinition, server: ClusterServer): string {
  const files = serverFiles(dir, server.id);
  const lines = [
    `# Written by \`zoolab cluster up\`: server ${server.id} (${server.role}) of the cluster in ${path.resolve(dir)}`,
    `tickTime=${def.tickTime}`,
    `initLimit=${def.initLimit}`,
    `syncLimit=${def.syncLimit}`,
    `dataDir=${files.dataDir}`,
    `clientPort=${server.clientPort}`,
    `clientPortAddress=${HOST}`,
    // The lab's status reads srvr; the other words are there for people poking at the cluster.
    '4lw.commands.whitelist=*',
    // Several servers on one host would fight over the AdminServer's default port 8080.
    'admin.enableServer=false',
  ];
  if (server.role === 'observer') lines.push('peerType=observer');
  for (const [key, value] of Object.entries(def.extraConfig ?? {})) lines.push(`${key}=${value}`);
  if (!isStandalone(def)) {
    // One participant plus observers is still a quorum of one: ZooKeeper runs it replicated only
    // with standaloneEnabled=false.
    if (def.nodes === 1) lines.push('standaloneEnabled=false');
    if (def.relays) lines.push(`# The other servers' quorum and election ports are the lab's relays to them (see cluster.json).`);
    lines.push(...def.servers.map((s) => serverLine(s, dialledPorts(def, server.id, s))));
  }
  return `${lines.join('\n')}\n`;
}

/** Writes every server's zoo.cfg and myid, then cluster.json, which marks the cluster complete. */
export function writeClusterFiles(dir: string, def: ClusterDefinition): void {
  for (const server of def.servers) {
    const files = serverFiles(dir, server.id);
    mkdirSync(files.dataDir, { recursive: true });
    writeFileSync(files.zooCfg, zooCfgText(dir, def, server));
    writeFileSync(files.myid, `${server.id}\n`);
  }
  writeFileSync(clusterFile(dir), `${JSON.stringify(def, null, 2)}\n`);
}

export function hasCluster(dir: string): boolean {
  return existsSync(clusterFile(dir));
}

export function readClusterDefinition(dir: string): ClusterDefinition {
  const file = clusterFile(dir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ClusterError(`${path.resolve(dir)} holds no cluster (no cluster.json): make one with 'zoolab cluster up --nodes N --dir ${dir}'`, true);
    }
    throw new ClusterError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let def: ClusterDefinition;
  try {
    def = JSON.parse(text) as ClusterDefinition;
  } catch (err) {
    throw new ClusterError(`${file} is not JSON: ${(err as Error).message}`);
  }
  const problem = definitionProblem(def);
  if (problem) throw new ClusterError(`${file} does not describe a cluster: ${problem}`);
  return def;
}

function definitionProblem(def: ClusterDefinition): string | null {
  if (typeof def !== 'object' || def === null) return 'not an object';
  if (def.format !== 1) return `unknown format ${String(def.format)}`;
  if (!Array.isArray(def.servers) || def.servers.length === 0) return 'no servers';
  const port = (n: unknown) => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 65535;
  for (const s of def.servers) {
    if (!Number.isInteger(s?.id) || s.id < 1) return `a server without a valid id`;
    if (s.role !== 'participant' && s.role !== 'observer') return `server ${s.id} has role ${String(s.role)}`;
    if (!port(s.clientPort) || !port(s.quorumPort) || !port(s.electionPort)) return `server ${s.id} has an invalid port`;
  }
  if (def.relayed) {
    const want = relayLinks(def.servers).map((r) => `${r.from}->${r.to}:${r.kind}`);
    const have = (Array.isArray(def.relays) ? def.relays : []).filter((r) => port(r?.port)).map((r) => `${r.from}->${r.to}:${r.kind}`);
    if (want.length !== have.length || want.some((key) => !have.includes(key))) return 'a relayed cluster without a valid relay port for every pair of servers';
  }
  return validateSpec(def);
}
