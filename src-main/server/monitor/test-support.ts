// A node for the monitoring tests: a real DataTree, SessionTracker and parsed zoo.cfg (written to
// a temporary directory), and a NetServer-shaped list of connections whose cons lines and admin
// maps come from the net layer's own formatting and counters.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import type { ACL } from '../../protocol';
import { OPEN_ACL_UNSAFE } from '../acl/acl';
import { parseConfig } from '../config';
import type { ServerMode } from '../core/monitored-server';
import { ConnectionStats, ServerStats, connectionInfo, dumpConnectionInfo, elapsedMs } from '../net/stats';
import type { ClientConnection, NetServer, PeerAddress } from '../net/types';
import { SessionTracker } from '../session/session-tracker';
import { DataTree } from '../tree/data-tree';
import type { MonitorExtras, Monitored } from './types';

let nextConnectionId = 1;

export class FakeConnection implements ClientConnection {
  readonly id = nextConnectionId++;
  readonly stats = new ConnectionStats();
  readonly established = Date.now();
  outstanding = 0;
  closed = false;

  constructor(readonly remote: PeerAddress, public sessionId = 0n, public sessionTimeout = 10_000, readonly secure = false) {}

  /** NIO's interest ops: a probe that has not started a session is not reading (0), a session is (1). */
  get interestOps(): number {
    return this.sessionId === 0n ? 0 : 1;
  }
  sendReply(): void {}
  sendNotification(): void {}
  sendFrame(): void {}
  close(): void {
    this.closed = true;
  }
  requestCompleted(op: string, cxid: number, zxid: bigint, receivedAt: number): void {
    this.stats.packetsReceived++;
    this.stats.packetsSent++;
    this.stats.update(cxid, zxid, op, receivedAt, elapsedMs());
  }
  dumpConnectionInfo(brief: boolean): string {
    return dumpConnectionInfo(this, brief);
  }
  connectionInfo(brief: boolean): Record<string, unknown> {
    return connectionInfo(this, brief);
  }
  clientCertificate(): null {
    return null;
  }
}

export class FakeNet implements NetServer {
  readonly all: FakeConnection[] = [];
  readonly stats = new ServerStats();

  connections(): ClientConnection[] {
    return this.all.filter((c) => !c.closed);
  }
  connectionForSession(sessionId: bigint): ClientConnection | undefined {
    return this.all.find((c) => !c.closed && c.sessionId === sessionId);
  }
  closeSession(sessionId: bigint): boolean {
    const c = this.all.find((x) => !x.closed && x.sessionId === sessionId);
    c?.close();
    return c !== undefined;
  }
  get outstandingRequests(): number {
    return this.all.reduce((n, c) => n + (c.closed ? 0 : c.outstanding), 0);
  }
  get numAliveConnections(): number {
    return this.connections().length;
  }
  resetConnectionStats(): void {
    for (const c of this.all) c.stats.reset();
  }
}

/** The ensemble of the captured samples: three participants and an observer. */
export const ENSEMBLE_SERVERS = [
  'server.1=127.0.0.1:32891:33891', 'server.2=127.0.0.1:32892:33892', 'server.3=127.0.0.1:32893:33893',
  'server.4=127.0.0.1:32894:33894:observer',
];

