// The simulator's stand-in for a serialized data tree: the node's applied txns, as a jute vector
// of (long zxid, buffer txn). A real server sends its DataTree and sessions here instead.

import { JuteReader, JuteWriter } from '../../../protocol';
import type { LogEntry } from '../actions';

export function encodeEntries(entries: readonly LogEntry[]): Buffer {
  const w = new JuteWriter(64 + entries.length * 24);
  w.writeVector(entries, (ww, e) => ww.writeLong(e.zxid).writeBuffer(e.txn));
  return Buffer.from(w.toBuffer());
}

export function decodeEntries(bytes: Buffer): LogEntry[] {
  const r = new JuteReader(bytes);
  return r.readVector((rr) => ({ zxid: rr.readLong(), txn: rr.readBuffer() ?? Buffer.alloc(0) })) ?? [];
}
