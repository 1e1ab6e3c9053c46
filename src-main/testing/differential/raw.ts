// Requests built by hand, for what ZooKeeperClient refuses to send, and a bare connection that
// closes a session by id (a session whose client gave up after AUTHFAILED still lives on the
// server; closing it explicitly keeps the run deterministic instead of waiting for its expiry).

import net from 'node:net';
import { errorName } from '../../protocol/errors';
import { FrameDecoder } from '../../protocol/frame';
import { JuteReader, JuteWriter } from '../../protocol/jute';
import { OpCode } from '../../protocol/opcodes';
import {
  ConnectRequestCodec, ConnectResponseCodec, Create2ResponseCodec, CreateRequestCodec, CreateResponseCodec,
  CreateTTLRequestCodec, DeleteRequestCodec, GetACLResponseCodec, GetAllChildrenNumberResponseCodec,
  GetChildren2ResponseCodec, GetChildrenResponseCodec, GetDataResponseCodec, GetEphemeralsResponseCodec,
  PathRequestCodec, PathWatchRequestCodec, ReplyHeaderCodec, RequestHeaderCodec, SetDataRequestCodec, StatCodec,
  WatchTypeRequestCodec,
} from '../../protocol/records';
import type { Normalizer } from './normalize';
import type { RawOp } from './steps';

export function rawRequestFrame(xid: number, op: RawOp): Buffer {
  return JuteWriter.frame((w) => {
    RequestHeaderCodec.write(w, { xid, type: op.opcode });
    switch (op.type) {
      case 'create':
        if (op.opcode === OpCode.createTTL) CreateTTLRequestCodec.write(w, { path: op.path, data: null, acl: op.acl, flags: op.flags, ttl: op.ttl ?? 0 });
        else CreateRequestCodec.write(w, { path: op.path, data: null, acl: op.acl, flags: op.flags });
        break;
      case 'read': PathWatchRequestCodec.write(w, { path: op.path, watch: op.watch }); break;
      case 'path': PathRequestCodec.write(w, { path: op.path }); break;
      case 'write':
        if (op.opcode === OpCode.delete) DeleteRequestCodec.write(w, { path: op.path, version: op.version });
        else SetDataRequestCodec.write(w, { path: op.path, data: Buffer.from('raw'), version: op.version });
        break;
      case 'watches': WatchTypeRequestCodec.write(w, { path: op.path, type: op.watcherType }); break;
      case 'opcodeOnly': break;
    }
  });
}

/** The body of a successful reply to an injected request, normalised. */
export function decodeRawReply(opcode: number, body: Buffer, n: Normalizer): unknown {
  const r = new JuteReader(body);
  try {
    switch (opcode) {
      case OpCode.create: case OpCode.sync: return CreateResponseCodec.read(r).path;
      case OpCode.create2: case OpCode.createContainer: case OpCode.createTTL: {
        const res = Create2ResponseCodec.read(r);
        return { path: res.path, stat: n.stat(res.stat) };
      }
      case OpCode.exists: case OpCode.setData: return n.stat(StatCodec.read(r));
      case OpCode.getData: {
        const res = GetDataResponseCodec.read(r);
        return { data: n.data(res.data), stat: n.stat(res.stat) };
      }
      case OpCode.getChildren: return n.unordered(GetChildrenResponseCodec.read(r).children);
      case OpCode.getChildren2: {
        const res = GetChildren2ResponseCodec.read(r);
        return { children: n.unordered(res.children), stat: n.stat(res.stat) };
      }
      case OpCode.getACL: {
        const res = GetACLResponseCodec.read(r);
        return { acl: n.acl(res.acl), stat: n.stat(res.stat) };
      }
      case OpCode.getAllChildrenNumber: return GetAllChildrenNumberResponseCodec.read(r).totalNumber;
      case OpCode.getEphemerals: return n.unordered(GetEphemeralsResponseCodec.read(r).ephemerals);
      default: return body.length === 0 ? null : `${body.length} bytes`;
    }
  } catch (e) {
    return `undecodable ${body.length}-byte body: ${(e as Error).message}`;
  }
}

/**
 * Reattaches to a session over a new connection and closes it. Resolves with what happened:
 * 'expired' when the server no longer knows the session, else the closeSession reply.
 */
export function closeSessionRaw(host: string, port: number, sessionId: bigint, passwd: Buffer, timeoutMs: number,
  formatZxid: (zxid: bigint) => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    const decoder = new FrameDecoder(1 << 20);
    let connected = false;
    const timer = setTimeout(() => sock.destroy(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`)), timeoutMs * 2);
    const done = (outcome: string) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(outcome);
    };
    sock.once('connect', () => {
      sock.write(JuteWriter.frame((w) => ConnectRequestCodec.write(w, {
        protocolVersion: 0, lastZxidSeen: 0n, timeOut: timeoutMs, sessionId, passwd, readOnly: false,
      })));
    });
    sock.on('data', (chunk) => {
      for (const body of decoder.push(chunk)) {
        const r = new JuteReader(body);
        if (!connected) {
          connected = true;
          if (ConnectResponseCodec.read(r).timeOut <= 0) return done('expired');
          sock.write(JuteWriter.frame((w) => RequestHeaderCodec.write(w, { xid: 1, type: OpCode.closeSession })));
        } else {
          const h = ReplyHeaderCodec.read(r);
          return done(`closeSession ${errorName(h.err)} z=${formatZxid(h.zxid)}`);
        }
      }
    });
    sock.once('error', (e) => { clearTimeout(timer); reject(e); });
    sock.once('close', () => done(connected ? 'closed without a reply' : 'closed during the handshake'));
  });
}
