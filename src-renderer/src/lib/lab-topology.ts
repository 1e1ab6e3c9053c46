// The cluster picture's geometry and wording: servers on a ring, and what each link between two of
// them looks like (open, cut one way or both, slowed).

import type { LabLinkView } from '../../../src-main/api/lab-types';

export interface Point2 {
  x: number;
  y: number;
}

/** Servers evenly on a circle, the first at the top, clockwise. */
export function ringLayout(ids: readonly number[], cx: number, cy: number, radius: number): Map<number, Point2> {
  const out = new Map<number, Point2>();
  ids.forEach((id, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, ids.length);
    out.set(id, { x: cx + radius * Math.cos(angle), y: cy + radius * Math.sin(angle) });
  });
  return out;
}

export type CutState = 'open' | 'both' | 'a->b' | 'b->a';

export interface LinkLook {
  cut: CutState;
  slow: boolean;
  /** Words next to the line; null for a healthy link. */
  label: string | null;
}

export function cutState(link: LabLinkView): CutState {
  if (link.aToB === 'cut' && link.bToA === 'cut') return 'both';
  if (link.aToB === 'cut') return 'a->b';
  if (link.bToA === 'cut') return 'b->a';
  return 'open';
}

export function linkLook(link: LabLinkView): LinkLook {
  const cut = cutState(link);
  const words: string[] = [];
  if (cut === 'both') words.push('cut');
  if (cut === 'a->b') words.push(`${link.a}→${link.b} cut`);
  if (cut === 'b->a') words.push(`${link.b}→${link.a} cut`);
  if (link.delayMs > 0) words.push(`+${link.delayMs} ms`);
  return { cut, slow: link.delayMs > 0, label: words.length ? words.join(' · ') : null };
}

/** The point `share` of the way from p to q, pushed `offset` px to the left of the direction p→q. */
export function alongLine(p: Point2, q: Point2, share: number, offset = 0): Point2 {
  const dx = q.x - p.x;
  const dy = q.y - p.y;
  const length = Math.hypot(dx, dy) || 1;
  return { x: p.x + dx * share + (dy / length) * offset, y: p.y + dy * share - (dx / length) * offset };
}
