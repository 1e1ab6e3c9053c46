// Compares two servers' outcomes for one step. Results and logs must be equal, with two
// tolerances, reported as notes: lists the server returns in its own order (children,
// ephemerals) are compared sorted, and on a session's end the notifications for different
// paths may interleave differently (Apache deletes a session's ephemerals in HashSet order).

import type { StepOutcome } from './normalize';

export interface Comparison {
  differences: string[];
  notes: string[];
}

const json = (v: unknown) => JSON.stringify(v);

export function compareOutcomes(ref: StepOutcome, cand: StepOutcome, sessionEnded: boolean): Comparison {
  const differences: string[] = [];
  const notes: string[] = [];
  const failed = [ref, cand].some((o) => (o.result as { harnessError?: string } | null)?.harnessError !== undefined);
  if (failed || json(ref.result) !== json(cand.result)) {
    differences.push(`result:\n    reference ${json(ref.result)}\n    candidate ${json(cand.result)}`);
  } else if (json(ref.orders) !== json(cand.orders)) {
    notes.push(`server order differs: reference ${json(ref.orders)}, candidate ${json(cand.orders)}`);
  }
  const sessions = [...new Set([...Object.keys(ref.logs), ...Object.keys(cand.logs)])].sort();
  for (const s of sessions) {
    const a = ref.logs[s] ?? [];
    const b = cand.logs[s] ?? [];
    if (json(a) === json(b)) continue;
    if (sessionEnded && sameUpToPathInterleaving(a, b)) {
      notes.push(`${s} got session-end notifications in another order: reference ${json(a)}, candidate ${json(b)}`);
      continue;
    }
    differences.push(`what ${s} received:\n${sideBySide(a, b)}`);
  }
  return { differences, notes };
}

const isEvent = (entry: string) => entry.startsWith('event ');
const eventPath = (entry: string) => entry.split(' ')[2];

/**
 * Equal except that, between two consecutive replies, notifications for different paths may
 * come in another order; each path's own notifications keep theirs.
 */
export function sameUpToPathInterleaving(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  let start = 0;
  for (let i = 0; i <= a.length; i++) {
    if (i < a.length && isEvent(a[i]) && isEvent(b[i])) continue;
    if (i < a.length && a[i] !== b[i]) return false;
    if (!sameEventsPerPath(a.slice(start, i), b.slice(start, i))) return false;
    start = i + 1;
  }
  return true;
}

function sameEventsPerPath(a: string[], b: string[]): boolean {
  const byPath = (events: string[]) => {
    const m = new Map<string, string[]>();
    for (const e of events) m.set(eventPath(e), [...(m.get(eventPath(e)) ?? []), e]);
    return m;
  };
  const ma = byPath(a);
  const mb = byPath(b);
  return ma.size === mb.size && [...ma].every(([p, list]) => json(list) === json(mb.get(p)));
}

function sideBySide(a: string[], b: string[]): string {
  const width = Math.max(9, ...a.map((e) => e.length));
  const rows = [`    ${'reference'.padEnd(width)} | candidate`];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const mark = a[i] === b[i] ? ' ' : '*';
    rows.push(`  ${mark} ${(a[i] ?? '').padEnd(width)} | ${b[i] ?? ''}`);
  }
  return rows.join('\n');
}
