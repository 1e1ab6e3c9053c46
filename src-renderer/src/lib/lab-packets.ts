// Quorum packet types as the timeline colours them, grouped the way ZAB's phases use them:
// broadcast (PROPOSAL, ACK, COMMIT, INFORM), synchronisation, discovery, and the heartbeat.

export interface PacketGroup {
  label: string;
  color: string;
  packets: string[];
}

export const packetGroups: PacketGroup[] = [
  { label: 'PROPOSAL', color: '#2f6fdb', packets: ['PROPOSAL'] },
  { label: 'ACK', color: '#1e9a55', packets: ['ACK'] },
  { label: 'COMMIT', color: '#8e44ad', packets: ['COMMIT', 'COMMITANDACTIVATE'] },
  { label: 'INFORM', color: '#c774e8', packets: ['INFORM', 'INFORMANDACTIVATE'] },
  { label: 'NEWLEADER', color: '#e0761b', packets: ['NEWLEADER'] },
  { label: 'UPTODATE', color: '#c9a100', packets: ['UPTODATE'] },
  { label: 'DIFF / TRUNC / SNAP', color: '#0f9fb5', packets: ['DIFF', 'TRUNC', 'SNAP'] },
  { label: 'FOLLOWERINFO / LEADERINFO / ACKEPOCH', color: '#d63384', packets: ['FOLLOWERINFO', 'OBSERVERINFO', 'LEADERINFO', 'ACKEPOCH'] },
  { label: 'REQUEST', color: '#8d6e63', packets: ['REQUEST', 'REVALIDATE', 'SYNC'] },
  { label: 'PING', color: '#aab2bd', packets: ['PING'] },
];

const otherColor = '#34495e';
const colorOf = new Map(packetGroups.flatMap((g) => g.packets.map((p) => [p, g.color] as const)));

export function packetColor(packet: string): string {
  return colorOf.get(packet) ?? otherColor;
}

/** Heartbeats outnumber everything else by far; the timeline hides them unless asked. */
export function isHeartbeat(packet: string): boolean {
  return packet === 'PING';
}
