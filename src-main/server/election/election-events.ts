// What the election state machine reports for the event log: one event per notification sent or
// received, per vote or round change, per timeout and per decision, each with its reason.

import type { EventFields } from '../events';
import { hex, stateName, type Vote } from './vote';
import type { NotificationMessage } from './notification-codec';

export type ElectionEventType =
  | 'election.looking'
  | 'election.notification.sent'
  | 'election.notification.received'
  | 'election.ignored'
  | 'election.vote'
  | 'election.quorum'
  | 'election.finalize.abort'
  | 'election.timeout'
  | 'election.decision'
  | 'election.vote.epoch';

export interface ElectionEvent {
  type: ElectionEventType;
  fields: EventFields;
}

/** Longs as JSON: zxids in ZooKeeper's hex, sids and epochs as numbers (observers' Long.MIN_VALUE stays hex). */
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const num = (n: bigint): number | string => (n >= MIN_SAFE && n <= MAX_SAFE ? Number(n) : hex(n));

export function voteFields(v: Pick<Vote, 'leader' | 'zxid' | 'peerEpoch'> & { electionEpoch?: bigint }): EventFields {
  const f: EventFields = { leader: num(v.leader), zxid: hex(v.zxid), peerEpoch: num(v.peerEpoch) };
  if (v.electionEpoch !== undefined) f.round = num(v.electionEpoch);
  return f;
}

export function notificationFields(n: Omit<NotificationMessage, 'version' | 'config'>): EventFields {
  return { state: stateName(n.state), ...voteFields(n) };
}
