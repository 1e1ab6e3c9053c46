// The transaction records of zookeeper.jute (module org.apache.zookeeper.txn) and the log entry
// that carries them: TxnHeader, then the txn record chosen by the header's type, then an optional
// TxnDigest (Util.marshallTxnEntry / SerializeUtils.deserializeTxn).

import type { ACL, Codec } from '../../protocol';
import { ACLCodec, JuteReader, JuteWriter, OpCode } from '../../protocol';

export interface TxnHeader {
  clientId: bigint;
  cxid: number;
  zxid: bigint;
  time: number;
  type: number;
}

export interface TxnDigest {
  version: number;
  treeDigest: bigint;
}

export interface CreateTxn { path: string; data: Buffer | null; acl: ACL[]; ephemeral: boolean; parentCVersion: number }
export interface CreateTTLTxn { path: string; data: Buffer | null; acl: ACL[]; parentCVersion: number; ttl: number }
export interface CreateContainerTxn { path: string; data: Buffer | null; acl: ACL[]; parentCVersion: number }
export interface DeleteTxn { path: string }
export interface SetDataTxn { path: string; data: Buffer | null; version: number }
export interface CheckVersionTxn { path: string; version: number }
export interface SetACLTxn { path: string; acl: ACL[]; version: number }
export interface CreateSessionTxn { timeOut: number }
export interface CloseSessionTxn { paths2Delete: string[] }
export interface ErrorTxn { err: number }
/** One element of a MultiTxn: the sub-txn's type and its serialized record. */
export interface Txn { type: number; data: Buffer }

/** A txn record tagged with the op type that selects its shape (the header's type, or a Txn's). */
export type TxnRecord =
  | ({ type: typeof OpCode.create | typeof OpCode.create2 } & CreateTxn)
  | ({ type: typeof OpCode.createTTL } & CreateTTLTxn)
  | ({ type: typeof OpCode.createContainer } & CreateContainerTxn)
  | ({ type: typeof OpCode.delete | typeof OpCode.deleteContainer } & DeleteTxn)
  | ({ type: typeof OpCode.setData | typeof OpCode.reconfig } & SetDataTxn)
  | ({ type: typeof OpCode.check } & CheckVersionTxn)
  | ({ type: typeof OpCode.setACL } & SetACLTxn)
  | ({ type: typeof OpCode.createSession } & CreateSessionTxn)
  /** paths2Delete is null when zookeeper.closeSessionTxn.enabled=false: no record follows the header. */
  | { type: typeof OpCode.closeSession; paths2Delete: string[] | null }
  | ({ type: typeof OpCode.error } & ErrorTxn)
  | { type: typeof OpCode.multi; txns: TxnRecord[] };

const acls = {
  write: (w: JuteWriter, v: ACL[]) => w.writeVector(v, (ww, a) => ACLCodec.write(ww, a)),
  read: (r: JuteReader) => r.readVector((rr) => ACLCodec.read(rr)) as ACL[],
};

export const TxnHeaderCodec: Codec<TxnHeader> = {
  write(w, h) { w.writeLong(h.clientId).writeInt(h.cxid).writeLong(h.zxid).writeLong(h.time).writeInt(h.type); },
  read(r) { return { clientId: r.readLong(), cxid: r.readInt(), zxid: r.readLong(), time: r.readLongNumber(), type: r.readInt() }; },
};

export const TxnDigestCodec: Codec<TxnDigest> = {
  write(w, d) { w.writeInt(d.version).writeLong(d.treeDigest); },
  read(r) { return { version: r.readInt(), treeDigest: r.readLong() }; },
};

/** Writes the record part of a txn (no header). */
export function writeTxnRecord(w: JuteWriter, t: TxnRecord): void {
  switch (t.type) {
    case OpCode.create: case OpCode.create2:
      w.writeString(t.path).writeBuffer(t.data); acls.write(w, t.acl); w.writeBool(t.ephemeral).writeInt(t.parentCVersion); return;
    case OpCode.createTTL:
      w.writeString(t.path).writeBuffer(t.data); acls.write(w, t.acl); w.writeInt(t.parentCVersion).writeLong(t.ttl); return;
    case OpCode.createContainer:
      w.writeString(t.path).writeBuffer(t.data); acls.write(w, t.acl); w.writeInt(t.parentCVersion); return;
    case OpCode.delete: case OpCode.deleteContainer:
      w.writeString(t.path); return;
    case OpCode.setData: case OpCode.reconfig:
      w.writeString(t.path).writeBuffer(t.data).writeInt(t.version); return;
    case OpCode.check:
      w.writeString(t.path).writeInt(t.version); return;
    case OpCode.setACL:
      w.writeString(t.path); acls.write(w, t.acl); w.writeInt(t.version); return;
    case OpCode.createSession:
      w.writeInt(t.timeOut); return;
    case OpCode.closeSession:
      if (t.paths2Delete !== null) w.writeVector(t.paths2Delete, (ww, p) => ww.writeString(p));
      return;
    case OpCode.error:
      w.writeInt(t.err); return;
    case OpCode.multi:
      w.writeVector(t.txns, (ww, sub) => { ww.writeInt(sub.type); ww.writeBuffer(encodeTxnRecord(sub)); });
      return;
  }
}

