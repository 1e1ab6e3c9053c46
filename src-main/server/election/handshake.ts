// QuorumCnxManager's connection handshake on the election port: whoever connects first writes an
// initial message (protocol version, its sid, its election address(es)); the receiver reads it and
// keeps the connection only if the connecting sid is higher, so between two servers exactly one
// connection survives, the one from the higher sid to the lower.

import { ElectionWireError } from './notification-codec';

/** Sent by default since 3.5 (ZOOKEEPER-107): one `host:port` election address. */
export const PROTOCOL_VERSION_V1 = -65536n;
/** Sent when multiAddress.enabled=true (ZOOKEEPER-3188, 3.6): addresses joined with '|'. */
export const PROTOCOL_VERSION_V2 = -65535n;
/** QuorumPeer.OBSERVER_ID: an observer without a configured id; receivers assign it a negative one. */
export const OBSERVER_ID = (1n << 63n) - 1n;
/** QuorumCnxManager.maxBuffer: the longest address text a receiver accepts. */
export const MAX_ADDRESS_BYTES = 2048;

export interface InitialMessage {
  /** V1, V2, or null for a pre-3.5 peer that sent only its sid. */
  protocolVersion: bigint | null;
  sid: bigint;
  /** host:port strings as sent, minus wildcard addresses (which the receiver drops). */
  addresses: string[];
}

/** The bytes startConnection writes: version, sid, then the address text with its length. */
export function encodeInitialMessage(sid: bigint | number, addresses: readonly string[],
  protocolVersion: bigint = PROTOCOL_VERSION_V1): Buffer {
  if (protocolVersion === PROTOCOL_VERSION_V1 && addresses.length !== 1) {
    throw new Error('protocol version 1 carries exactly one election address');
  }
  const text = Buffer.from(addresses.join('|'), 'utf8');
  const b = Buffer.allocUnsafe(20 + text.length);
  b.writeBigInt64BE(protocolVersion, 0);
  b.writeBigInt64BE(BigInt(sid), 8);
  b.writeInt32BE(text.length, 16);
  text.copy(b, 20);
  return b;
}

/** NetUtils.formatInetAddr: IPv6 hosts in brackets. */
export const formatAddress = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

const isWildcard = (host: string) => host === '0.0.0.0' || host === '::' || /^(0:){7}0$/.test(host) || host === '[::]';

/** ConfigUtils.getHostAndPort: `[v6]:port` or `host:port`; anything else is badly formed. */
function splitHostPort(addr: string): [string, number] {
  let host: string;
  let rest: string[];
  if (addr.startsWith('[')) {
    const close = addr.indexOf(']');
    if (close < 0) throw new ElectionWireError(`Badly formed address: ${addr}`);
    host = addr.slice(1, close);
    rest = addr.slice(close + 1).split(':').slice(1);
  } else {
    [host, ...rest] = addr.split(':');
  }
  if (rest.length !== 1) throw new ElectionWireError(`Badly formed address: ${addr}`);
  if (!/^\d+$/.test(rest[0])) throw new ElectionWireError(`Bad port number: ${rest[0]}`);
  return [host, Number(rest[0])];
}

/**
 * Reads the initial message off the front of a connection's byte stream, as handleConnection and
 * InitialMessage.parse do; feed it chunks until it returns a message. The bytes after the message
 * (notification frames) are in `rest`.
 */
export class InitialMessageReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): { message: InitialMessage; rest: Buffer } | null {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const b = this.pending;
    if (b.length < 8) return null;
    const first = b.readBigInt64BE(0);
    if (first >= 0n) return { message: { protocolVersion: null, sid: first, addresses: [] }, rest: b.subarray(8) };
    if (first !== PROTOCOL_VERSION_V1 && first !== PROTOCOL_VERSION_V2) {
      throw new ElectionWireError(`Got unrecognized protocol version ${first}`);
    }
    if (b.length < 20) return null;
    const sid = b.readBigInt64BE(8);
    const remaining = b.readInt32BE(16);
    if (remaining <= 0 || remaining > MAX_ADDRESS_BYTES) throw new ElectionWireError(`Unreasonable buffer length: ${remaining}`);
    if (b.length < 20 + remaining) return null;
    const addresses: string[] = [];
    for (const addr of b.toString('utf8', 20, 20 + remaining).split('|')) {
      const [host] = splitHostPort(addr);
      if (!isWildcard(host)) addresses.push(addr);
    }
    return { message: { protocolVersion: first, sid, addresses }, rest: b.subarray(20 + remaining) };
  }
}

/**
 * What a server does with a fresh election connection to or from `peerSid` (the "challenge"):
 * the side that opened it keeps it only when it has the higher sid; the side that accepted it
 * keeps it only when the peer's sid is higher, and otherwise closes it and connects back.
 */
export function connectionVerdict(mySid: bigint | number, peerSid: bigint | number, openedByMe: boolean):
  'keep' | 'close' | 'close-and-connect-back' | 'reject-own-id' {
  const me = BigInt(mySid);
  const peer = BigInt(peerSid);
  if (openedByMe) return peer > me ? 'close' : 'keep';
  if (peer === me) return 'reject-own-id';
  return peer < me ? 'close-and-connect-back' : 'keep';
}
