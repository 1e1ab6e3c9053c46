// zoo.cfg, read as Apache ZooKeeper's QuorumPeerConfig reads it, plus the -D system properties
// zkServer.sh passes through SERVER_JVMFLAGS. Unknown keys become `zookeeper.<key>` properties.

import { readFileSync } from 'node:fs';
import path from 'node:path';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface ServerEntry {
  id: number;
  host: string;
  quorumPort: number;
  electionPort: number;
  role: 'participant' | 'observer';
  clientHost: string | null;
  clientPort: number | null;
}

export interface ServerConfig {
  file: string;
  tickTime: number;
  initLimit: number;
  syncLimit: number;
  dataDir: string;
  dataLogDir: string;
  clientPort: number | null;
  clientPortAddress: string;
  secureClientPort: number | null;
  secureClientPortAddress: string;
  maxClientCnxns: number;
  minSessionTimeout: number;
  maxSessionTimeout: number;
  snapRetainCount: number;
  purgeIntervalHours: number;
  snapCount: number;
  preAllocSizeKb: number;
  globalOutstandingLimit: number;
  fourLetterWords: Set<string> | '*';
  adminEnabled: boolean;
  adminAddress: string;
  adminPort: number;
  adminCommandUrl: string;
  juteMaxBuffer: number;
  extendedTypesEnabled: boolean;
  standaloneEnabled: boolean;
  reconfigEnabled: boolean;
  servers: ServerEntry[];
  /** dataDir/myid, when present. */
  myid: number | null;
  /** System properties: from SERVER_JVMFLAGS -D flags and unknown zoo.cfg keys (zookeeper.-prefixed). */
  properties: Map<string, string>;
  /** Keys read but not used by ZooLab, reported once at start. */
  ignoredKeys: string[];
}

// Keys ZooKeeper knows that ZooLab reads but has no use for yet: accepted without complaint.
const knownUnused = new Set([
  'electionAlg', 'peerType', 'syncEnabled', 'quorumListenOnAllIPs', 'localSessionsEnabled', 'localSessionsUpgradingEnabled',
  'dynamicConfigFile', 'clientPortListenBacklog', 'connectToLearnerMasterLimit', 'metricsProvider.className',
  'multiAddress.enabled', 'sslQuorum', 'portUnification', 'admin.idleTimeout',
]);

export function parseJvmFlags(flags: string | undefined): Map<string, string> {
  const props = new Map<string, string>();
  for (const token of (flags ?? '').split(/\s+/)) {
    const m = /^-D([^=]+)=(.*)$/.exec(token);
    if (m) props.set(m[1], m[2]);
  }
  return props;
}

export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseConfig(text, file, parseJvmFlags(env.SERVER_JVMFLAGS));
}

