// The bytes of a FastLeaderElection notification (FastLeaderElection.buildMsg / WorkerReceiver) and
// the length-prefixed frames QuorumCnxManager's SendWorker/RecvWorker put them in. Big-endian, as
// Java's ByteBuffer and DataOutputStream write.

import { ServerState } from './vote';

/** Notification.CURRENTVERSION: version 2 carries the sender's quorum config text. */
export const NOTIFICATION_VERSION = 2;
/** QuorumCnxManager.PACKETMAXSIZE: a longer frame breaks the connection. */
export const MAX_FRAME = 512 * 1024;

export interface NotificationMessage {
  state: ServerState;
  leader: bigint;
  zxid: bigint;
  electionEpoch: bigint;
  peerEpoch: bigint;
  /** 0 for the 28- and 40-byte formats, else what the sender wrote (2 since 3.5). */
  version: number;
  /** The sender's QuorumVerifier.toString(), present from version 2 on. */
  config: string | null;
}

export class ElectionWireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ElectionWireError';
  }
}

/** Version 2: state, leader, zxid, electionEpoch, peerEpoch, version, config length, config bytes. */
export function encodeNotification(n: Omit<NotificationMessage, 'version'>): Buffer {
  const config = Buffer.from(n.config ?? '', 'utf8');
  const b = Buffer.allocUnsafe(44 + config.length);
  b.writeInt32BE(n.state, 0);
  b.writeBigInt64BE(n.leader, 4);
  b.writeBigInt64BE(n.zxid, 12);
  b.writeBigInt64BE(n.electionEpoch, 20);
  b.writeBigInt64BE(n.peerEpoch, 28);
  b.writeInt32BE(NOTIFICATION_VERSION, 36);
  b.writeInt32BE(config.length, 40);
  config.copy(b, 44);
  return b;
}

/**
 * Reads a notification as 3.8's WorkerReceiver does: 28 bytes is the pre-ZOOKEEPER-107 format (peer
 * epoch taken from the zxid), exactly 40 is the format without a version, otherwise a version
 * follows and from version 2 on a config. Trailing bytes are ignored. Throws ElectionWireError for
 * what ZooKeeper skips: short or truncated messages, a bad config length, an unknown state.
 */
export function decodeNotification(b: Buffer): NotificationMessage {
  const capacity = b.length;
  if (capacity < 28) throw new ElectionWireError(`short notification: ${capacity} bytes (at least 28)`);
  const need = (end: number) => {
    if (end > capacity) throw new ElectionWireError(`truncated notification: ${capacity} bytes, needs ${end}`);
  };
  const rawState = b.readInt32BE(0);
  const leader = b.readBigInt64BE(4);
  const zxid = b.readBigInt64BE(12);
  const electionEpoch = b.readBigInt64BE(20);
  let peerEpoch: bigint;
  let version = 0;
  let config: string | null = null;
  if (capacity === 28) {
    peerEpoch = zxid >> 32n;
  } else {
    need(36);
    peerEpoch = b.readBigInt64BE(28);
    if (capacity !== 40) {
      need(40);
      version = b.readInt32BE(36);
    }
  }
  if (version > 1) {
    need(44);
    const length = b.readInt32BE(40);
    if (length < 0 || length > capacity) {
      throw new ElectionWireError(`invalid config length ${length} in a ${capacity}-byte notification`);
    }
    need(44 + length);
    config = b.toString('utf8', 44, 44 + length);
  }
  if (rawState < ServerState.LOOKING || rawState > ServerState.OBSERVING) {
    throw new ElectionWireError(`unknown server state ${rawState} in notification`);
  }
  return { state: rawState as ServerState, leader, zxid, electionEpoch, peerEpoch, version, config };
}

/** One QuorumCnxManager frame: a 4-byte length, then the message. */
export function encodeFrame(payload: Buffer): Buffer {
  const b = Buffer.allocUnsafe(4 + payload.length);
  b.writeInt32BE(payload.length, 0);
  payload.copy(b, 4);
  return b;
}

/** Splits a byte stream into frames; a length outside 1..PACKETMAXSIZE breaks the stream, as RecvWorker does. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly maxFrame = MAX_FRAME) {}

  /** Bytes received but not yet a whole frame. */
  get buffered(): number {
    return this.pending.length;
  }

  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Buffer[] = [];
    let at = 0;
    while (this.pending.length - at >= 4) {
      const length = this.pending.readInt32BE(at);
      if (length <= 0 || length > this.maxFrame) {
        throw new ElectionWireError(`invalid election frame length ${length}`);
      }
      if (this.pending.length - at - 4 < length) break;
      frames.push(this.pending.subarray(at + 4, at + 4 + length));
      at += 4 + length;
    }
    this.pending = this.pending.subarray(at);
    return frames;
  }
}
