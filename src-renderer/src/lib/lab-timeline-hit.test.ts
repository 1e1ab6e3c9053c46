import { describe, expect, it } from 'vitest';
import type { QuorumMessage } from '../../../src-main/lab/events/timeline';
import type { TimelineScene } from './lab-timeline-draw';
import { messageAt } from './lab-timeline-hit';
import { laneY, plotArea, xOf } from './lab-timeline-scale';

const message = (packet: string, sentAt: number, receivedAt: number | null): QuorumMessage => ({
  from: 1, to: 2, packet, zxid: '0x100000001', epoch: 1, size: 40, sentAt, receivedAt,
});

describe('messageAt', () => {
  const proposal = message('PROPOSAL', 1000, 2000);
  const ping = message('PING', 1500, 1600);
  const scene: TimelineScene = {
    lanes: [{ id: 1, role: 'leader' }, { id: 2, role: 'follower' }],
    messages: [proposal, ping],
    showHeartbeats: false,
    roles: [],
    epochs: [],
    faults: [],
    trace: null,
  };
  const view = { fromUs: 0, toUs: 4000 };
  const area = plotArea(800, 300, 2);
  // Halfway along the PROPOSAL's arrow.
  const x = (xOf(view, area, 1000) + xOf(view, area, 2000)) / 2;
  const y = (laneY(area, 0) + laneY(area, 1)) / 2;

  it('finds the arrow under the pointer, and nothing a few pixels away', () => {
    expect(messageAt(scene, view, 800, 300, x + 1, y)).toBe(proposal);
    expect(messageAt(scene, view, 800, 300, x + 40, y)).toBeNull();
  });

  it('ignores hidden heartbeats', () => {
    const pingX = (xOf(view, area, 1500) + xOf(view, area, 1600)) / 2;
    expect(messageAt({ ...scene, messages: [ping] }, view, 800, 300, pingX, y)).toBeNull();
    expect(messageAt({ ...scene, messages: [ping], showHeartbeats: true }, view, 800, 300, pingX, y)).toBe(ping);
  });
});
