// Request bodies in, reply bodies out: the wire side of the request pipeline. Decoding errors
// become MARSHALLINGERROR txns (writes) or replies (reads), as ZooKeeper's do.

import {
  AddWatchRequestCodec, CheckVersionRequestCodec, Create2ResponseCodec, CreateRequestCodec, CreateResponseCodec,
  CreateTTLRequestCodec, DeleteRequestCodec, ErrorResponseCodec, GetACLResponseCodec, GetAllChildrenNumberResponseCodec,
  GetChildren2ResponseCodec, GetChildrenResponseCodec, GetDataResponseCodec, GetEphemeralsRequestCodec,
  GetEphemeralsResponseCodec, JuteReader, JuteWriter, OpCode, PathRequestCodec, PathWatchRequestCodec, ReconfigRequestCodec, SetACLRequestCodec,
  SetDataRequestCodec, SetWatches2Codec, SetWatchesCodec, StatCodec, WatchTypeRequestCodec, WhoAmIResponseCodec,
  readMultiRequest, writeMultiResponse,
} from '../../protocol';
import type { ReadBody, ReadRequest } from '../tree/reads';
import type { WriteReply } from '../txn/apply';
import type { WriteRequest } from '../txn/write-request';

// A body that does not decode, or a record whose path decodes as null (it fails where the server
// uses it), is what ZooKeeper reports as MARSHALLINGERROR: null here.
function decoded<T>(decode: () => T | null): T | null {
  try {
    const req = decode();
    return req !== null && typeof req === 'object' && 'path' in req && (req as { path: unknown }).path === null ? null : req;
  } catch {
    return null;
  }
}

/** The write request a body holds; null when it cannot be decoded. */
export const decodeWrite = (type: number, r: JuteReader): WriteRequest | null => decoded(() => decodeWriteBody(type, r));

function decodeWriteBody(type: number, r: JuteReader): WriteRequest | null {
  switch (type) {
    case OpCode.create: case OpCode.create2: case OpCode.createContainer:
      return { type, ...CreateRequestCodec.read(r) } as WriteRequest;
    case OpCode.createTTL: return { type, ...CreateTTLRequestCodec.read(r) };
    case OpCode.delete: return { type, ...DeleteRequestCodec.read(r) };
    case OpCode.setData: return { type, ...SetDataRequestCodec.read(r) };
    case OpCode.setACL: return { type, ...SetACLRequestCodec.read(r) };
    case OpCode.check: return { type, ...CheckVersionRequestCodec.read(r) };
    case OpCode.multi: return { type, ops: readMultiRequest(r) };
    case OpCode.closeSession: return { type };
    case OpCode.reconfig: ReconfigRequestCodec.read(r); return { type };
    default: return null;
  }
}

/** The read request a body holds; null when it cannot be decoded. */
export const decodeRead = (type: number, r: JuteReader): ReadRequest | null => decoded(() => decodeReadBody(type, r));

function decodeReadBody(type: number, r: JuteReader): ReadRequest | null {
  switch (type) {
    case OpCode.exists: case OpCode.getData: case OpCode.getChildren: case OpCode.getChildren2:
      return { type, ...PathWatchRequestCodec.read(r) } as ReadRequest;
    case OpCode.getACL: case OpCode.getAllChildrenNumber: case OpCode.sync:
      return { type, path: PathRequestCodec.read(r).path } as ReadRequest;
    case OpCode.getEphemerals: return { type, prefixPath: GetEphemeralsRequestCodec.read(r).prefixPath };
    case OpCode.checkWatches: case OpCode.removeWatches: {
      const req = WatchTypeRequestCodec.read(r);
      return { type, path: req.path, watcherType: req.type };
    }
    case OpCode.addWatch: return { type, ...AddWatchRequestCodec.read(r) };
    case OpCode.setWatches: return { type, ...SetWatchesCodec.read(r) };
    case OpCode.setWatches2: return { type, ...SetWatches2Codec.read(r) };
    case OpCode.whoAmI: return { type };
    case OpCode.multiRead: return { type, ops: readMultiRequest(r) };
    default: return null;
  }
}

/** Writes a read reply's body (nothing for an error). */
export function writeReadBody(w: JuteWriter, body: ReadBody): void {
  switch (body.kind) {
    case 'stat': StatCodec.write(w, body.stat); return;
    case 'getData': GetDataResponseCodec.write(w, body); return;
    case 'getChildren': GetChildrenResponseCodec.write(w, body); return;
    case 'getChildren2': GetChildren2ResponseCodec.write(w, body); return;
    case 'getACL': GetACLResponseCodec.write(w, body); return;
    case 'getAllChildrenNumber': GetAllChildrenNumberResponseCodec.write(w, body); return;
    case 'getEphemerals': GetEphemeralsResponseCodec.write(w, body); return;
    case 'whoAmI': WhoAmIResponseCodec.write(w, body); return;
    case 'path': CreateResponseCodec.write(w, body); return;
    case 'errorResponse': ErrorResponseCodec.write(w, body); return;
    case 'multi': writeMultiResponse(w, body.results); return;
  }
}

/** Writes a write reply's body; null when the reply has none. */
export function writeReplyBody(reply: WriteReply): ((w: JuteWriter) => void) | undefined {
  switch (reply.kind) {
    case 'create': return (w) => CreateResponseCodec.write(w, reply);
    case 'create2': return (w) => Create2ResponseCodec.write(w, reply);
    case 'stat': return (w) => StatCodec.write(w, reply.stat);
    case 'multi': return (w) => writeMultiResponse(w, reply.results);
    default: return undefined;
  }
}
