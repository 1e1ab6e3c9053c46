// How an election reads: votes as (sid, zxid, epoch), the notifications a server sent folded into one
// entry per vote, and each server's vote over time for the election's picture.

import type { NodeRound, Notification } from '../../../src-main/lab/events/election-rounds';
import type { Election } from '../../../src-main/lab/events/elections';

/** Candidate colours: a vote for server N is drawn in colour N wherever it appears. */
const candidatePalette = ['#2f6fdb', '#1e9a55', '#e0761b', '#8e44ad', '#d63384', '#0f9fb5', '#795548', '#c9a100'];

export function candidateColor(sid: number): string {
  return sid < 1 ? '#aab2bd' : candidatePalette[(sid - 1) % candidatePalette.length];
}

export function voteText(v: { leader: number; zxid: string; peerEpoch: number }): string {
  return `(${v.leader}, ${v.zxid}, ${v.peerEpoch})`;
}

export interface SentVote {
  at: number;
  to: number[];
  leader: number;
  zxid: string;
  peerEpoch: number;
  reason: string | null;
}

/** A vote is sent to every peer at once: consecutive notifications with the same vote and reason are one entry. */
export function sentVotes(sent: readonly Notification[]): SentVote[] {
  const out: SentVote[] = [];
  for (const n of sent) {
    const last = out.at(-1);
    const same = last && last.leader === n.leader && last.zxid === n.zxid && last.peerEpoch === n.peerEpoch && last.reason === n.reason && !last.to.includes(n.peer);
    if (same) last.to.push(n.peer);
    else out.push({ at: n.at, to: [n.peer], leader: n.leader, zxid: n.zxid, peerEpoch: n.peerEpoch, reason: n.reason });
  }
  return out;
}

export interface VoteSegment {
  node: number;
  leader: number;
  from: number;
  to: number;
}

/**
 * Whom each server voted for, from its first vote sent until it decided (or the election's end):
 * its own first notification gives its opening vote, each vote change the next one.
 */
export function voteSegments(election: Election, endUs: number): VoteSegment[] {
  const byNode = new Map<number, NodeRound[]>();
  for (const r of election.rounds) byNode.set(r.node, [...(byNode.get(r.node) ?? []), r]);
  const segments: VoteSegment[] = [];
  for (const [node, rounds] of byNode) {
    const changes: Array<{ at: number; leader: number }> = [];
    for (const r of rounds) {
      if (r.sent[0]) changes.push({ at: r.sent[0].at, leader: r.sent[0].leader });
      for (const v of r.voteChanges) changes.push({ at: v.at, leader: v.leader });
    }
    changes.sort((a, b) => a.at - b.at);
    const last = rounds[rounds.length - 1];
    const until = last.decision?.at ?? last.end ?? endUs;
    changes.forEach((c, i) => {
      const to = changes[i + 1]?.at ?? until;
      if (to > c.at) segments.push({ node, leader: c.leader, from: c.at, to });
    });
  }
  return segments;
}
