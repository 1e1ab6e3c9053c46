// Connection and server counters with ZooKeeper 3.8's exact semantics (ServerCnxn, ServerStats,
// AvgMinMaxCounter, BufferStats), including their odd corners, because cons/srvr/mntr and the admin
// server print them and tools parse them.

import { isIPv4 } from 'node:net';

const perfOrigin = Number(process.hrtime.bigint() / 1_000_000n) - performance.now();

/** Monotonic milliseconds, like ZooKeeper's Time.currentElapsedTime() (System.nanoTime() / 10^6). */
export function elapsedMs(): number {
  return Math.floor(perfOrigin + performance.now());
}

/** Per-connection counters (ServerCnxn). A fresh connection starts at zero/null, not at reset values: ZooKeeper does too. */
export class ConnectionStats {
  packetsReceived = 0;
  packetsSent = 0;
  lastOp: string | null = null;
  lastCxid = 0;
  lastZxid = 0n;
  lastResponseTime = 0;
  lastLatency = 0;
  private minLatency = 0;
  private maxLatency = 0;
  private count = 0;
  private totalLatency = 0;

  /** ServerCnxn.updateStatsForResponse: special xids (< 0) leave lastCxid alone. */
  update(cxid: number, zxid: bigint, op: string, start: number, end: number): void {
    if (cxid >= 0) this.lastCxid = cxid;
    this.lastZxid = zxid;
    this.lastOp = op;
    this.lastResponseTime = end;
    const elapsed = end - start;
    this.lastLatency = elapsed;
    if (elapsed < this.minLatency) this.minLatency = elapsed;
    if (elapsed > this.maxLatency) this.maxLatency = elapsed;
    this.count++;
    this.totalLatency += elapsed;
  }

  /** crst (ServerCnxn.resetStats). */
  reset(): void {
    this.packetsReceived = 0;
    this.packetsSent = 0;
    this.minLatency = Infinity;
    this.maxLatency = 0;
    this.lastOp = 'NA';
    this.lastCxid = -1;
    this.lastZxid = -1n;
    this.lastResponseTime = 0;
    this.lastLatency = 0;
    this.count = 0;
    this.totalLatency = 0;
  }

  get min(): number {
    return this.minLatency === Infinity ? 0 : this.minLatency;
  }
  get max(): number {
    return this.maxLatency;
  }
  /** A long division, as in ZooKeeper. */
  get avg(): number {
    return this.count === 0 ? 0 : Math.trunc(this.totalLatency / this.count);
  }
}

/** AvgMinMaxCounter: the average is rounded half-up to 4 decimals. */
export class LatencyCounter {
  private count = 0;
  private total = 0;
  private minValue = Infinity;
  private maxValue = -Infinity;

  add(value: number): void {
    this.count++;
    this.total += value;
    if (value < this.minValue) this.minValue = value;
    if (value > this.maxValue) this.maxValue = value;
  }
  reset(): void {
    this.count = 0;
    this.total = 0;
    this.minValue = Infinity;
    this.maxValue = -Infinity;
  }
  get min(): number {
    return this.minValue === Infinity ? 0 : this.minValue;
  }
  get max(): number {
    return this.maxValue === -Infinity ? 0 : this.maxValue;
  }
  get avg(): number {
    // toFixed rounds the double's exact value half-up, as BigDecimal(double).setScale(4, HALF_UP) does.
    return this.count === 0 ? 0 : Number((this.total / this.count).toFixed(4));
  }
}

/** BufferStats: response sizes; -1 until the first one. */
export class BufferStats {
  last = -1;
  private minSize = Infinity;
  max = -1;

  set(size: number): void {
    this.last = size;
    if (size < this.minSize) this.minSize = size;
    if (size > this.max) this.max = size;
  }
  reset(): void {
    this.last = -1;
    this.minSize = Infinity;
    this.max = -1;
  }
  get min(): number {
    return this.minSize === Infinity ? -1 : this.minSize;
  }
}

/** Server-wide counters: srvr's Received/Sent/Latency, mntr's response sizes and connection metrics. */
export class ServerStats {
  packetsReceived = 0;
  packetsSent = 0;
  readonly latency = new LatencyCounter();
  readonly clientResponse = new BufferStats();
  /** zk_bytes_received_count: 4 + length of every packet received. */
  bytesReceived = 0;
  /** zk_connection_rejected: refused by maxClientCnxns / maxCnxns. */
  connectionRejected = 0;
  /** zk_sessionless_connections_expired: closed for silence (ZooKeeper counts every expiry here). */
  sessionlessConnectionsExpired = 0;
  /** zk_connection_drop_count: the client closed the socket. */
  connectionDropCount = 0;

