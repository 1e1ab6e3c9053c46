// StatPersisted: what the server stores per znode. The Stat a client sees is derived from it
// (DataNode.copyStat): dataLength and numChildren are computed, cversion is translated, and
// container/TTL markers in ephemeralOwner are hidden.

import type { Codec, Stat } from '../../protocol';
import { EphemeralKind, ephemeralKind } from './ephemeral-type';

export interface StatPersisted {
  czxid: bigint;
  mzxid: bigint;
  ctime: number;
  mtime: number;
  version: number;
  /** The number of child creations; the client sees creations + deletions (see toClientStat). */
  cversion: number;
  aversion: number;
  ephemeralOwner: bigint;
  pzxid: bigint;
}

export const StatPersistedCodec: Codec<StatPersisted> = {
  write(w, s) {
    w.writeLong(s.czxid).writeLong(s.mzxid).writeLong(s.ctime).writeLong(s.mtime);
    w.writeInt(s.version).writeInt(s.cversion).writeInt(s.aversion);
    w.writeLong(s.ephemeralOwner).writeLong(s.pzxid);
  },
  read(r) {
    return {
      czxid: r.readLong(), mzxid: r.readLong(), ctime: r.readLongNumber(), mtime: r.readLongNumber(),
      version: r.readInt(), cversion: r.readInt(), aversion: r.readInt(),
      ephemeralOwner: r.readLong(), pzxid: r.readLong(),
    };
  },
};

export function emptyStat(): StatPersisted {
  return { czxid: 0n, mzxid: 0n, ctime: 0, mtime: 0, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0n, pzxid: 0n };
}

/** DataTree.createStat: a new node's stat; cversion starts at 0. */
export function createStat(zxid: bigint, time: number, ephemeralOwner: bigint): StatPersisted {
  return { czxid: zxid, mzxid: zxid, ctime: time, mtime: time, version: 0, cversion: 0, aversion: 0, ephemeralOwner, pzxid: zxid };
}

export function copyStatPersisted(s: StatPersisted): StatPersisted {
  return { ...s };
}

/** DataNode.copyStat: the Stat sent to clients. */
export function toClientStat(s: StatPersisted, dataLength: number, numChildren: number, extendedTypesEnabled: boolean): Stat {
  return {
    czxid: s.czxid,
    mzxid: s.mzxid,
    ctime: s.ctime,
    mtime: s.mtime,
    version: s.version,
    // Persisted cversion counts creates; every child not present any more was also deleted once.
    cversion: (s.cversion * 2 - numChildren) | 0,
    aversion: s.aversion,
    ephemeralOwner: ephemeralKind(s.ephemeralOwner, extendedTypesEnabled) === EphemeralKind.NORMAL ? s.ephemeralOwner : 0n,
    dataLength,
    numChildren,
    pzxid: s.pzxid,
  };
}
