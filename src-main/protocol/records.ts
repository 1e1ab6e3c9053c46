// Every record of the ZooKeeper 3.8 client protocol (zookeeper.jute), as TypeScript types with
// symmetric encoders and decoders: the client writes requests and reads replies, the server the
// reverse, so both directions are here.

import { JuteReader, JuteWriter } from './jute';

export interface Id {
  scheme: string;
  id: string;
}
export interface ACL {
  perms: number;
  id: Id;
}
export interface Stat {
  czxid: bigint;
  mzxid: bigint;
  ctime: number;
  mtime: number;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: bigint;
  dataLength: number;
  numChildren: number;
  pzxid: bigint;
}

/** A codec for one record type. */
export interface Codec<T> {
  write(w: JuteWriter, v: T): void;
  read(r: JuteReader): T;
}

type FieldType = 'int' | 'long' | 'longnum' | 'bool' | 'buffer' | 'ustring' | 'strings' | 'acls' | Codec<any>;

// A record is a list of typed fields; the codec is derived from it so the field order (which is
// the wire order) is stated once.
function record<T>(fields: Array<[keyof T & string, FieldType]>): Codec<T> {
  return {
    write(w, v) {
      const o = v as Record<string, any>;
      for (const [name, type] of fields) writeField(w, type, o[name]);
    },
    read(r) {
      const o: Record<string, unknown> = {};
      for (const [name, type] of fields) o[name] = readField(r, type);
      return o as T;
    },
  };
}

function writeField(w: JuteWriter, type: FieldType, v: any): void {
  switch (type) {
    case 'int': w.writeInt(v); return;
    case 'long': case 'longnum': w.writeLong(v); return;
    case 'bool': w.writeBool(v); return;
    case 'buffer': w.writeBuffer(v); return;
    case 'ustring': w.writeString(v); return;
    case 'strings': w.writeVector<string>(v, (ww, s) => ww.writeString(s)); return;
    case 'acls': w.writeVector<ACL>(v, (ww, a) => ACLCodec.write(ww, a)); return;
    default: type.write(w, v);
  }
}

function readField(r: JuteReader, type: FieldType): unknown {
  switch (type) {
    case 'int': return r.readInt();
    case 'long': return r.readLong();
    case 'longnum': return r.readLongNumber();
    case 'bool': return r.readBool();
    case 'buffer': return r.readBuffer();
    case 'ustring': return r.readString();
    case 'strings': return r.readVector((rr) => rr.readString() as string);
    case 'acls': return r.readVector((rr) => ACLCodec.read(rr));
    default: return type.read(r);
  }
}

export const IdCodec = record<Id>([['scheme', 'ustring'], ['id', 'ustring']]);
export const ACLCodec: Codec<ACL> = record<ACL>([['perms', 'int'], ['id', IdCodec]]);
export const StatCodec = record<Stat>([
  ['czxid', 'long'], ['mzxid', 'long'], ['ctime', 'longnum'], ['mtime', 'longnum'],
  ['version', 'int'], ['cversion', 'int'], ['aversion', 'int'], ['ephemeralOwner', 'long'],
  ['dataLength', 'int'], ['numChildren', 'int'], ['pzxid', 'long'],
]);

// --- session set-up ---------------------------------------------------------------------------

export interface ConnectRequest {
  protocolVersion: number;
  lastZxidSeen: bigint;
  timeOut: number;
  sessionId: bigint;
  passwd: Buffer;
  /** Sent by every client since 3.4; an old client may omit it. */
  readOnly: boolean;
}
export interface ConnectResponse {
  protocolVersion: number;
  timeOut: number;
  sessionId: bigint;
  passwd: Buffer;
  readOnly: boolean;
}

const connectRequestBase = record<Omit<ConnectRequest, 'readOnly'>>([
  ['protocolVersion', 'int'], ['lastZxidSeen', 'long'], ['timeOut', 'int'], ['sessionId', 'long'], ['passwd', 'buffer'],
]);
const connectResponseBase = record<Omit<ConnectResponse, 'readOnly'>>([
  ['protocolVersion', 'int'], ['timeOut', 'int'], ['sessionId', 'long'], ['passwd', 'buffer'],
]);

