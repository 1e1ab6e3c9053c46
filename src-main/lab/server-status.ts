// A server's place in the ensemble, from `srvr` on its client port: the same question an operator
// asks with `echo srvr | nc`, so it works on any ZooKeeper-compatible server.

import { FourLetterWordError, querySrvr } from '../client/four-letter';

export type ServerRole = 'leader' | 'follower' | 'observer' | 'looking' | 'down';

export interface ServerReport {
  role: ServerRole;
  /** The epoch of lastZxid (its high 32 bits); null when the server did not say. */
  epoch: number | null;
  /** "0x..." */
  lastZxid: string | null;
}

export const DOWN: ServerReport = { role: 'down', epoch: null, lastZxid: null };
const LOOKING: ServerReport = { role: 'looking', epoch: null, lastZxid: null };

/** Asks srvr with a short budget: a server that cannot answer in a second is, for the lab, down. */
export async function queryServerReport(port: number, timeoutMs = 1000): Promise<ServerReport> {
  let stats;
  try {
    stats = await querySrvr('127.0.0.1', port, { timeoutMs });
  } catch (err) {
    // ZooKeeper answers srvr with "not currently serving requests" while it has no quorum.
    if (err instanceof FourLetterWordError && err.kind === 'not-serving') return LOOKING;
    return DOWN;
  }
  const zxid = stats.zxid;
  const known = { epoch: Number(zxid >> 32n), lastZxid: `0x${zxid.toString(16)}` };
  switch (stats.mode) {
    // A standalone server is its own quorum and serves writes: for the lab it leads a cluster of one.
    case 'standalone':
    case 'leader':
      return { role: 'leader', ...known };
    case 'follower':
    case 'observer':
      return { role: stats.mode, ...known };
    // Read-only mode means cut off from a quorum: it is waiting to rejoin, not serving writes.
    case 'read-only':
      return { role: 'looking', ...known };
  }
}
