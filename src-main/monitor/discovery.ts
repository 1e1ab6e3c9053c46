// Who is in an ensemble: the server.N lines of /zookeeper/config (3.5+), completed by `conf` from
// the connect string's hosts (a static config lists client ports only for the server that wrote
// it), else the connect string's hosts themselves. With TLS, every question goes to the secure port.
import { ZooKeeperClient } from '../client';
import { formatHost, parseConnectString, type HostAddress } from '../client/connect-string';
import { queryConf } from '../client/four-letter';
import { parseConf, type QuorumServerConfig, type ServerConfig } from '../client/four-letter-parse';
import { tlsErrorIn, type TlsError } from '../client/tls-options';
import type { MonitoredMember } from '../api/monitor-types';
import type { DigestAuth } from './latency-probe';
import { reachAt, type ProbeTls } from './monitor-tls';

export interface Discovery {
  members: MonitoredMember[];
  /** Where the member list came from. */
  source: 'config' | 'conf' | 'connect-string';
}

export interface DiscoveryOptions {
  auth?: DigestAuth | null;
  tls?: ProbeTls | null;
  /** Budget for connecting and for each question; default 5000 ms. */
  timeoutMs?: number;
}

const WILDCARD = new Set(['0.0.0.0', '::', '0:0:0:0:0:0:0:0']);

export async function discoverMembers(connectString: string, options: DiscoveryOptions = {}): Promise<Discovery> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const tls = options.tls ?? null;
  const { hosts } = parseConnectString(connectString);
  let tlsFailure: TlsError | null = null;
  const noteTls = (err: unknown): null => {
    tlsFailure ??= tlsErrorIn(err);
    return null;
  };
  const [config, confs] = await Promise.all([
    readConfigZnode(hosts.map((h) => reachAt(h, tls)), timeoutMs, options.auth ?? null, tls).catch(noteTls),
    Promise.all(hosts.map((h) => {
      const at = reachAt(h, tls);
      return queryConf(at.host, at.port, { timeoutMs, tls: tls?.options }).then((c) => ({ host: h, conf: c }), noteTls);
    })),
  ]);
  const answered = confs.filter((c): c is { host: HostAddress; conf: ServerConfig } => c !== null);
  // Nothing answered and TLS is why: say so, rather than offer the connect string's hosts as found.
  if (tlsFailure && config === null && answered.length === 0) throw tlsFailure;
  const servers = config?.servers.length ? config.servers : answered.find((c) => c.conf.servers.length > 0)?.conf.servers;
  const members = servers ? membersOf(servers, answered) : [];
  // A server whose client port nothing told us (down, or conf not whitelisted) is most likely the
  // connect string's host that did not answer.
  for (const h of hosts) {
    if (!servers || members.length >= servers.length) break;
    const address = formatHost(h);
    if (!answered.some((a) => a.host === h) && !members.some((m) => m.address === address)) members.push({ address, adminUrl: null });
  }
  if (members.length > 0) {
    // 'config' when the znode named every client address; otherwise `conf` filled some in.
    const complete = config !== null && config.servers.length > 0 && config.servers.every((s) => s.clientAddress);
    return { members, source: complete ? 'config' : 'conf' };
  }
  return { members: hosts.map((h) => ({ address: formatHost(h), adminUrl: null })), source: 'connect-string' };
}

/** /zookeeper/config as `conf` parses it, or null when there is none; rejects when it cannot be read. */
async function readConfigZnode(hosts: HostAddress[], timeoutMs: number, auth: DigestAuth | null, tls: ProbeTls | null): Promise<ServerConfig | null> {
  // Without the chroot: /zookeeper/config lives at the real root.
  const zk = new ZooKeeperClient({
    connectString: hosts.map(formatHost).join(','), connectTimeoutMs: timeoutMs, requestTimeoutMs: timeoutMs, tls: tls?.options,
  });
  try {
    await zk.connect(timeoutMs);
    if (auth) await zk.addAuth('digest', `${auth.user}:${auth.password}`);
    const { data } = await zk.getData('/zookeeper/config');
    return data ? parseConf(data.toString('utf8')) : null;
  } finally {
    await zk.close().catch(() => undefined);
  }
}

function membersOf(servers: QuorumServerConfig[], answered: Array<{ host: HostAddress; conf: ServerConfig }>): MonitoredMember[] {
  // A server that answered `conf` is reached as the connect string names it; its id says which line it is.
  const reachedAs = new Map<number, HostAddress>();
  for (const { host, conf } of answered) {
    const id = Number(conf.values.serverId);
    if (Number.isInteger(id)) reachedAs.set(id, host);
  }
  // When every known client port is the same (the usual production layout), the others use it too.
  const ports = new Set<number>([...servers.flatMap((s) => (s.clientAddress ? [s.clientAddress.port] : [])), ...[...reachedAs.values()].map((h) => h.port)]);
  const commonPort = ports.size === 1 ? [...ports][0] : null;
  const members: MonitoredMember[] = [];
  for (const s of [...servers].sort((a, b) => a.id - b.id)) {
    const quorumHost = s.addresses[0]?.host;
    let address: HostAddress | undefined = reachedAs.get(s.id);
    if (!address && s.clientAddress) {
      address = { host: WILDCARD.has(s.clientAddress.host) ? quorumHost : s.clientAddress.host, port: s.clientAddress.port };
    }
    if (!address && commonPort !== null && quorumHost) address = { host: quorumHost, port: commonPort };
    if (address) members.push({ address: formatHost(address), adminUrl: null });
  }
  return members;
}
