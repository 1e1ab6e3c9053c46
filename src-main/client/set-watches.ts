// The setWatches frames that re-register a session's watches on a new server.

import { JuteWriter } from '../protocol/jute';
import { OpCode, Xid } from '../protocol/opcodes';
import { RequestHeaderCodec, SetWatches2Codec, SetWatchesCodec } from '../protocol/records';
import type { WatchRegistry } from './watch-registry';

// Packets are kept under this size, as the Java client does (SET_WATCHES_MAX_LENGTH).
const MAX_BYTES = 128 * 1024;

type Lists = { data: string[]; exist: string[]; child: string[]; persistent: string[]; recursive: string[] };
const emptyLists = (): Lists => ({ data: [], exist: [], child: [], persistent: [], recursive: [] });

/** Frames asking the server to restore every watch, with events for changes after relativeZxid. */
export function setWatchesFrames(reg: WatchRegistry, relativeZxid: bigint, toServerPath: (p: string) => string): Buffer[] {
  if (reg.isEmpty()) return [];
  const paths = (table: Map<string, unknown>) => [...table.keys()].map(toServerPath);
  const all: Lists = {
    data: paths(reg.data), exist: paths(reg.exist), child: paths(reg.child),
    persistent: paths(reg.persistent), recursive: paths(reg.persistentRecursive),
  };
  // Servers before 3.6 know only setWatches; setWatches2 is used only when persistent watches need it.
  const v2 = all.persistent.length + all.recursive.length > 0;
  const batches: Lists[] = [];
  let batch = emptyLists();
  let size = 0;
  for (const key of Object.keys(all) as Array<keyof Lists>) {
    for (const p of all[key]) {
      const n = Buffer.byteLength(p) + 4;
      if (size + n > MAX_BYTES && size > 0) {
        batches.push(batch);
        batch = emptyLists();
        size = 0;
      }
      batch[key].push(p);
      size += n;
    }
  }
  batches.push(batch);
  return batches.map((b) => JuteWriter.frame((w) => {
    RequestHeaderCodec.write(w, { xid: Xid.setWatches, type: v2 ? OpCode.setWatches2 : OpCode.setWatches });
    const base = { relativeZxid, dataWatches: b.data, existWatches: b.exist, childWatches: b.child };
    if (v2) SetWatches2Codec.write(w, { ...base, persistentWatches: b.persistent, persistentRecursiveWatches: b.recursive });
    else SetWatchesCodec.write(w, base);
  }, MAX_BYTES + 1024));
}
