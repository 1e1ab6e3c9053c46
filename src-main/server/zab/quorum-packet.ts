// The packets ZAB servers exchange on the quorum port: QuorumPacket from zookeeper.jute
// (int type, long zxid, buffer data, vector<Id> authinfo), written back to back on the stream with
// no outer length prefix, exactly as BinaryOutputArchive.writeRecord puts them on the socket.

import type { Id } from '../../protocol';
import type { EventFields } from '../events';
import { epochOf, hexZxid } from './zxid';

/** Leader.java's packet types, with ZooKeeper's numbers. */
export const PacketType = {
  REQUEST: 1,
  PROPOSAL: 2,
  ACK: 3,
  COMMIT: 4,
  PING: 5,
  REVALIDATE: 6,
  SYNC: 7,
  INFORM: 8,
  COMMITANDACTIVATE: 9,
  NEWLEADER: 10,
  FOLLOWERINFO: 11,
  UPTODATE: 12,
  DIFF: 13,
  TRUNC: 14,
  SNAP: 15,
  OBSERVERINFO: 16,
  LEADERINFO: 17,
  ACKEPOCH: 18,
  INFORMANDACTIVATE: 19,
} as const;

export type PacketTypeName = keyof typeof PacketType;
export type PacketTypeValue = (typeof PacketType)[PacketTypeName];

const namesByType = new Map<number, string>(Object.entries(PacketType).map(([name, type]) => [type, name]));

/** Leader.getPacketType: the name, or UNKNOWN for a type no server sends. */
export const packetTypeName = (type: number): string => namesByType.get(type) ?? 'UNKNOWN';

export interface QuorumPacket {
  type: number;
  zxid: bigint;
  data: Buffer | null;
  authinfo: Id[] | null;
}

export const packet = (type: number, zxid: bigint, data: Buffer | null = null, authinfo: Id[] | null = null): QuorumPacket =>
  ({ type, zxid, data, authinfo });

export class QuorumWireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuorumWireError';
  }
}

/** jute.maxbuffer's default: BinaryInputArchive refuses a longer buffer or string. */
export const DEFAULT_MAX_BUFFER = 0xfffff;

function idBytes(id: Id): number {
  return 8 + Buffer.byteLength(id.scheme, 'utf8') + Buffer.byteLength(id.id, 'utf8');
}

/** The encoded size of a packet (LearnerHandler.packetSize approximates it; this is exact). */
export function encodedSize(p: QuorumPacket): number {
  let n = 4 + 8 + 4 + (p.data?.length ?? 0) + 4;
  if (p.authinfo) for (const id of p.authinfo) n += idBytes(id);
  return n;
}

export function encodeQuorumPacket(p: QuorumPacket): Buffer {
  const b = Buffer.allocUnsafe(encodedSize(p));
  encodeInto(p, b, 0);
  return b;
}

/** Several packets in one buffer, for one socket write (LearnerHandler's sender batches the same way). */
export function encodeQuorumPackets(ps: readonly QuorumPacket[]): Buffer {
  let size = 0;
  for (const p of ps) size += encodedSize(p);
  const b = Buffer.allocUnsafe(size);
  let at = 0;
  for (const p of ps) at = encodeInto(p, b, at);
  return b;
}

function encodeInto(p: QuorumPacket, b: Buffer, start: number): number {
  let at = b.writeInt32BE(p.type, start);
  at = b.writeBigInt64BE(BigInt.asIntN(64, p.zxid), at);
  if (p.data === null) {
    at = b.writeInt32BE(-1, at);
  } else {
    at = b.writeInt32BE(p.data.length, at);
    at += p.data.copy(b, at);
  }
  if (p.authinfo === null) return b.writeInt32BE(-1, at);
  at = b.writeInt32BE(p.authinfo.length, at);
  for (const id of p.authinfo) {
    for (const s of [id.scheme, id.id]) {
      const n = Buffer.byteLength(s, 'utf8');
      at = b.writeInt32BE(n, at);
      at += b.write(s, at, 'utf8');
    }
  }
  return at;
}

