// Which links a partition preset cuts, from who leads right now. Both presets keep the side that
// has a quorum together and cut every link (both ways) between it and the other side:
//   isolate-leader: the leader alone on the other side;
//   split-minority: a minority of the participants that holds the leader (so the old leader must
//     notice it lost its quorum and the majority elects a new one): the leader and the
//     lowest-id other participants, floor(n/2) of the n in all, i.e. 1 of 3 (the leader alone),
//     2 of 5, 3 of 7. Observers stay with the majority. Without a leader, the lowest ids.

import type { LabRole, PartitionPreset } from '../api/lab-types';

export interface PresetServer {
  id: number;
  peerType: 'participant' | 'observer';
  role: LabRole;
}

export interface PresetPlan {
  /** The servers cut off from the rest. */
  isolated: number[];
  /** Links to cut both ways, [a, b] with a < b. */
  cuts: Array<[number, number]>;
}

/** The plan, or a problem in words when the preset does not apply to these servers now. */
export function planPreset(preset: PartitionPreset, servers: readonly PresetServer[]): PresetPlan | string {
  const leader = servers.find((s) => s.role === 'leader');
  let isolated: number[];
  if (preset === 'isolate-leader') {
    if (!leader) return 'there is no leader to isolate right now';
    isolated = [leader.id];
  } else {
    const participants = servers.filter((s) => s.peerType === 'participant').map((s) => s.id).sort((a, b) => a - b);
    if (participants.length < 3) return `a split needs 3 or more participants; this lab has ${participants.length}`;
    const size = Math.floor(participants.length / 2);
    const first = leader && leader.peerType === 'participant' ? [leader.id] : [];
    isolated = [...first, ...participants.filter((id) => !first.includes(id))].slice(0, size);
  }
  const rest = servers.map((s) => s.id).filter((id) => !isolated.includes(id));
  if (rest.length === 0) return 'a lab of one server has no links to cut';
  const cuts = isolated.flatMap((x) => rest.map((y): [number, number] => (x < y ? [x, y] : [y, x])));
  return { isolated: [...isolated].sort((a, b) => a - b), cuts };
}