// The trailing readOnly flag is optional on the wire: it is read only when a byte is left.
export const ConnectRequestCodec: Codec<ConnectRequest> = {
  write(w, v) { connectRequestBase.write(w, v); w.writeBool(v.readOnly); },
  read(r) {
    const base = connectRequestBase.read(r);
    return { ...base, passwd: base.passwd ?? Buffer.alloc(0), readOnly: r.remaining > 0 ? r.readBool() : false };
  },
};
export const ConnectResponseCodec: Codec<ConnectResponse> = {
  write(w, v) { connectResponseBase.write(w, v); w.writeBool(v.readOnly); },
  read(r) {
    const base = connectResponseBase.read(r);
    return { ...base, passwd: base.passwd ?? Buffer.alloc(0), readOnly: r.remaining > 0 ? r.readBool() : false };
  },
};

// --- headers ----------------------------------------------------------------------------------

export interface RequestHeader { xid: number; type: number }
export interface ReplyHeader { xid: number; zxid: bigint; err: number }
export interface MultiHeader { type: number; done: boolean; err: number }

export const RequestHeaderCodec = record<RequestHeader>([['xid', 'int'], ['type', 'int']]);
export const ReplyHeaderCodec = record<ReplyHeader>([['xid', 'int'], ['zxid', 'long'], ['err', 'int']]);
export const MultiHeaderCodec = record<MultiHeader>([['type', 'int'], ['done', 'bool'], ['err', 'int']]);

// --- requests ---------------------------------------------------------------------------------

export interface AuthPacket { type: number; scheme: string; auth: Buffer }
export interface CreateRequest { path: string; data: Buffer | null; acl: ACL[]; flags: number }
export interface CreateTTLRequest extends CreateRequest { ttl: number }
export interface DeleteRequest { path: string; version: number }
export interface PathWatchRequest { path: string; watch: boolean }
export interface SetDataRequest { path: string; data: Buffer | null; version: number }
export interface PathRequest { path: string }
export interface SetACLRequest { path: string; acl: ACL[]; version: number }
export interface CheckVersionRequest { path: string; version: number }
export interface SetWatches { relativeZxid: bigint; dataWatches: string[]; existWatches: string[]; childWatches: string[] }
export interface SetWatches2 extends SetWatches { persistentWatches: string[]; persistentRecursiveWatches: string[] }
export interface AddWatchRequest { path: string; mode: number }
export interface WatchTypeRequest { path: string; type: number }
export interface GetEphemeralsRequest { prefixPath: string }
export interface ReconfigRequest { joiningServers: string | null; leavingServers: string | null; newMembers: string | null; curConfigId: bigint }

export const AuthPacketCodec = record<AuthPacket>([['type', 'int'], ['scheme', 'ustring'], ['auth', 'buffer']]);
export const CreateRequestCodec = record<CreateRequest>([['path', 'ustring'], ['data', 'buffer'], ['acl', 'acls'], ['flags', 'int']]);
export const CreateTTLRequestCodec = record<CreateTTLRequest>([
  ['path', 'ustring'], ['data', 'buffer'], ['acl', 'acls'], ['flags', 'int'], ['ttl', 'longnum'],
]);
export const DeleteRequestCodec = record<DeleteRequest>([['path', 'ustring'], ['version', 'int']]);
/** exists, getData, getChildren and getChildren2 requests share this shape. */
export const PathWatchRequestCodec = record<PathWatchRequest>([['path', 'ustring'], ['watch', 'bool']]);
export const SetDataRequestCodec = record<SetDataRequest>([['path', 'ustring'], ['data', 'buffer'], ['version', 'int']]);
/** getACL, sync and getAllChildrenNumber requests share this shape. */
export const PathRequestCodec = record<PathRequest>([['path', 'ustring']]);
export const SetACLRequestCodec = record<SetACLRequest>([['path', 'ustring'], ['acl', 'acls'], ['version', 'int']]);
export const CheckVersionRequestCodec = record<CheckVersionRequest>([['path', 'ustring'], ['version', 'int']]);
export const SetWatchesCodec = record<SetWatches>([
  ['relativeZxid', 'long'], ['dataWatches', 'strings'], ['existWatches', 'strings'], ['childWatches', 'strings'],
]);
export const SetWatches2Codec = record<SetWatches2>([
  ['relativeZxid', 'long'], ['dataWatches', 'strings'], ['existWatches', 'strings'], ['childWatches', 'strings'],
  ['persistentWatches', 'strings'], ['persistentRecursiveWatches', 'strings'],
]);
export const AddWatchRequestCodec = record<AddWatchRequest>([['path', 'ustring'], ['mode', 'int']]);
/** removeWatches and checkWatches requests share this shape. */
export const WatchTypeRequestCodec = record<WatchTypeRequest>([['path', 'ustring'], ['type', 'int']]);
export const GetEphemeralsRequestCodec = record<GetEphemeralsRequest>([['prefixPath', 'ustring']]);
export const ReconfigRequestCodec = record<ReconfigRequest>([
  ['joiningServers', 'ustring'], ['leavingServers', 'ustring'], ['newMembers', 'ustring'], ['curConfigId', 'long'],
]);

