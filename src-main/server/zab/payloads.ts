// What the data buffer of each quorum packet holds, as Learner, LearnerHandler and Leader write it
// with DataOutputStream / ByteBuffer (big-endian) or jute:
//   FOLLOWERINFO/OBSERVERINFO  LearnerInfo (long serverid, int protocolVersion, long configVersion)
//   LEADERINFO                 int protocolVersion (0x10000)
//   ACKEPOCH                   int currentEpoch, or -1 when the epoch was already accepted
//   PING learner -> leader     (long sessionId, int timeout)* : the sessions touched since the last ping
//   REQUEST                    long sessionId, int cxid, int type, then the request's own bytes
//   REVALIDATE learner->leader long sessionId, int timeout; leader->learner long sessionId, bool valid
//   COMMITANDACTIVATE          long designated leader; INFORMANDACTIVATE the same, then the txn
//   NEWLEADER                  the quorum verifier's text (UTF-8), or nothing
// One deliberate difference: ZooKeeper streams the snapshot after a data-less SNAP packet; ZooLab
// puts it in SNAP's data, so that a reader can split the stream without parsing a snapshot.

import { QuorumWireError } from './quorum-packet';

/** The Zab 1.0 protocol version learners and leaders announce. */
export const PROTOCOL_VERSION = 0x10000;

export interface LearnerInfo {
  serverId: bigint;
  protocolVersion: number;
  configVersion: bigint;
}

export function encodeLearnerInfo(li: LearnerInfo): Buffer {
  const b = Buffer.allocUnsafe(20);
  b.writeBigInt64BE(li.serverId, 0);
  b.writeInt32BE(li.protocolVersion, 8);
  b.writeBigInt64BE(li.configVersion, 12);
  return b;
}

/**
 * As LearnerHandler reads it: 8 bytes give the sid, 12 the protocol version, 20 the config
 * version; a pre-3.4 learner sends less, and what is missing reads as version 0 / config -1.
 */
export function decodeLearnerInfo(data: Buffer | null): LearnerInfo | null {
  if (data === null || data.length < 8) return null;
  return {
    serverId: data.readBigInt64BE(0),
    protocolVersion: data.length >= 12 ? data.readInt32BE(8) : 0,
    configVersion: data.length >= 20 ? data.readBigInt64BE(12) : -1n,
  };
}

export function encodeInt(v: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeInt32BE(v, 0);
  return b;
}

/** The int at the start of LEADERINFO's or ACKEPOCH's data. */
export function decodeInt(data: Buffer | null, what: string): number {
  if (data === null || data.length < 4) throw new QuorumWireError(`${what} needs a 4-byte int, got ${data?.length ?? 'no'} bytes`);
  return data.readInt32BE(0);
}

/** ACKEPOCH carries the epoch as a Java int: Learner casts currentEpoch with (int). */
export const ackEpochData = (currentEpoch: bigint | -1): Buffer => encodeInt(currentEpoch === -1 ? -1 : Number(BigInt.asIntN(32, currentEpoch)));

export interface SessionTouch {
  sessionId: bigint;
  timeout: number;
}

export function encodeTouches(touches: readonly SessionTouch[]): Buffer {
  const b = Buffer.allocUnsafe(12 * touches.length);
  touches.forEach((t, i) => {
    b.writeBigInt64BE(t.sessionId, 12 * i);
    b.writeInt32BE(t.timeout, 12 * i + 8);
  });
  return b;
}

/** LearnerHandler reads (long, int) pairs while bytes remain; a ragged tail is a broken packet. */
export function decodeTouches(data: Buffer | null): SessionTouch[] {
  if (data === null) return [];
  if (data.length % 12 !== 0) throw new QuorumWireError(`PING data of ${data.length} bytes is not a list of (session, timeout) pairs`);
  const out: SessionTouch[] = [];
  for (let at = 0; at < data.length; at += 12) out.push({ sessionId: data.readBigInt64BE(at), timeout: data.readInt32BE(at + 8) });
  return out;
}

export interface ForwardedRequest {
  sessionId: bigint;
  cxid: number;
  /** The OpCode. */
  type: number;
  /** The client's request record, as it came off the client connection. */
  body: Buffer;
}

export function encodeRequest(r: ForwardedRequest): Buffer {
  const b = Buffer.allocUnsafe(16 + r.body.length);
  b.writeBigInt64BE(r.sessionId, 0);
  b.writeInt32BE(r.cxid, 8);
  b.writeInt32BE(r.type, 12);
  r.body.copy(b, 16);
  return b;
}

export function decodeRequest(data: Buffer | null): ForwardedRequest {
  if (data === null || data.length < 16) throw new QuorumWireError(`REQUEST needs at least 16 bytes, got ${data?.length ?? 'no'}`);
  return { sessionId: data.readBigInt64BE(0), cxid: data.readInt32BE(8), type: data.readInt32BE(12), body: Buffer.from(data.subarray(16)) };
}

export function encodeRevalidateRequest(sessionId: bigint, timeout: number): Buffer {
  const b = Buffer.allocUnsafe(12);
  b.writeBigInt64BE(sessionId, 0);
  b.writeInt32BE(timeout, 8);
  return b;
}

export function decodeRevalidateRequest(data: Buffer | null): SessionTouch {
  if (data === null || data.length < 12) throw new QuorumWireError(`REVALIDATE needs 12 bytes, got ${data?.length ?? 'no'}`);
  return { sessionId: data.readBigInt64BE(0), timeout: data.readInt32BE(8) };
}

export function encodeRevalidateReply(sessionId: bigint, valid: boolean): Buffer {
  const b = Buffer.allocUnsafe(9);
  b.writeBigInt64BE(sessionId, 0);
  b[8] = valid ? 1 : 0;
  return b;
}

export function decodeRevalidateReply(data: Buffer | null): { sessionId: bigint; valid: boolean } {
  if (data === null || data.length < 9) throw new QuorumWireError(`REVALIDATE reply needs 9 bytes, got ${data?.length ?? 'no'}`);
  return { sessionId: data.readBigInt64BE(0), valid: data[8] !== 0 };
}

/** Leader.buildInformAndActivePacket's data; COMMITANDACTIVATE's is the leader id alone. */
export function encodeActivate(designatedLeader: bigint, txn: Buffer | null = null): Buffer {
  const b = Buffer.allocUnsafe(8 + (txn?.length ?? 0));
  b.writeBigInt64BE(designatedLeader, 0);
  txn?.copy(b, 8);
  return b;
}

export function decodeActivate(data: Buffer | null): { designatedLeader: bigint; txn: Buffer } {
  if (data === null || data.length < 8) throw new QuorumWireError(`an ...ANDACTIVATE packet needs 8 bytes, got ${data?.length ?? 'no'}`);
  return { designatedLeader: data.readBigInt64BE(0), txn: Buffer.from(data.subarray(8)) };
}
