// Where the timeline's arrows run, in pixels: one per message, or, when there are more messages
// than pixels across, one per bin of messages alike (same sender, receiver and packet, sent within
// the same couple of pixels), drawn where their average runs.

import type { QuorumMessage } from '../../../src-main/lab/events/timeline';
import { packetColor } from './lab-packets';
import { laneY, xOf, type PlotArea, type Viewport } from './lab-timeline-scale';

export interface Segment {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  lost: boolean;
}

/** Where a message's arrow runs; a packet never received is a short stub toward its receiver. */
export function segmentOf(m: QuorumMessage, area: PlotArea, view: Viewport, laneIndex: Map<number, number>): Segment | null {
  const from = laneIndex.get(m.from);
  const to = laneIndex.get(m.to);
  if (from === undefined || to === undefined) return null;
  const x1 = xOf(view, area, m.sentAt);
  const y1 = laneY(area, from);
  const y2 = laneY(area, to);
  if (m.receivedAt === null) return { x1, y1, x2: x1 + 10, y2: y1 + (y2 - y1) * 0.35, lost: true };
  return { x1, y1, x2: xOf(view, area, m.receivedAt), y2, lost: false };
}

export function segmentsByColor(messages: readonly QuorumMessage[], area: PlotArea, view: Viewport, laneIndex: Map<number, number>): Map<string, Segment[]> {
  const byColor = new Map<string, Segment[]>();
  for (const m of messages) {
    const s = segmentOf(m, area, view, laneIndex);
    if (s) listOf(byColor, packetColor(m.packet)).push(s);
  }
  return byColor;
}

const binPx = 2;
/** Small numbers for packet types, for bin keys that are numbers rather than strings (a frame makes thousands). */
const packetIds = new Map<string, number>();

function packetId(packet: string): number {
  let id = packetIds.get(packet);
  if (id === undefined) packetIds.set(packet, (id = packetIds.size % 64));
  return id;
}

/** One number per (sender, receiver, packet, lost, column); server ids below 64, columns clamped to 8192. */
function binKey(m: QuorumMessage, s: Segment): number {
  const column = Math.min(8191, Math.max(0, Math.floor(s.x1 / binPx) + 1024));
  return ((((m.from % 64) * 64 + (m.to % 64)) * 64 + packetId(m.packet)) * 2 + (s.lost ? 1 : 0)) * 8192 + column;
}

export function binnedByColor(messages: readonly QuorumMessage[], area: PlotArea, view: Viewport, laneIndex: Map<number, number>): Map<string, Segment[]> {
  const bins = new Map<number, { color: string; sum: Segment; n: number }>();
  for (const m of messages) {
    const s = segmentOf(m, area, view, laneIndex);
    if (!s) continue;
    const key = binKey(m, s);
    const bin = bins.get(key);
    if (bin) {
      bin.sum.x1 += s.x1;
      bin.sum.x2 += s.x2;
      bin.n++;
    } else {
      bins.set(key, { color: packetColor(m.packet), sum: s, n: 1 });
    }
  }
  const byColor = new Map<string, Segment[]>();
  for (const { color, sum, n } of bins.values()) listOf(byColor, color).push({ ...sum, x1: sum.x1 / n, x2: sum.x2 / n });
  return byColor;
}

function listOf<T>(map: Map<string, T[]>, key: string): T[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}
