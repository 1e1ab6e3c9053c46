// Fast Leader Election: the pure state machine, its events, and the wire codecs a TCP shell uses.

export { FastLeaderElection, type ElectionDecision, type ElectionOptions, type ElectionOutput, type OutgoingNotification, type PeerFacts } from './fast-leader-election';
export { type ElectionEvent, type ElectionEventType } from './election-events';
export {
  ElectionWireError, FrameReader, MAX_FRAME, NOTIFICATION_VERSION, decodeNotification, encodeFrame, encodeNotification, type NotificationMessage,
} from './notification-codec';
export {
  InitialMessageReader, MAX_ADDRESS_BYTES, OBSERVER_ID, PROTOCOL_VERSION_V1, PROTOCOL_VERSION_V2, connectionVerdict, encodeInitialMessage,
  formatAddress, type InitialMessage,
} from './handshake';
export { QuorumMaj, configVersion, quorumConfigText } from './quorum';
export { LONG_MIN, ServerState, beats, hex, makeVote, sameVote, stateName, type Vote } from './vote';