export function parseConfig(text: string, file: string, properties = new Map<string, string>()): ServerConfig {
  const raw = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#') || trimmed.startsWith('!')) return;
    const m = /^([^=:\s]+)\s*[=:]\s*(.*)$/.exec(trimmed) ?? /^([^\s]+)\s+(.*)$/.exec(trimmed);
    if (!m) throw new ConfigError(`${file}:${i + 1}: cannot parse "${trimmed}" (expected key=value)`);
    raw.set(m[1], m[2].trim());
  });
  const base = path.dirname(file);
  const resolve = (p: string) => (path.isAbsolute(p) ? p : path.resolve(base, p));

  const int = (key: string, def: number | null, min = 0, max = Number.MAX_SAFE_INTEGER): number | null => {
    const v = raw.get(key);
    if (v === undefined || v === '') return def;
    if (!/^-?\d+$/.test(v)) throw new ConfigError(`${key}: "${v}" is not a whole number`);
    const n = Number(v);
    if (n < min || n > max) throw new ConfigError(`${key}: ${n} is out of range (${min}..${max})`);
    return n;
  };
  const bool = (key: string, def: boolean): boolean => {
    const v = raw.get(key);
    if (v === undefined) return def;
    if (/^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
    throw new ConfigError(`${key}: "${v}" is not true or false`);
  };

  const tickTime = int('tickTime', 3000, 1)!;
  const dataDirRaw = raw.get('dataDir');
  if (!dataDirRaw) throw new ConfigError('dataDir is not set: give the directory for snapshots (dataDir=/var/lib/zoolab)');
  const dataDir = resolve(dataDirRaw);
  const minSessionTimeout = int('minSessionTimeout', 2 * tickTime, 0)!;
  const maxSessionTimeout = int('maxSessionTimeout', 20 * tickTime, 0)!;
  if (minSessionTimeout > maxSessionTimeout) {
    throw new ConfigError(`minSessionTimeout (${minSessionTimeout}) must not be larger than maxSessionTimeout (${maxSessionTimeout})`);
  }
  const servers = [...raw.entries()].filter(([k]) => k.startsWith('server.')).map(([k, v]) => parseServerLine(k, v));
  const clientPort = int('clientPort', null, 1, 65535);
  const secureClientPort = int('secureClientPort', null, 1, 65535);
  if (clientPort === null && secureClientPort === null && servers.every((s) => s.clientPort === null)) {
    throw new ConfigError('clientPort is not set: give the port clients connect to (clientPort=2181)');
  }
  const whitelist = raw.get('4lw.commands.whitelist') ?? properties.get('zookeeper.4lw.commands.whitelist') ?? 'srvr';
  const words = whitelist.split(',').map((w) => w.trim()).filter(Boolean);

  const ignoredKeys: string[] = [];
  const used = new Set([
    'tickTime', 'initLimit', 'syncLimit', 'dataDir', 'dataLogDir', 'clientPort', 'clientPortAddress', 'secureClientPort', 'secureClientPortAddress',
    'maxClientCnxns', 'minSessionTimeout', 'maxSessionTimeout', 'autopurge.snapRetainCount', 'autopurge.purgeInterval',
    'snapCount', 'preAllocSize', 'globalOutstandingLimit', '4lw.commands.whitelist', 'admin.enableServer',
    'admin.serverPort', 'admin.serverAddress', 'admin.commandURL', 'jute.maxbuffer', 'extendedTypesEnabled',
    'standaloneEnabled', 'reconfigEnabled',
  ]);
  for (const [key, value] of raw) {
    if (used.has(key) || key.startsWith('server.')) continue;
    if (knownUnused.has(key)) ignoredKeys.push(key);
    // As QuorumPeerConfig does: anything else is a system property, zookeeper.-prefixed.
    else properties.set(key.startsWith('zookeeper.') ? key : `zookeeper.${key}`, value);
  }
  const prop = (name: string) => properties.get(name);
  const juteMaxBuffer = Number(prop('jute.maxbuffer') ?? raw.get('jute.maxbuffer') ?? 0xfffff);
  if (!Number.isInteger(juteMaxBuffer) || juteMaxBuffer <= 0) throw new ConfigError(`jute.maxbuffer: "${juteMaxBuffer}" is not a positive whole number`);

  return {
    file,
    tickTime,
    initLimit: int('initLimit', 10, 1)!,
    syncLimit: int('syncLimit', 5, 1)!,
    dataDir,
    dataLogDir: raw.get('dataLogDir') ? resolve(raw.get('dataLogDir')!) : dataDir,
    clientPort,
    clientPortAddress: raw.get('clientPortAddress') ?? '0.0.0.0',
    secureClientPort,
    secureClientPortAddress: raw.get('secureClientPortAddress') ?? raw.get('clientPortAddress') ?? '0.0.0.0',
    maxClientCnxns: int('maxClientCnxns', 60, 0)!,
    minSessionTimeout,
    maxSessionTimeout,
    snapRetainCount: Math.max(3, int('autopurge.snapRetainCount', 3, 0)!),
    purgeIntervalHours: int('autopurge.purgeInterval', 0, 0)!,
    snapCount: Number(prop('zookeeper.snapCount') ?? int('snapCount', 100000, 2)),
    preAllocSizeKb: int('preAllocSize', 65536, 1)!,
    globalOutstandingLimit: int('globalOutstandingLimit', 1000, 1)!,
    fourLetterWords: words.includes('*') ? '*' : new Set(words),
    adminEnabled: bool('admin.enableServer', (prop('zookeeper.admin.enableServer') ?? 'true') === 'true'),
    adminAddress: raw.get('admin.serverAddress') ?? '0.0.0.0',
    adminPort: int('admin.serverPort', Number(prop('zookeeper.admin.serverPort') ?? 8080), 0, 65535)!,
    adminCommandUrl: raw.get('admin.commandURL') ?? '/commands',
    juteMaxBuffer,
    extendedTypesEnabled: bool('extendedTypesEnabled', prop('zookeeper.extendedTypesEnabled') === 'true'),
    standaloneEnabled: bool('standaloneEnabled', true),
    reconfigEnabled: bool('reconfigEnabled', false),
    servers,
    myid: readMyid(dataDir),
    properties,
    ignoredKeys,
  };
}

function parseServerLine(key: string, value: string): ServerEntry {
  const idText = key.slice('server.'.length);
  if (!/^\d+$/.test(idText)) throw new ConfigError(`${key}: the server id must be a number`);
  const [quorumPart, clientPart] = value.split(';');
  // An IPv6 host is written in brackets: server.2=[::1]:2889:3889
  const bracketed = /^\[([^\]]+)\]:(.*)$/.exec(quorumPart);
  const parts = bracketed ? [bracketed[1], ...bracketed[2].split(':')] : quorumPart.split(':');
  if (parts.length < 3) throw new ConfigError(`${key}=${value}: expected host:quorumPort:electionPort[:participant|observer][;[clientHost:]clientPort]`);
  const [host, qp, ep, role] = parts;
  const port = (text: string, what: string) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new ConfigError(`${key}: ${what} "${text}" is not a port`);
    return n;
  };
  if (role !== undefined && role !== 'participant' && role !== 'observer') {
    throw new ConfigError(`${key}: role "${role}" must be participant or observer`);
  }
  let clientHost: string | null = null;
  let clientPort: number | null = null;
  if (clientPart) {
    const c = clientPart.split(':');
    clientPort = port(c[c.length - 1], 'client port');
    if (c.length > 1) clientHost = c[0];
  }
  return {
    id: Number(idText), host, quorumPort: port(qp, 'quorum port'), electionPort: port(ep, 'election port'),
    role: role === 'observer' ? 'observer' : 'participant', clientHost, clientPort,
  };
}

function readMyid(dataDir: string): number | null {
  let text: string;
  try {
    text = readFileSync(path.join(dataDir, 'myid'), 'utf8').trim();
  } catch {
    return null;
  }
  if (!/^\d+$/.test(text)) throw new ConfigError(`${path.join(dataDir, 'myid')}: "${text}" is not a server id`);
  return Number(text);
}