export interface TestNodeOptions {
  mode?: ServerMode | null;
  serverId?: number;
  /** zoo.cfg lines beyond tickTime, dataDir and clientPort. */
  extraConfig?: string[];
  extras?: MonitorExtras;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface TestNode extends Mutable<Monitored> {
  readonly tree: DataTree<ClientConnection>;
  readonly sessions: SessionTracker;
  readonly net: FakeNet;
  dataDirBytes: number;
  logDirBytes: number;
  /** Creates a znode as an applied txn would (next zxid). */
  create(path: string, data?: string, ephemeralOwner?: bigint): void;
  /**
   * A committed session and its connection from 127.0.0.1. Sessions opened by one node all start at
   * the same tracker time, so equal timeouts share an expiry bucket; `id` picks the session id.
   */
  openSession(timeout?: number, id?: bigint): FakeConnection;
  /** A connection that sent only a four-letter word. */
  probe(address?: string): FakeConnection;
  /** Removes the temporary directory. */
  cleanup(): void;
}

export function testNode(opts: TestNodeOptions = {}): TestNode {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zoolab-monitor-'));
  const lines = ['tickTime=2000', `dataDir=${path.join(dir, 'data')}`, 'clientPort=21881', ...(opts.extraConfig ?? [])];
  const file = path.join(dir, 'zoo.cfg');
  writeFileSync(file, `${lines.join('\n')}\n`);
  let config;
  try {
    config = parseConfig(`${lines.join('\n')}\n`, file);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const serverId = opts.serverId ?? 1;
  const tree = new DataTree<ClientConnection>();
  const startedAtTracker = performance.now();
  const sessions = new SessionTracker({ tickTime: config.tickTime, serverId, now: startedAtTracker });
  const net = new FakeNet();
  let zxid = 0n;
  let port = 40000;
  const node: TestNode = {
    config,
    serverId,
    mode: opts.mode === undefined ? 'standalone' : opts.mode,
    startedAt: Date.now() - 5000,
    tree,
    sessions,
    net,
    lastProcessedZxid: 0n,
    dataDirBytes: 1234,
    logDirBytes: 5678,
    dataDirSize: () => node.dataDirBytes,
    logDirSize: () => node.logDirBytes,
    lastSnapshot: null,
    fsyncStats: { count: 0, sumMs: 0, minMs: 0, maxMs: 0 },
    ...opts.extras,
    create(p: string, data = '', ephemeralOwner = 0n) {
      zxid++;
      tree.createNode(p, Buffer.from(data), OPEN_ACL_UNSAFE as ACL[], ephemeralOwner, -1, zxid, Date.now());
      node.lastProcessedZxid = zxid;
    },
    openSession(timeout = 30_000, chosenId?: bigint) {
      let id = chosenId;
      if (id === undefined) id = sessions.createSession(timeout, startedAtTracker);
      else sessions.trackSession(id, timeout, startedAtTracker);
      sessions.commitSession(id, timeout);
      const c = new FakeConnection({ address: '127.0.0.1', port: port++ }, id, timeout);
      net.all.push(c);
      return c;
    },
    probe(address = '127.0.0.1') {
      const c = new FakeConnection({ address, port: port++ });
      c.stats.packetsReceived = 1;
      net.all.push(c);
      return c;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return node;
}

/** The sessions of the captured standalone server (testdata/3.8-standalone), so Java's hash orders compare exactly. */
export const CAPTURED_SESSION_A = 0x1000018b8f50000n;
export const CAPTURED_SESSION_B = 0x1000018b8f50001n;

/** The captured server's state: /a, /a/b, ephemerals /e1 /e2 (A) and /e3 (B), data watches on /a (both) and /a/b (A). */
export function capturedStandaloneState(n: TestNode): void {
  const b = n.openSession(10_000, CAPTURED_SESSION_B);
  const a = n.openSession(10_000, CAPTURED_SESSION_A);
  n.create('/a', 'hello');
  n.create('/a/b', 'x');
  n.create('/e1', '', CAPTURED_SESSION_A);
  n.create('/e2', '', CAPTURED_SESSION_A);
  n.create('/e3', '', CAPTURED_SESSION_B);
  n.tree.dataWatches.addWatch('/a', b);
  n.tree.dataWatches.addWatch('/a', a);
  n.tree.dataWatches.addWatch('/a/b', a);
  n.tree.childWatches.addWatch('/a', a);
}

/** A testNode factory for one test file: every node it made is cleaned up after each test. */
export function nodesCleanedAfterEach(): (opts?: TestNodeOptions) => TestNode {
  const nodes: TestNode[] = [];
  afterEach(() => {
    for (const n of nodes.splice(0)) n.cleanup();
  });
  return (opts = {}) => {
    const n = testNode(opts);
    nodes.push(n);
    return n;
  };
}