// --- responses --------------------------------------------------------------------------------

export interface CreateResponse { path: string }
export interface Create2Response { path: string; stat: Stat }
export interface StatResponse { stat: Stat }
export interface GetDataResponse { data: Buffer | null; stat: Stat }
export interface GetACLResponse { acl: ACL[]; stat: Stat }
export interface GetChildrenResponse { children: string[] }
export interface GetChildren2Response { children: string[]; stat: Stat }
export interface GetEphemeralsResponse { ephemerals: string[] }
export interface GetAllChildrenNumberResponse { totalNumber: number }
export interface ClientInfo { authScheme: string; user: string }
export interface WhoAmIResponse { clientInfo: ClientInfo[] }
export interface ErrorResponse { err: number }
export interface WatcherEvent { type: number; state: number; path: string }

/** create and sync responses share this shape (a path). */
export const CreateResponseCodec = record<CreateResponse>([['path', 'ustring']]);
export const Create2ResponseCodec = record<Create2Response>([['path', 'ustring'], ['stat', StatCodec]]);
/** exists, setData and setACL responses are a bare Stat. */
export const StatResponseCodec = record<StatResponse>([['stat', StatCodec]]);
export const GetDataResponseCodec = record<GetDataResponse>([['data', 'buffer'], ['stat', StatCodec]]);
export const GetACLResponseCodec = record<GetACLResponse>([['acl', 'acls'], ['stat', StatCodec]]);
export const GetChildrenResponseCodec = record<GetChildrenResponse>([['children', 'strings']]);
export const GetChildren2ResponseCodec = record<GetChildren2Response>([['children', 'strings'], ['stat', StatCodec]]);
export const GetEphemeralsResponseCodec = record<GetEphemeralsResponse>([['ephemerals', 'strings']]);
export const GetAllChildrenNumberResponseCodec = record<GetAllChildrenNumberResponse>([['totalNumber', 'int']]);
export const ClientInfoCodec = record<ClientInfo>([['authScheme', 'ustring'], ['user', 'ustring']]);
export const WhoAmIResponseCodec = record<WhoAmIResponse>([['clientInfo', { write: (w, v: ClientInfo[]) => w.writeVector(v, (ww, c) => ClientInfoCodec.write(ww, c)), read: (r) => r.readVector((rr) => ClientInfoCodec.read(rr)) ?? [] }]]);
export const ErrorResponseCodec = record<ErrorResponse>([['err', 'int']]);
export const WatcherEventCodec = record<WatcherEvent>([['type', 'int'], ['state', 'int'], ['path', 'ustring']]);

/** Encode one value with a codec into a fresh buffer (tests, snapshots, diagnostics). */
export function encode<T>(codec: Codec<T>, v: T): Buffer {
  const w = new JuteWriter();
  codec.write(w, v);
  return Buffer.from(w.toBuffer());
}

export function decode<T>(codec: Codec<T>, buf: Buffer): T {
  return codec.read(new JuteReader(buf));
}
