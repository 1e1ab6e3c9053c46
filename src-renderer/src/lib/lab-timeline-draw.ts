// Paints the ZAB timeline on a 2D canvas: a lane per server shaded by epoch and striped by role,
// faults as vertical bands, and every quorum packet as an arrow from its send to its receive.
// Arrows are stroked one path per colour, so thousands of them cost a few draw calls.

import type { LabRole } from '../../../src-main/api/lab-types';
import type { EpochSpan, RoleSpan, ZabRole } from '../../../src-main/lab/events/node-spans';
import type { QuorumMessage, ZxidTrace } from '../../../src-main/lab/events/timeline';
import { roleColors } from './lab-format';
import { isHeartbeat, packetColor } from './lab-packets';
import { laneY, plotArea, ticks, tickLabel, xOf, type PlotArea, type Viewport } from './lab-timeline-scale';
import { binnedByColor, segmentsByColor, type Segment } from './lab-timeline-segments';

export interface Lane {
  id: number;
  /** The server's role now, for the label in the gutter. */
  role: LabRole;
}

export interface TimelineScene {
  lanes: readonly Lane[];
  messages: readonly QuorumMessage[];
  showHeartbeats: boolean;
  roles: readonly RoleSpan[];
  epochs: readonly EpochSpan[];
  faults: readonly { at: number; label: string }[];
  trace: ZxidTrace | null;
}

/** What changes between frames without the data changing. */
export interface TimelineOverlay {
  hovered: QuorumMessage | null;
  /** Where spans still open (a role held now) end. */
  liveEdgeUs: number;
}

const zabRoleColors: Record<ZabRole, string> = {
  LEADING: roleColors.leader,
  FOLLOWING: roleColors.follower,
  OBSERVING: roleColors.observer,
  LOOKING: roleColors.looking,
};
const epochTints = ['rgba(47, 111, 219, 0.07)', 'rgba(224, 118, 27, 0.08)', 'rgba(30, 154, 85, 0.08)', 'rgba(142, 68, 173, 0.07)'];

/** Paints the whole scene; returns how many arrows it drew. */
export function drawTimeline(
  ctx: CanvasRenderingContext2D,
  size: { width: number; height: number },
  view: Viewport,
  scene: TimelineScene,
  overlay: TimelineOverlay,
): number {
  const { width, height } = size;
  const area = plotArea(width, height, scene.lanes.length);
  const laneIndex = new Map(scene.lanes.map((l, i) => [l.id, i]));
  ctx.clearRect(0, 0, width, height);
  ctx.font = '11px system-ui, sans-serif';
  drawLanes(ctx, area, scene.lanes, width);
  ctx.save();
  ctx.beginPath();
  ctx.rect(area.left, 0, area.width, height);
  ctx.clip();
  drawSpans(ctx, area, view, scene, laneIndex, overlay.liveEdgeUs);
  drawAxis(ctx, area, view);
  drawFaults(ctx, area, view, scene.faults);
  const visible = visibleMessages(scene, view);
  // Zoomed out, arrows pile up: fainter strokes let the colours mix instead of the last one winning.
  const density = visible.length / area.width;
  ctx.globalAlpha = (scene.trace ? 0.16 : 1) * Math.min(1, Math.max(0.12, 1 / Math.sqrt(density * 2)));
  drawMessages(ctx, area, view, laneIndex, visible, 1.2, density < 0.5);
  ctx.globalAlpha = 1;
  if (scene.trace) drawTrace(ctx, area, view, laneIndex, scene.trace);
  if (overlay.hovered) drawMessages(ctx, area, view, laneIndex, [overlay.hovered], 3, true);
  ctx.restore();
  return visible.length;
}

/** The messages inside the window the user chose to see. */
export function visibleMessages(scene: Pick<TimelineScene, 'messages' | 'showHeartbeats'>, view: Viewport): QuorumMessage[] {
  const out: QuorumMessage[] = [];
  for (const m of scene.messages) {
    if (m.sentAt > view.toUs || (m.receivedAt ?? m.sentAt) < view.fromUs) continue;
    if (!scene.showHeartbeats && isHeartbeat(m.packet)) continue;
    out.push(m);
  }
  return out;
}

