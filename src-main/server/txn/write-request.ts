// The write requests prep turns into txns, and how a 3.8 server reinterprets the ops of a multi
// as it decodes them (MultiOperationRecord → Op.create): the create flavour of a multi op comes
// from its flags, not from the op code the client put in the MultiHeader.

import type { ACL, Id, MultiOp } from '../../protocol';
import { CreateMode, OpCode } from '../../protocol';

export type CreateOpType = typeof OpCode.create | typeof OpCode.create2 | typeof OpCode.createContainer;

export type WriteRequest =
  | { type: CreateOpType; path: string; data: Buffer | null; acl: ACL[]; flags: number }
  | { type: typeof OpCode.createTTL; path: string; data: Buffer | null; acl: ACL[]; flags: number; ttl: number }
  | { type: typeof OpCode.delete; path: string; version: number }
  /** Issued by the server itself (container/TTL cleanup), with session 0 and no ACL check. */
  | { type: typeof OpCode.deleteContainer; path: string }
  | { type: typeof OpCode.setData; path: string; data: Buffer | null; version: number }
  | { type: typeof OpCode.setACL; path: string; acl: ACL[]; version: number }
  | { type: typeof OpCode.check; path: string; version: number }
  | { type: typeof OpCode.multi; ops: MultiOp[] }
  | { type: typeof OpCode.reconfig }
  | { type: typeof OpCode.createSession; timeOut: number }
  | { type: typeof OpCode.closeSession };

export interface PrepRequest {
  sessionId: bigint;
  cxid: number;
  /** The request's op code (the header's type). */
  type: number;
  /** null when the body could not be decoded: the txn becomes MARSHALLINGERROR. */
  request: WriteRequest | null;
  /** The connection's ids (ServerCnxn.authInfo). */
  authInfo: readonly Id[];
  /** Which server/connection owns the session (SESSIONMOVED when it differs); any value. */
  owner?: unknown;
}

/** The op codes that get a zxid and a txn (pRequestHelper). */
export const TXN_OP_TYPES: ReadonlySet<number> = new Set([
  OpCode.create, OpCode.create2, OpCode.createTTL, OpCode.createContainer, OpCode.delete, OpCode.deleteContainer,
  OpCode.setData, OpCode.reconfig, OpCode.setACL, OpCode.check, OpCode.multi, OpCode.createSession, OpCode.closeSession,
]);

export function needsTxn(type: number): boolean {
  return TXN_OP_TYPES.has(type);
}

/** A multi op as prep sees it after the server's own decoding. */
export type NormalizedOp =
  | { kind: 'write'; request: WriteRequest }
  | { kind: 'read'; type: number; path: string }
  /** TTL flags under a plain create header: Java later fails a cast (MARSHALLINGERROR). */
  | { kind: 'ttlWithoutTtl'; path: string };

const isTtlFlags = (flags: number): boolean => flags === CreateMode.PERSISTENT_WITH_TTL || flags === CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL;
const createTypeForFlags = (flags: number): CreateOpType => (flags === CreateMode.CONTAINER ? OpCode.createContainer : OpCode.create);

/** Op.create(path, data, acl, flags[, ttl]) as MultiOperationRecord.deserialize calls it. */
export function normalizeMultiOp(op: MultiOp): NormalizedOp {
  switch (op.type) {
    case OpCode.create: case OpCode.create2: case OpCode.createContainer:
      if (isTtlFlags(op.flags)) return { kind: 'ttlWithoutTtl', path: op.path };
      return { kind: 'write', request: { type: createTypeForFlags(op.flags), path: op.path, data: op.data, acl: op.acl, flags: op.flags } };
    case OpCode.createTTL:
      if (isTtlFlags(op.flags)) return { kind: 'write', request: { ...op } };
      return { kind: 'write', request: { type: createTypeForFlags(op.flags), path: op.path, data: op.data, acl: op.acl, flags: op.flags } };
    case OpCode.delete: case OpCode.setData: case OpCode.check:
      return { kind: 'write', request: { ...op } };
    case OpCode.getData: case OpCode.getChildren:
      return { kind: 'read', type: op.type, path: op.path };
  }
}
