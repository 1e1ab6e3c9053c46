// Leader elections as the lab shows them: the servers' rounds that ran together, grouped into one
// election with its start, end, participants and winner.
import { nodeRounds, toNotification, type Notification, type NodeRound } from './election-rounds';
import type { ZooEvent } from './zoo-event';

export interface Election {
  /** The first participant's `election.looking`. */
  start: number;
  /** The last participant's decision; null while one is still LOOKING. */
  end: number | null;
  durationUs: number | null;
  participants: number[];
  /** The leader the participants decided on (a majority of their decisions); null before any. */
  winner: number | null;
  /** False when the participants only joined a leader that was already established. */
  leaderElected: boolean;
  rounds: NodeRound[];
  /** Notifications from servers that were not LOOKING: how they told the participants who leads. */
  answers: Notification[];
}

export interface ElectionOptions {
  /** A LOOKING period starting within this long after an election ended still belongs to it. */
  joinGapUs?: number;
}

/** One server's LOOKING period: the rounds sharing an `election.looking`. */
interface LookingPeriod {
  node: number;
  start: number;
  end: number | null;
  rounds: NodeRound[];
}

/** Elections in the order they started. Overlapping LOOKING periods, on any servers, are one election. */
export function elections(events: readonly ZooEvent[], options: ElectionOptions = {}): Election[] {
  const joinGapUs = options.joinGapUs ?? 0;
  const groups: LookingPeriod[][] = [];
  let groupEnd = -Infinity;
  for (const period of lookingPeriods(nodeRounds(events))) {
    const last = groups.at(-1);
    // A period still LOOKING has no end yet: everything after it joins its election.
    const periodEnd = period.end ?? Infinity;
    if (last && period.start <= groupEnd + joinGapUs) {
      last.push(period);
      groupEnd = Math.max(groupEnd, periodEnd);
    } else {
      groups.push([period]);
      groupEnd = periodEnd;
    }
  }
  const answers = events
    .filter((e) => e.type === 'election.notification.sent' && e.state !== 'LOOKING')
    .map((e) => toNotification(e, 'to'));
  return groups.map((group) => toElection(group, answers));
}

function lookingPeriods(rounds: readonly NodeRound[]): LookingPeriod[] {
  const byKey = new Map<string, LookingPeriod>();
  for (const r of rounds) {
    const key = `${r.node}@${r.lookingAt}`;
    const period = byKey.get(key) ?? { node: r.node, start: r.lookingAt, end: null, rounds: [] };
    period.rounds.push(r);
    // Rounds of one period follow each other, so the last one's end is the period's.
    period.end = r.end;
    byKey.set(key, period);
  }
  return [...byKey.values()].sort((a, b) => a.start - b.start);
}

function toElection(group: readonly LookingPeriod[], allAnswers: readonly Notification[]): Election {
  const start = Math.min(...group.map((p) => p.start));
  const end = group.every((p) => p.end !== null) ? Math.max(...group.map((p) => p.end!)) : null;
  const rounds = group.flatMap((p) => p.rounds);
  const decisions = rounds.flatMap((r) => (r.decision ? [r.decision] : []));
  return {
    start,
    end,
    durationUs: end === null ? null : end - start,
    participants: [...new Set(group.map((p) => p.node))].sort((a, b) => a - b),
    winner: mostNamed(decisions.map((d) => d.leader)),
    leaderElected: decisions.some((d) => d.state === 'LEADING'),
    rounds,
    answers: allAnswers.filter((a) => a.at >= start && (end === null || a.at <= end)),
  };
}

/** The leader most decisions name; null when none names one. */
function mostNamed(leaders: readonly (number | null)[]): number | null {
  const counts = new Map<number, number>();
  for (const l of leaders) if (l !== null) counts.set(l, (counts.get(l) ?? 0) + 1);
  let best: number | null = null;
  for (const [leader, count] of counts) if (best === null || count > counts.get(best)!) best = leader;
  return best;
}