function drawLanes(ctx: CanvasRenderingContext2D, area: PlotArea, lanes: readonly Lane[], width: number): void {
  lanes.forEach((lane, i) => {
    const top = area.top + i * area.laneHeight;
    ctx.fillStyle = i % 2 ? '#fafbfc' : '#ffffff';
    ctx.fillRect(0, top, width, area.laneHeight);
    ctx.strokeStyle = '#e3e6ea';
    ctx.beginPath();
    ctx.moveTo(0, top + area.laneHeight + 0.5);
    ctx.lineTo(width, top + area.laneHeight + 0.5);
    ctx.stroke();
    const y = laneY(area, i);
    ctx.fillStyle = '#1c2230';
    ctx.font = '600 12px system-ui, sans-serif';
    ctx.fillText(`server ${lane.id}`, 12, y - 2);
    ctx.fillStyle = roleColors[lane.role];
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillText(lane.role, 12, y + 12);
    ctx.strokeStyle = '#d5dae0';
    ctx.setLineDash([2, 4]);
    ctx.beginPath();
    ctx.moveTo(area.left, y);
    ctx.lineTo(area.left + area.width, y);
    ctx.stroke();
    ctx.setLineDash([]);
  });
}

function drawSpans(
  ctx: CanvasRenderingContext2D,
  area: PlotArea,
  view: Viewport,
  scene: TimelineScene,
  laneIndex: Map<number, number>,
  liveEdgeUs: number,
): void {
  for (const s of scene.epochs) {
    const i = laneIndex.get(s.node);
    if (i === undefined) continue;
    const x0 = Math.max(area.left, xOf(view, area, s.start));
    const x1 = Math.min(area.left + area.width, xOf(view, area, s.end ?? liveEdgeUs));
    if (x1 <= x0) continue;
    const top = area.top + i * area.laneHeight;
    ctx.fillStyle = epochTints[s.epoch % epochTints.length];
    ctx.fillRect(x0, top + 4, x1 - x0, area.laneHeight - 4);
    const label = `epoch ${s.epoch}`;
    if (ctx.measureText(label).width + 8 > x1 - x0) continue;
    ctx.fillStyle = '#8b93a1';
    ctx.fillText(label, x0 + 4, top + area.laneHeight - 5);
  }
  for (const s of scene.roles) {
    const i = laneIndex.get(s.node);
    if (i === undefined) continue;
    const x0 = xOf(view, area, s.start);
    const x1 = xOf(view, area, s.end ?? liveEdgeUs);
    ctx.fillStyle = zabRoleColors[s.role];
    ctx.fillRect(x0, area.top + i * area.laneHeight + 1, Math.max(1, x1 - x0), 3);
  }
}

function drawAxis(ctx: CanvasRenderingContext2D, area: PlotArea, view: Viewport): void {
  const { step, at } = ticks(view, area);
  ctx.strokeStyle = '#eef0f3';
  ctx.fillStyle = '#576070';
  for (const t of at) {
    const x = Math.round(xOf(view, area, t)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, area.top);
    ctx.lineTo(x, area.top + area.height);
    ctx.stroke();
    ctx.fillText(tickLabel(t, step), x + 3, 15);
  }
}

/** Fault bands across every lane; their labels take the first of three rows where they fit, else none. */
function drawFaults(ctx: CanvasRenderingContext2D, area: PlotArea, view: Viewport, faults: TimelineScene['faults']): void {
  const rowEnds = [-Infinity, -Infinity, -Infinity];
  ctx.font = '600 11px system-ui, sans-serif';
  for (const f of [...faults].sort((a, b) => a.at - b.at)) {
    const x = xOf(view, area, f.at);
    if (x < area.left - 200 || x > area.left + area.width) continue;
    ctx.fillStyle = 'rgba(194, 65, 58, 0.16)';
    ctx.fillRect(x - 2, area.top, 4, area.height);
    const width = ctx.measureText(f.label).width;
    // Near the right edge the label goes to the left of its band.
    const left = x + 5 + width > area.left + area.width ? x - 5 - width : x + 5;
    const row = rowEnds.findIndex((end) => left > end + 6);
    if (row < 0) continue;
    rowEnds[row] = left + width;
    ctx.fillStyle = '#b23a34';
    ctx.fillText(f.label, left, area.top + 13 + row * 13);
  }
  ctx.font = '11px system-ui, sans-serif';
}