  /** srst (ServerStats.reset + ServerMetrics.resetAll). */
  reset(): void {
    this.packetsReceived = 0;
    this.packetsSent = 0;
    this.latency.reset();
    this.clientResponse.reset();
    this.bytesReceived = 0;
    this.connectionRejected = 0;
    this.sessionlessConnectionsExpired = 0;
    this.connectionDropCount = 0;
  }
}

/** Java's InetAddress.getHostAddress(): IPv6 uncompressed, groups without leading zeros. */
export function javaHostAddress(address: string): string {
  if (isIPv4(address)) return address;
  const [ip, scope] = address.split('%');
  let groups: string[];
  const halves = ip.split('::');
  const parse = (s: string): string[] => (s === '' ? [] : s.split(':').flatMap(embeddedIPv4));
  if (halves.length === 2) {
    const head = parse(halves[0]);
    const tail = parse(halves[1]);
    groups = [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  } else {
    groups = parse(ip);
  }
  const text = groups.map((g) => parseInt(g, 16).toString(16)).join(':');
  return scope === undefined ? text : `${text}%${scope}`;
}

function embeddedIPv4(group: string): string[] {
  if (!group.includes('.')) return [group];
  const [a, b, c, d] = group.split('.').map(Number);
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}

/** InetSocketAddress.toString() of an accepted socket: "/127.0.0.1:5000", "/[0:0:0:0:0:0:0:1]:5000". */
export function javaSocketAddress(address: string, port: number): string {
  return `/${bracketed(address)}:${port}`;
}

/** How Jackson writes an InetSocketAddress in the admin server's JSON: "127.0.0.1:5000". */
export function jacksonSocketAddress(address: string, port: number): string {
  return `${bracketed(address)}:${port}`;
}

function bracketed(address: string): string {
  const host = javaHostAddress(address);
  return isIPv4(address) ? host : `[${host}]`;
}

/** Long.toHexString: two's complement for negatives. */
export function javaLongHex(v: bigint | number): string {
  return BigInt.asUintN(64, BigInt(v)).toString(16);
}

/** What cons and the admin server show of one connection. */
export interface ConnectionView {
  readonly remote: { readonly address: string; readonly port: number };
  readonly interestOps: number;
  readonly outstanding: number;
  readonly stats: ConnectionStats;
  readonly sessionId: bigint;
  /** Wall-clock ms of the accept. */
  readonly established: number;
  readonly sessionTimeout: number;
}

/** One cons line without its newline (ServerCnxn.dumpConnectionInfo). */
export function dumpConnectionInfo(c: ConnectionView, brief: boolean): string {
  const s = c.stats;
  const ops = c.interestOps;
  let line = ` ${javaSocketAddress(c.remote.address, c.remote.port)}[${ops === 0 ? '0' : ops.toString(16)}]` +
    `(queued=${c.outstanding},recved=${s.packetsReceived},sent=${s.packetsSent}`;
  if (!brief && c.sessionId !== 0n) {
    line += `,sid=0x${javaLongHex(c.sessionId)},lop=${s.lastOp},est=${c.established},to=${c.sessionTimeout}`;
    if (s.lastCxid >= 0) line += `,lcxid=0x${javaLongHex(s.lastCxid)}`;
    line += `,lzxid=0x${javaLongHex(s.lastZxid)},lresp=${s.lastResponseTime},llat=${s.lastLatency}` +
      `,minlat=${s.min},avglat=${s.avg},maxlat=${s.max}`;
  }
  return `${line})`;
}

/** The admin server's map of one connection (ServerCnxn.getConnectionInfo), in its key order. */
export function connectionInfo(c: ConnectionView, brief: boolean): Record<string, unknown> {
  const s = c.stats;
  const info: Record<string, unknown> = {
    remote_socket_address: jacksonSocketAddress(c.remote.address, c.remote.port),
    interest_ops: c.interestOps,
    outstanding_requests: c.outstanding,
    packets_received: s.packetsReceived,
    packets_sent: s.packetsSent,
  };
  if (brief) return info;
  return {
    ...info,
    session_id: BigInt.asIntN(64, c.sessionId),
    last_operation: s.lastOp,
    established: c.established,
    session_timeout: c.sessionTimeout,
    last_cxid: s.lastCxid,
    last_zxid: BigInt.asIntN(64, s.lastZxid),
    last_response_time: s.lastResponseTime,
    last_latency: s.lastLatency,
    min_latency: s.min,
    avg_latency: s.avg,
    max_latency: s.max,
  };
}

/** IPv4-mapped IPv6 addresses (from a dual-stack listener) as plain IPv4, as Java shows them. */
export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