export interface DecodeLimits {
  /** Longest data buffer or authinfo string accepted (jute.maxbuffer). */
  maxBuffer?: number;
  /** Longest SNAP data accepted: ZooLab carries the snapshot there (see payloads.ts). */
  maxSnapshot?: number;
}

/**
 * Decodes one packet at `offset`. Returns null when the bytes stop before the packet does (wait
 * for more), and throws QuorumWireError for what BinaryInputArchive refuses: a negative length
 * other than -1, or a buffer longer than the limit.
 */
export function decodeQuorumPacketAt(buf: Buffer, offset: number, limits: DecodeLimits = {}): { packet: QuorumPacket; end: number } | null {
  const maxBuffer = limits.maxBuffer ?? DEFAULT_MAX_BUFFER;
  let at = offset;
  const has = (n: number) => at + n <= buf.length;
  const length = (what: string, max: number): number | null => {
    if (!has(4)) return null;
    const n = buf.readInt32BE(at);
    if (n < -1) throw new QuorumWireError(`Unreasonable length = ${n} for ${what} at offset ${at}`);
    if (n > max) throw new QuorumWireError(`${what} of ${n} bytes exceeds the limit of ${max}`);
    at += 4;
    return n;
  };

  if (!has(12)) return null;
  const type = buf.readInt32BE(at);
  const zxid = buf.readBigInt64BE(at + 4);
  at += 12;
  const dataLength = length('data', type === PacketType.SNAP ? limits.maxSnapshot ?? Number.MAX_SAFE_INTEGER : maxBuffer);
  if (dataLength === null) return null;
  let data: Buffer | null = null;
  if (dataLength >= 0) {
    if (!has(dataLength)) return null;
    data = Buffer.from(buf.subarray(at, at + dataLength));
    at += dataLength;
  }
  const count = length('authinfo', maxBuffer);
  if (count === null) return null;
  let authinfo: Id[] | null = null;
  if (count >= 0) {
    authinfo = [];
    for (let i = 0; i < count; i++) {
      const parts: string[] = [];
      for (const what of ['authinfo scheme', 'authinfo id']) {
        const n = length(what, maxBuffer);
        if (n === null) return null;
        if (n < 0) throw new QuorumWireError(`null ${what} in authinfo ${i}`);
        if (!has(n)) return null;
        parts.push(buf.toString('utf8', at, at + n));
        at += n;
      }
      authinfo.push({ scheme: parts[0], id: parts[1] });
    }
  }
  return { packet: { type, zxid, data, authinfo }, end: at };
}

/** Decodes exactly one packet; trailing or missing bytes are an error. */
export function decodeQuorumPacket(buf: Buffer, limits?: DecodeLimits): QuorumPacket {
  const r = decodeQuorumPacketAt(buf, 0, limits);
  if (r === null) throw new QuorumWireError(`truncated quorum packet: ${buf.length} bytes`);
  if (r.end !== buf.length) throw new QuorumWireError(`${buf.length - r.end} trailing bytes after a quorum packet`);
  return r.packet;
}

/** Splits a quorum connection's byte stream into packets as chunks arrive. */
export class QuorumPacketReader {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly limits: DecodeLimits = {}) {}

  /** Bytes received but not yet a whole packet. */
  get buffered(): number {
    return this.pending.length;
  }

  push(chunk: Buffer): QuorumPacket[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const out: QuorumPacket[] = [];
    let at = 0;
    for (;;) {
      const r = decodeQuorumPacketAt(this.pending, at, this.limits);
      if (r === null) break;
      out.push(r.packet);
      at = r.end;
    }
    this.pending = this.pending.subarray(at);
    return out;
  }
}

/** The fields of an event-log line for a packet sent or received (the shell adds peer and direction). */
export function packetFields(p: QuorumPacket): EventFields {
  return { packet: packetTypeName(p.type), zxid: hexZxid(p.zxid), epoch: p.zxid < 0n ? -1 : Number(epochOf(p.zxid)), size: encodedSize(p) };
}

/** LearnerHandler.packetToString: the type, the zxid and what the data holds, in one line. */
export function describePacket(p: QuorumPacket): string {
  const size = p.data ? ` ${p.data.length}B` : '';
  return `${packetTypeName(p.type)} ${hexZxid(p.zxid)}${size}`;
}
