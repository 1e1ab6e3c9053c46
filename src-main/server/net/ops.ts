// Which client frames the server accepts, judged from their first bytes, as ZooKeeper 3.8 judges them.

import { OpCode, isKnownOp, opName } from '../../protocol';

/** ZooKeeper's Request.isValid plus auth and sasl, which it handles before that check. */
export function isServerOp(type: number): boolean {
  return isKnownOp(type) && type !== OpCode.notification && type !== OpCode.error;
}

/** A first frame that is a client request rather than a ConnectRequest (whose first int, protocolVersion, is 0). */
export function requestBeforeHandshake(frame: Buffer): string | null {
  if (frame.length < 8) return null;
  const xid = frame.readInt32BE(0);
  const type = frame.readInt32BE(4);
  if (xid === 0 || !isServerOp(type)) return null;
  return `a ${opName(type)} request (xid ${xid}) arrived before the session handshake`;
}

// jute size of a ConnectRequest up to and including its password's length field.
const CONNECT_REQUEST_FIXED = 4 + 8 + 4 + 8 + 4;

/** A client older than 3.4 ends its ConnectRequest after the password, without the readOnly flag. */
export function sentNoReadOnlyFlag(frame: Buffer, passwordLength: number): boolean {
  return frame.length <= CONNECT_REQUEST_FIXED + passwordLength;
}

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Run a maybe-async call; a synchronous answer is handled synchronously (no extra tick on the hot path). */
export function settle<T>(run: () => T | Promise<T>, ok: (v: T) => void, fail: (e: unknown) => void): void {
  let result: T | Promise<T>;
  try {
    result = run();
  } catch (e) {
    fail(e);
    return;
  }
  if (result instanceof Promise) result.then(ok, fail);
  else ok(result);
}