function drawMessages(
  ctx: CanvasRenderingContext2D,
  area: PlotArea,
  view: Viewport,
  laneIndex: Map<number, number>,
  messages: readonly QuorumMessage[],
  lineWidth: number,
  heads: boolean,
): void {
  // More arrows than pixels across: one arrow per bin of look-alikes, so the cost follows the width, not the load.
  const byColor = messages.length > area.width ? binnedByColor(messages, area, view, laneIndex) : segmentsByColor(messages, area, view, laneIndex);
  ctx.lineWidth = lineWidth;
  for (const [color, segments] of byColor) {
    ctx.strokeStyle = color;
    ctx.beginPath();
    for (const s of segments) addArrow(ctx, s, heads ? 3 + lineWidth * 2 : 0);
    ctx.stroke();
  }
  ctx.lineWidth = 1;
}

function addArrow(ctx: CanvasRenderingContext2D, s: Segment, head: number): void {
  ctx.moveTo(s.x1, s.y1);
  ctx.lineTo(s.x2, s.y2);
  if (s.lost) {
    // A cross where the packet was lost.
    ctx.moveTo(s.x2 - 3, s.y2 - 3);
    ctx.lineTo(s.x2 + 3, s.y2 + 3);
    ctx.moveTo(s.x2 + 3, s.y2 - 3);
    ctx.lineTo(s.x2 - 3, s.y2 + 3);
    return;
  }
  if (head === 0) return;
  const angle = Math.atan2(s.y2 - s.y1, s.x2 - s.x1);
  for (const side of [-1, 1]) {
    ctx.moveTo(s.x2, s.y2);
    ctx.lineTo(s.x2 - head * Math.cos(angle + side * 0.45), s.y2 - head * Math.sin(angle + side * 0.45));
  }
}

/** One zxid's life drawn over the dimmed rest: its packets bold, the proposal, quorum and commit marked. */
function drawTrace(ctx: CanvasRenderingContext2D, area: PlotArea, view: Viewport, laneIndex: Map<number, number>, trace: ZxidTrace): void {
  drawMessages(ctx, area, view, laneIndex, [...trace.proposals, ...trace.acks, ...trace.commits], 2.4, true);
  const leaderLane = trace.leader === null ? undefined : laneIndex.get(trace.leader);
  if (leaderLane === undefined) return;
  const y = laneY(area, leaderLane);
  const mark = (at: number | null, label: string, color: string, above: boolean): void => {
    if (at === null) return;
    const x = xOf(view, area, at);
    ctx.fillStyle = color;
    ctx.beginPath();
    ctx.moveTo(x, y - 6);
    ctx.lineTo(x + 6, y);
    ctx.lineTo(x, y + 6);
    ctx.lineTo(x - 6, y);
    ctx.closePath();
    ctx.fill();
    ctx.font = '600 11px system-ui, sans-serif';
    ctx.fillText(label, x + 8, above ? y - 8 : y + 16);
  };
  mark(trace.proposedAt, 'propose', packetColor('PROPOSAL'), true);
  mark(trace.quorumAt, 'quorum', '#c2413a', false);
  mark(trace.committedAt, 'commit', packetColor('COMMIT'), true);
  ctx.fillStyle = '#1c2230';
  for (const a of trace.applied) {
    const lane = laneIndex.get(a.node);
    if (lane === undefined) continue;
    ctx.fillRect(xOf(view, area, a.at) - 1, laneY(area, lane) - 8, 2, 16);
  }
  ctx.font = '11px system-ui, sans-serif';
}
