// A lab's status as the renderer draws it: the cluster's status (process state, srvr's role, epoch
// and zxid) with each server's real quorum and election ports, mntr's connection and queue figures,
// how a crashed server ended and what it logged last, and every link's state at the relays.

import type { LabLinkView, LabServerView, LabStatus } from '../api/lab-types';
import { queryMntr } from '../client/four-letter';
import type { Cluster, ServerStatus } from './cluster';
import type { LinkRelays } from './link-relays';
import type { ServerExits } from './server-exits';

/** mntr is a nicety next to srvr: a server that cannot answer it quickly shows no figures. */
const MNTR_TIMEOUT_MS = 500;
const LOG_TAIL_LINES = 20;

/** What only a running lab knows: its relays and the server processes it started. */
export interface RunningParts {
  relays: LinkRelays;
  exits: ServerExits;
}

export async function labStatus(labId: string, cluster: Cluster, running: RunningParts | null): Promise<LabStatus> {
  const status = await cluster.status();
  const servers = await Promise.all(status.servers.map((s) => serverView(cluster, s, running?.exits ?? null)));
  return {
    labId,
    running: running !== null,
    connectString: status.connect,
    servers,
    links: running ? linkViews(running.relays) : openLinks(cluster),
  };
}

async function serverView(cluster: Cluster, s: ServerStatus, exits: ServerExits | null): Promise<LabServerView> {
  const { quorumPort, electionPort } = cluster.server(s.id);
  const figures = s.process === 'running' ? await mntrFigures(s.clientPort) : null;
  const crashed = s.process === 'crashed';
  return {
    id: s.id,
    peerType: s.peerType,
    pid: s.pid,
    process: s.process,
    role: s.role,
    clientPort: s.clientPort,
    quorumPort,
    electionPort,
    epoch: s.epoch,
    lastZxid: s.lastZxid,
    connections: figures?.connections ?? null,
    outstanding: figures?.outstanding ?? null,
    fsync: figures?.fsync ?? null,
    exit: crashed ? exits?.exitOf(s.id) ?? null : null,
    logTail: crashed ? cluster.logTail(s.id, LOG_TAIL_LINES) : [],
  };
}

interface MntrFigures {
  connections: number;
  outstanding: number;
  fsync: LabServerView['fsync'];
}

async function mntrFigures(clientPort: number): Promise<MntrFigures | null> {
  try {
    const m = await queryMntr('127.0.0.1', clientPort, { timeoutMs: MNTR_TIMEOUT_MS });
    const count = m.values.zk_cnt_fsynctime;
    const sumMs = m.values.zk_sum_fsynctime;
    const fsync = typeof count === 'number' && typeof sumMs === 'number' ? { count, sumMs } : null;
    return { connections: m.numAliveConnections, outstanding: m.outstandingRequests, fsync };
  } catch {
    // Not serving (no quorum), paused, or just slow: no figures this time.
    return null;
  }
}

function linkViews(relays: LinkRelays): LabLinkView[] {
  return relays.describe().map((l) => ({ a: l.a, b: l.b, aToB: l.aToB, bToA: l.bToA, delayMs: l.delayMs }));
}

/** A stopped lab has no relays: every link is as it will be when it starts, open. */
function openLinks(cluster: Cluster): LabLinkView[] {
  const ids = cluster.servers.map((s) => s.id);
  return ids.flatMap((a) => ids.filter((b) => b > a).map((b): LabLinkView => ({ a, b, aToB: 'open', bToA: 'open', delayMs: 0 })));
}
