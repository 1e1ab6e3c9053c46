// Votes as ZooKeeper's FastLeaderElection compares them. Every long on the wire (leader, zxid,
// electionEpoch, peerEpoch) is a bigint, because observers vote with Long.MIN_VALUE and zxids pass 2^53.

/** QuorumPeer.ServerState; the ordinal is what the notification carries. */
export enum ServerState {
  LOOKING = 0,
  FOLLOWING = 1,
  LEADING = 2,
  OBSERVING = 3,
}

export const stateName = (s: ServerState): string => ServerState[s] ?? `UNKNOWN(${s})`;

/** Java's Long.MIN_VALUE: what an observer proposes, so that any participant's vote beats it. */
export const LONG_MIN = -(1n << 63n);

export interface Vote {
  readonly leader: bigint;
  readonly zxid: bigint;
  readonly electionEpoch: bigint;
  readonly peerEpoch: bigint;
  /** The sender's state; votes made locally are LOOKING, as Vote's short constructors make them. */
  readonly state: ServerState;
  /** Notification format version the vote arrived with; 0 for locally made votes. */
  readonly version: number;
}

export function makeVote(leader: bigint, zxid: bigint, electionEpoch: bigint, peerEpoch: bigint,
  state = ServerState.LOOKING, version = 0): Vote {
  return { leader, zxid, electionEpoch, peerEpoch, state, version };
}

/**
 * FastLeaderElection.totalOrderPredicate: does (newId, newZxid, newEpoch) beat the current vote?
 * peerEpoch first, then zxid, then sid. QuorumMaj gives every server weight 1, so no weight check.
 */
export function beats(newId: bigint, newZxid: bigint, newEpoch: bigint, curId: bigint, curZxid: bigint, curEpoch: bigint): boolean {
  if (newEpoch !== curEpoch) return newEpoch > curEpoch;
  if (newZxid !== curZxid) return newZxid > curZxid;
  return newId > curId;
}

/**
 * Vote.equals. Against a LOOKING vote all four numbers must match. Between two votes of servers
 * out of election only the leader and peerEpoch count (zxid and electionEpoch drift after
 * ZOOKEEPER-1805), and only the leader when exactly one side came in a pre-3.4.6 (version 0) format.
 */
export function sameVote(a: Vote, b: Vote): boolean {
  if (a.state === ServerState.LOOKING || b.state === ServerState.LOOKING) {
    return a.leader === b.leader && a.zxid === b.zxid && a.electionEpoch === b.electionEpoch && a.peerEpoch === b.peerEpoch;
  }
  if ((a.version > 0) !== (b.version > 0)) return a.leader === b.leader;
  return a.leader === b.leader && a.peerEpoch === b.peerEpoch;
}

/** zxids as ZooKeeper prints them. */
export const hex = (n: bigint): string => (n < 0n ? `-0x${(-n).toString(16)}` : `0x${n.toString(16)}`);
