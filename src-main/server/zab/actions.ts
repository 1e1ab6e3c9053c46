// What the ZAB machines ask of the shell around them. Every call returns an ordered list of
// actions; the shell performs them in that order. That order is the protocol's: an epoch written
// before the packet that acknowledges it, a log entry appended before the ACK that says it is
// on disk, a txn delivered before the snapshot that must contain it.

import type { OutgoingNotification } from '../election/fast-leader-election';
import type { EventFields } from '../events';
import type { ForwardedRequest, SessionTouch } from './payloads';
import type { QuorumPacket } from './quorum-packet';

export interface LogEntry {
  zxid: bigint;
  /** The txn as the leader proposed it (an encodeTxnEntry buffer); ZAB never looks inside. */
  txn: Buffer;
}

export type ZabAction =
  // --- the network ---
  /** A Fast Leader Election notification (encode with notification-codec). */
  | { kind: 'electionSend'; to: number; message: OutgoingNotification['message'] }
  /** Learner: open a quorum connection to `to` (replacing any); the packets that follow go on it. */
  | { kind: 'connectLeader'; to: number }
  | { kind: 'sendLeader'; packet: QuorumPacket }
  | { kind: 'closeLeader' }
  /** Leader: a packet on learner `to`'s connection (one FIFO queue per learner). */
  | { kind: 'sendLearner'; to: number; packet: QuorumPacket }
  /** Leader: SNAP with a snapshot of the state as of every `deliver` so far (which is at `zxid`). */
  | { kind: 'sendSnapshot'; to: number; zxid: bigint }
  | { kind: 'closeLearner'; to: number }
  // --- the disk: durable before the next action runs, except `append` (see `flush`) ---
  | { kind: 'setAcceptedEpoch'; epoch: bigint }
  | { kind: 'setCurrentEpoch'; epoch: bigint }
  /** Write to the txn log, not yet fsynced. */
  | { kind: 'append'; entry: LogEntry }
  /** fsync what was appended (group commit may merge several); report with onLogSynced(zxid). */
  | { kind: 'flush' }
  /** Drop every log entry above zxid, fsync the rest, reload the state up to it (ZKDatabase.truncateLog). */
  | { kind: 'truncate'; zxid: bigint }
  /** Replace the state with the leader's snapshot at zxid; the log continues after it. */
  | { kind: 'installSnapshot'; zxid: bigint; snapshot: Buffer }
  // --- the state ---
  /** A committed txn, in zxid order: apply it to the data tree. */
  | { kind: 'deliver'; entry: LogEntry }
  /** Back to LOOKING: apply every logged txn not applied yet (ZKDatabase.fastForwardDataBase). */
  | { kind: 'fastForward' }
  // --- the request pipeline and sessions ---
  /** Leader: a learner forwarded a client request; prep it and call propose. */
  | { kind: 'learnerRequest'; from: number; request: ForwardedRequest; authinfo: QuorumPacket['authinfo'] }
  /** Leader: sessions a learner's clients touched since its last ping. */
  | { kind: 'touchSessions'; from: number; touches: SessionTouch[] }
  /** Leader: a learner asks whether a session is valid; answer with revalidateReply. */
  | { kind: 'revalidateSession'; from: number; sessionId: bigint; timeout: number }
  /** Learner: the leader's answer to a REVALIDATE. */
  | { kind: 'sessionRevalidated'; sessionId: bigint; valid: boolean }
  /** Learner: the leader's SYNC: everything committed before the learner's sync request is delivered. */
  | { kind: 'syncDone' }
  /** The server starts or stops serving clients (after UPTODATE / on losing its leader or quorum). */
  | { kind: 'serving'; serving: boolean };

export interface ZabEvent {
  type: string;
  fields: EventFields;
  /** Typed details for checkers (the simulator's invariants). */
  data?: unknown;
}

export interface ZabOutput {
  actions: ZabAction[];
  events: ZabEvent[];
}

/** Where a machine collects its output during one call; the caller takes it at the end. */
export class Outbox {
  actions: ZabAction[] = [];
  events: ZabEvent[] = [];

  act(a: ZabAction): void {
    this.actions.push(a);
  }

  emit(type: string, fields: EventFields, data?: unknown): void {
    this.events.push(data === undefined ? { type, fields } : { type, fields, data });
  }

  take(): ZabOutput {
    const out = { actions: this.actions, events: this.events };
    this.actions = [];
    this.events = [];
    return out;
  }
}
