// Which servers each partition preset cuts off, for the shapes a lab can have.

import { describe, expect, it } from 'vitest';
import type { LabRole } from '../api/lab-types';
import { planPreset, type PresetServer } from './partition-presets';

/** Participants 1..n (leader as given, the rest followers), then observers. */
function servers(participants: number, leader: number | null, observers = 0): PresetServer[] {
  const role = (id: number): LabRole => (id === leader ? 'leader' : 'follower');
  return [
    ...Array.from({ length: participants }, (_, i) => ({ id: i + 1, peerType: 'participant' as const, role: role(i + 1) })),
    ...Array.from({ length: observers }, (_, i) => ({ id: participants + i + 1, peerType: 'observer' as const, role: 'observer' as const })),
  ];
}

describe('partition presets', () => {
  it('isolate-leader cuts every link of the leader, observers included', () => {
    expect(planPreset('isolate-leader', servers(3, 2, 1))).toEqual({ isolated: [2], cuts: [[1, 2], [2, 3], [2, 4]] });
    expect(planPreset('isolate-leader', servers(3, null))).toBe('there is no leader to isolate right now');
    expect(planPreset('isolate-leader', servers(1, 1))).toBe('a lab of one server has no links to cut');
  });

  it('split-minority cuts off floor(n/2) participants holding the leader: the leader alone of 3', () => {
    expect(planPreset('split-minority', servers(3, 3))).toEqual({ isolated: [3], cuts: [[1, 3], [2, 3]] });
    expect(planPreset('split-minority', servers(5, 4, 1))).toMatchObject({ isolated: [1, 4] });
    expect((planPreset('split-minority', servers(5, 4, 1)) as { cuts: unknown[] }).cuts).toHaveLength(2 * 4);
    expect(planPreset('split-minority', servers(7, 1))).toMatchObject({ isolated: [1, 2, 3] });
    expect(planPreset('split-minority', servers(5, null))).toMatchObject({ isolated: [1, 2] });
    expect(planPreset('split-minority', servers(1, 1, 2))).toBe('a split needs 3 or more participants; this lab has 1');
  });
});
