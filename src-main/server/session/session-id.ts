// How a ZooKeeper server names and secures sessions and settles their timeout
// (SessionTrackerImpl.initializeNextSessionId, ZooKeeperServer.generatePasswd and
// processConnectRequest's clamping).

import { CONTAINER_EPHEMERAL_OWNER } from '../tree/ephemeral-type';
import { JavaRandom } from './java-random';

/** ZooKeeperServer.superSecret, mixed into every session password's seed. */
const SUPER_SECRET = 0xb3415c00n;

/**
 * The first session id a server hands out: the server id in the top byte, then 40 bits of the
 * monotonic clock (ms), then 16 zero bits; later sessions count up from it.
 */
export function initializeNextSessionId(serverId: number | bigint, elapsedMs: number): bigint {
  let sid = BigInt.asUintN(64, BigInt(Math.trunc(elapsedMs)) << 24n) >> 8n;
  sid = BigInt.asIntN(64, sid | (BigInt(serverId) << 56n));
  // A session id equal to the container marker would make its ephemerals look like containers.
  if (sid === CONTAINER_EPHEMERAL_OWNER) sid++;
  return sid;
}

/** The 16-byte password a client must present to resume a session. */
export function generatePasswd(sessionId: bigint): Buffer {
  const out = Buffer.alloc(16);
  new JavaRandom(BigInt.asIntN(64, sessionId ^ SUPER_SECRET)).nextBytes(out);
  return out;
}

/** ZooKeeperServer.checkPasswd. */
export function checkPasswd(sessionId: bigint, passwd: Uint8Array): boolean {
  return sessionId !== 0n && Buffer.from(passwd).equals(generatePasswd(sessionId));
}

export interface TimeoutBounds {
  tickTime: number;
  /** -1 (the default) means 2 × tickTime. */
  minSessionTimeout?: number;
  /** -1 (the default) means 20 × tickTime. */
  maxSessionTimeout?: number;
}

export function sessionTimeoutBounds(b: TimeoutBounds): { min: number; max: number } {
  const min = b.minSessionTimeout === undefined || b.minSessionTimeout === -1 ? b.tickTime * 2 : b.minSessionTimeout;
  const max = b.maxSessionTimeout === undefined || b.maxSessionTimeout === -1 ? b.tickTime * 20 : b.maxSessionTimeout;
  return { min, max };
}

/** The timeout the server grants for a requested one: clamped to [min, max], min first. */
export function negotiateSessionTimeout(requested: number, b: TimeoutBounds): number {
  const { min, max } = sessionTimeoutBounds(b);
  let t = requested;
  if (t < min) t = min;
  if (t > max) t = max;
  return t;
}
