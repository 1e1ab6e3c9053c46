// Which arrow of the ZAB timeline is under the pointer: the nearest within a few pixels.

import type { QuorumMessage } from '../../../src-main/lab/events/timeline';
import { visibleMessages, type TimelineScene } from './lab-timeline-draw';
import { segmentOf, type Segment } from './lab-timeline-segments';
import { plotArea, type Viewport } from './lab-timeline-scale';

/** The arrow under the pointer (within a few pixels), for the hover card and for picking a zxid. */
export function messageAt(scene: TimelineScene, view: Viewport, width: number, height: number, x: number, y: number): QuorumMessage | null {
  const area = plotArea(width, height, scene.lanes.length);
  const laneIndex = new Map(scene.lanes.map((l, i) => [l.id, i]));
  let best: QuorumMessage | null = null;
  let bestDistance = 5;
  for (const m of visibleMessages(scene, view)) {
    const s = segmentOf(m, area, view, laneIndex);
    if (!s) continue;
    const d = distanceToSegment(x, y, s);
    if (d < bestDistance) {
      best = m;
      bestDistance = d;
    }
  }
  return best;
}

function distanceToSegment(px: number, py: number, s: Segment): number {
  const dx = s.x2 - s.x1;
  const dy = s.y2 - s.y1;
  const lengthSquared = dx * dx + dy * dy;
  const t = lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, ((px - s.x1) * dx + (py - s.y1) * dy) / lengthSquared));
  return Math.hypot(px - (s.x1 + t * dx), py - (s.y1 + t * dy));
}
