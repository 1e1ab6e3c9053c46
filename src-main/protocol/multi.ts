// multi and multiRead: a sequence of (MultiHeader, record) pairs closed by a terminator header.

import { JuteReader, JuteWriter } from './jute';
import { OpCode } from './opcodes';
import {
  CheckVersionRequestCodec, Create2ResponseCodec, CreateRequestCodec, CreateResponseCodec, CreateTTLRequestCodec,
  DeleteRequestCodec, ErrorResponseCodec, GetChildrenResponseCodec, GetDataResponseCodec, MultiHeaderCodec,
  PathWatchRequestCodec, SetDataRequestCodec, StatCodec,
  type ACL, type Stat,
} from './records';

export type MultiOp =
  | { type: typeof OpCode.create | typeof OpCode.create2 | typeof OpCode.createContainer; path: string; data: Buffer | null; acl: ACL[]; flags: number }
  | { type: typeof OpCode.createTTL; path: string; data: Buffer | null; acl: ACL[]; flags: number; ttl: number }
  | { type: typeof OpCode.delete; path: string; version: number }
  | { type: typeof OpCode.setData; path: string; data: Buffer | null; version: number }
  | { type: typeof OpCode.check; path: string; version: number }
  | { type: typeof OpCode.getChildren; path: string }
  | { type: typeof OpCode.getData; path: string };

export type MultiResult =
  | { type: typeof OpCode.create; path: string }
  | { type: typeof OpCode.create2 | typeof OpCode.createContainer | typeof OpCode.createTTL; path: string; stat: Stat }
  | { type: typeof OpCode.delete | typeof OpCode.check }
  | { type: typeof OpCode.setData; stat: Stat }
  | { type: typeof OpCode.getChildren; children: string[] }
  | { type: typeof OpCode.getData; data: Buffer | null; stat: Stat }
  | { type: typeof OpCode.error; err: number };

const terminator = { type: -1, done: true, err: -1 };

export function writeMultiRequest(w: JuteWriter, ops: readonly MultiOp[]): void {
  for (const op of ops) {
    MultiHeaderCodec.write(w, { type: op.type, done: false, err: -1 });
    switch (op.type) {
      case OpCode.create: case OpCode.create2: case OpCode.createContainer: CreateRequestCodec.write(w, op); break;
      case OpCode.createTTL: CreateTTLRequestCodec.write(w, op); break;
      case OpCode.delete: DeleteRequestCodec.write(w, op); break;
      case OpCode.setData: SetDataRequestCodec.write(w, op); break;
      case OpCode.check: CheckVersionRequestCodec.write(w, op); break;
      case OpCode.getChildren: case OpCode.getData: PathWatchRequestCodec.write(w, { path: op.path, watch: false }); break;
    }
  }
  MultiHeaderCodec.write(w, terminator);
}

export function readMultiRequest(r: JuteReader): MultiOp[] {
  const ops: MultiOp[] = [];
  for (;;) {
    const h = MultiHeaderCodec.read(r);
    if (h.done) return ops;
    switch (h.type) {
      case OpCode.create: case OpCode.create2: case OpCode.createContainer:
        ops.push({ type: h.type, ...CreateRequestCodec.read(r) }); break;
      case OpCode.createTTL: ops.push({ type: h.type, ...CreateTTLRequestCodec.read(r) }); break;
      case OpCode.delete: ops.push({ type: h.type, ...DeleteRequestCodec.read(r) }); break;
      case OpCode.setData: ops.push({ type: h.type, ...SetDataRequestCodec.read(r) }); break;
      case OpCode.check: ops.push({ type: h.type, ...CheckVersionRequestCodec.read(r) }); break;
      case OpCode.getChildren: case OpCode.getData:
        ops.push({ type: h.type, path: PathWatchRequestCodec.read(r).path }); break;
      default: throw new MultiDecodeError(`unknown op type ${h.type} in multi`);
    }
  }
}

export class MultiDecodeError extends Error {}

export function writeMultiResponse(w: JuteWriter, results: readonly MultiResult[]): void {
  for (const res of results) {
    MultiHeaderCodec.write(w, { type: res.type, done: false, err: res.type === OpCode.error ? res.err : 0 });
    switch (res.type) {
      case OpCode.create: CreateResponseCodec.write(w, res); break;
      case OpCode.create2: case OpCode.createContainer: case OpCode.createTTL: Create2ResponseCodec.write(w, res); break;
      case OpCode.setData: StatCodec.write(w, res.stat); break;
      case OpCode.getChildren: GetChildrenResponseCodec.write(w, res); break;
      case OpCode.getData: GetDataResponseCodec.write(w, res); break;
      case OpCode.error: ErrorResponseCodec.write(w, res); break;
    }
  }
  MultiHeaderCodec.write(w, terminator);
}

export function readMultiResponse(r: JuteReader): MultiResult[] {
  const results: MultiResult[] = [];
  for (;;) {
    const h = MultiHeaderCodec.read(r);
    if (h.done) return results;
    switch (h.type) {
      case OpCode.create: results.push({ type: h.type, ...CreateResponseCodec.read(r) }); break;
      case OpCode.create2: case OpCode.createContainer: case OpCode.createTTL:
        results.push({ type: h.type, ...Create2ResponseCodec.read(r) }); break;
      case OpCode.delete: case OpCode.check: results.push({ type: h.type }); break;
      case OpCode.setData: results.push({ type: h.type, stat: StatCodec.read(r) }); break;
      case OpCode.getChildren: results.push({ type: h.type, ...GetChildrenResponseCodec.read(r) }); break;
      case OpCode.getData: results.push({ type: h.type, ...GetDataResponseCodec.read(r) }); break;
      case OpCode.error: results.push({ type: h.type, err: ErrorResponseCodec.read(r).err }); break;
      default: throw new MultiDecodeError(`unknown result type ${h.type} in multi reply`);
    }
  }
}
