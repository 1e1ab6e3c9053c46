// The ports of a local cluster's servers: a fixed scheme from --port-base, so the ports are easy to
// guess and type, or free ports from the kernel when no base is given.

import net from 'node:net';

export interface ServerPorts {
  clientPort: number;
  /** Followers and observers connect to the leader here (the 2888 of server.N=host:2888:3888). */
  quorumPort: number;
  /** Leader election (the 3888). */
  electionPort: number;
}

/** How far apart the client, quorum and election port ranges lie from the base. */
export const QUORUM_OFFSET = 100;
export const ELECTION_OFFSET = 200;
/** Servers a --port-base scheme has room for before the ranges would overlap. */
export const MAX_SERVERS_PER_BASE = QUORUM_OFFSET;

/**
 * Server i (1-based) of `count`: client P+i-1, quorum P+100+i-1, election P+200+i-1. With P=2181 the
 * client ports are 2181, 2182, ..., as one would number them by hand.
 */
export function portsFromBase(base: number, count: number): ServerPorts[] {
  if (!Number.isInteger(base) || base < 1) throw new RangeError(`a port base is a port number, not ${base}`);
  if (count > MAX_SERVERS_PER_BASE) throw new RangeError(`--port-base has room for ${MAX_SERVERS_PER_BASE} servers, not ${count}`);
  const highest = base + ELECTION_OFFSET + count - 1;
  if (highest > 65535) throw new RangeError(`--port-base ${base} would need port ${highest}; the highest port is 65535`);
  return Array.from({ length: count }, (_, i) => ({
    clientPort: base + i,
    quorumPort: base + QUORUM_OFFSET + i,
    electionPort: base + ELECTION_OFFSET + i,
  }));
}

/**
 * Three ports per server that nobody listens on right now. Every probe stays bound until all are
 * chosen, so the kernel cannot hand out the same port twice.
 */
export async function freePorts(count: number): Promise<ServerPorts[]> {
  const ports = await freePortNumbers(count * 3);
  return Array.from({ length: count }, (_, i) => ({
    clientPort: ports[3 * i],
    quorumPort: ports[3 * i + 1],
    electionPort: ports[3 * i + 2],
  }));
}

/** `count` distinct ports nobody listens on right now, none of them in `avoid` (ports chosen already). */
export async function freePortNumbers(count: number, avoid: ReadonlySet<number> = new Set()): Promise<number[]> {
  const probes: net.Server[] = [];
  try {
    const ports: number[] = [];
    while (ports.length < count) {
      const probe = net.createServer();
      probes.push(probe);
      // A probe on an avoided port stays bound too, so the kernel moves on to another one.
      const port = await listenOnAnyPort(probe);
      if (!avoid.has(port)) ports.push(port);
    }
    return ports;
  } finally {
    await Promise.all(probes.map((p) => new Promise<void>((resolve) => (p.listening ? p.close(() => resolve()) : resolve()))));
  }
}

function listenOnAnyPort(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

/** Every port of every server, each exactly once: the check both schemes must pass. */
export function assertDistinct(ports: ServerPorts[]): void {
  const all = ports.flatMap((p) => [p.clientPort, p.quorumPort, p.electionPort]);
  const seen = new Set<number>();
  for (const port of all) {
    if (seen.has(port)) throw new Error(`port ${port} was chosen twice`);
    seen.add(port);
  }
}

/**
 * Listens on each of `ports` that is free, so the kernel hands none of them out meanwhile (ports
 * already in use are skipped); resolves with the function that lets them go again.
 */
export async function holdPorts(ports: readonly number[]): Promise<() => Promise<void>> {
  const held: net.Server[] = [];
  for (const port of ports) {
    const probe = net.createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        probe.once('error', reject);
        probe.listen(port, '127.0.0.1', () => resolve());
      });
      held.push(probe);
    } catch {
      // Someone else's: nothing to hold, and whoever wants it will say so.
    }
  }
  return () => Promise.all(held.map((p) => new Promise<void>((resolve) => p.close(() => resolve())))).then(() => undefined);
}
