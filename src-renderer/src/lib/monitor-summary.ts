// An ensemble at a glance from its servers' latest samples: how many answer, who leads, and the
// worst health among them (for the ensemble's tab dot and header).

import type { Health, ServerSample } from '../../../src-main/api/monitor-types';

const healthRank: Record<Health, number> = { ok: 0, warn: 1, critical: 2, down: 3 };

export interface EnsembleSummary {
  up: number;
  total: number;
  leader: string | null;
  /** null until the first poll. */
  worst: Health | null;
  /** A majority of the servers answer. */
  quorum: boolean;
}

export function worstHealth(samples: readonly ServerSample[]): Health | null {
  let worst: Health | null = null;
  for (const s of samples) if (worst === null || healthRank[s.health] > healthRank[worst]) worst = s.health;
  return worst;
}

export function summarize(memberCount: number, samples: readonly ServerSample[]): EnsembleSummary {
  const total = Math.max(memberCount, samples.length);
  const up = samples.filter((s) => s.up).length;
  const leader = samples.find((s) => s.up && s.role === 'leader')?.address ?? null;
  return { up, total, leader, worst: worstHealth(samples), quorum: up > total / 2 };
}