export function encodeTxnRecord(t: TxnRecord): Buffer {
  const w = new JuteWriter(64);
  writeTxnRecord(w, t);
  return Buffer.from(w.toBuffer());
}

export class TxnDecodeError extends Error {}

/** Reads the record selected by `type`; a multi's sub-records are decoded too. */
export function readTxnRecord(r: JuteReader, type: number): TxnRecord {
  switch (type) {
    case OpCode.create: case OpCode.create2: {
      const path = r.readString() as string, data = r.readBuffer(), acl = acls.read(r);
      return { type, path, data, acl, ephemeral: r.readBool(), parentCVersion: r.readInt() };
    }
    case OpCode.createTTL: {
      const path = r.readString() as string, data = r.readBuffer(), acl = acls.read(r);
      return { type, path, data, acl, parentCVersion: r.readInt(), ttl: r.readLongNumber() };
    }
    case OpCode.createContainer: {
      const path = r.readString() as string, data = r.readBuffer(), acl = acls.read(r);
      return { type, path, data, acl, parentCVersion: r.readInt() };
    }
    case OpCode.delete: case OpCode.deleteContainer:
      return { type, path: r.readString() as string };
    case OpCode.setData: case OpCode.reconfig:
      return { type, path: r.readString() as string, data: r.readBuffer(), version: r.readInt() };
    case OpCode.check:
      return { type, path: r.readString() as string, version: r.readInt() };
    case OpCode.setACL:
      return { type, path: r.readString() as string, acl: acls.read(r), version: r.readInt() };
    case OpCode.createSession:
      return { type, timeOut: r.readInt() };
    case OpCode.closeSession:
      // Logs written before CloseSessionTxn existed have nothing after the header.
      return { type, paths2Delete: r.remaining > 0 ? (r.readVector((rr) => rr.readString() as string) ?? []) : null };
    case OpCode.error:
      return { type, err: r.readInt() };
    case OpCode.multi: {
      const txns = r.readVector((rr) => ({ type: rr.readInt(), data: rr.readBuffer() ?? Buffer.alloc(0) })) ?? [];
      return { type, txns: txns.map((t) => readTxnRecord(new JuteReader(t.data), t.type)) };
    }
    default:
      throw new TxnDecodeError(`Unsupported Txn with type=${type}`);
  }
}

/** One log entry: what the leader proposes and every server appends to its txn log. */
export interface TxnEntry {
  header: TxnHeader;
  txn: TxnRecord;
  digest: TxnDigest | null;
}

export function encodeTxnEntry(e: TxnEntry): Buffer {
  const w = new JuteWriter(128);
  TxnHeaderCodec.write(w, e.header);
  writeTxnRecord(w, e.txn);
  if (e.digest) TxnDigestCodec.write(w, e.digest);
  return Buffer.from(w.toBuffer());
}

/**
 * SerializeUtils.deserializeTxn. closeSessionTxnEnabled mirrors the reader's setting: when off, a
 * closeSession has no record. A digest is read when bytes remain after the record.
 */
export function decodeTxnEntry(buf: Buffer, closeSessionTxnEnabled = true): TxnEntry {
  const r = new JuteReader(buf);
  const header = TxnHeaderCodec.read(r);
  let txn: TxnRecord;
  if (header.type === OpCode.closeSession && !closeSessionTxnEnabled) txn = { type: OpCode.closeSession, paths2Delete: null };
  else if (header.type === OpCode.create) txn = readCreateWithV0Fallback(r, buf);
  else txn = readTxnRecord(r, header.type);
  const digest = r.remaining >= 12 ? TxnDigestCodec.read(r) : null;
  return { header, txn, digest };
}

/** A CreateTxnV0 (no parentCVersion) from a pre-3.3 log reads as parentCVersion -1. */
function readCreateWithV0Fallback(r: JuteReader, buf: Buffer): TxnRecord {
  const start = r.pos;
  try {
    return readTxnRecord(r, OpCode.create);
  } catch {
    const v0 = new JuteReader(buf, start);
    const path = v0.readString() as string, data = v0.readBuffer(), acl = acls.read(v0);
    const ephemeral = v0.readBool();
    r.pos = v0.pos;
    return { type: OpCode.create, path, data, acl, ephemeral, parentCVersion: -1 };
  }
}
