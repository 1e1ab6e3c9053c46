// A promise-based ZooKeeper client: every operation of the 3.8 protocol, watches, auth, chroot.
// Session handling (reconnect, pings, watch re-registration) lives in session.ts.

import { EventEmitter } from 'node:events';
import { AddWatchMode, CreateMode, isSequential, isTTL, WatcherType } from '../protocol/constants';
import { ErrorCode, ZooKeeperError } from '../protocol/errors';
import type { JuteReader, JuteWriter } from '../protocol/jute';
import { readMultiResponse, writeMultiRequest, type MultiOp, type MultiResult } from '../protocol/multi';
import { OpCode } from '../protocol/opcodes';
import { validatePath } from '../protocol/paths';
import {
  AddWatchRequestCodec, Create2ResponseCodec, CreateRequestCodec, CreateResponseCodec, CreateTTLRequestCodec,
  DeleteRequestCodec, GetACLResponseCodec, GetAllChildrenNumberResponseCodec, GetChildren2ResponseCodec,
  GetDataResponseCodec, GetEphemeralsRequestCodec, GetEphemeralsResponseCodec, PathRequestCodec, PathWatchRequestCodec,
  SetACLRequestCodec, SetDataRequestCodec, StatCodec, WatchTypeRequestCodec, WhoAmIResponseCodec,
  type ACL, type ClientInfo, type Create2Response, type GetACLResponse, type GetChildren2Response,
  type GetDataResponse, type Stat,
} from '../protocol/records';
import { parseConnectString } from './connect-string';
import { Session, type ClientState, type WatchIntent } from './session';
import type { ClientTlsOptions } from './tls-options';
import type { Watcher } from './watch-registry';

export type { ClientState } from './session';
export type { Watcher } from './watch-registry';
export type { ClientTlsOptions } from './tls-options';

export interface ClientOptions {
  /** host:port[,host:port...][/chroot] */
  connectString: string;
  sessionTimeoutMs?: number;
  /** Budget for one server's TCP connect + handshake (default: session timeout / number of hosts). */
  connectTimeoutMs?: number;
  /** A request with no reply after this long fails with REQUESTTIMEOUT (0 = never). */
  requestTimeoutMs?: number;
  /** Largest packet accepted or sent (the client's jute.maxbuffer). */
  maxPacketBytes?: number;
  /** Connect over TLS, to the servers' secure client ports (secureClientPort). */
  tls?: ClientTlsOptions;
  /** Resume this session instead of creating one (Java's ZooKeeper(..., sessionId, sessionPasswd)). */
  resume?: { sessionId: bigint; password: Buffer };
}

export interface CreateOptions {
  mode?: number;
  acl?: ACL[];
  /** Milliseconds, for the TTL modes. */
  ttl?: number;
}

export const OPEN_ACL_UNSAFE: ACL[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

export class ZooKeeperClient extends EventEmitter<{ state: [ClientState] }> {
  private readonly session: Session;
  private readonly sessionTimeoutMs: number;
  readonly connectString: string;

  constructor(options: ClientOptions) {
    super();
    const parsed = parseConnectString(options.connectString);
    const sessionTimeoutMs = options.sessionTimeoutMs ?? 30_000;
    this.connectString = options.connectString;
    this.sessionTimeoutMs = sessionTimeoutMs;
    this.session = new Session({
      hosts: parsed.hosts,
      chroot: parsed.chroot,
      sessionTimeoutMs,
      connectTimeoutMs: options.connectTimeoutMs ?? Math.max(1000, Math.floor(sessionTimeoutMs / parsed.hosts.length)),
      requestTimeoutMs: options.requestTimeoutMs ?? 0,
      maxPacketBytes: options.maxPacketBytes ?? 4 * 1024 * 1024,
      tls: options.tls,
    });
    if (options.resume) {
      this.session.sessionId = options.resume.sessionId;
      this.session.password = Buffer.from(options.resume.password);
    }
    this.session.on('state', (s) => this.emit('state', s));
  }

  /** Resolves once a session is established; rejects if none can be within `timeoutMs`. */
  connect(timeoutMs = Math.max(this.sessionTimeoutMs, 5000)): Promise<void> {
    return this.session.start(timeoutMs);
  }

  get state(): ClientState { return this.session.state; }
  get sessionId(): bigint { return this.session.sessionId; }
  /** The session's password, to resume it from another client (see ClientOptions.resume). */
  get sessionPassword(): Buffer { return this.session.password; }
  get negotiatedTimeoutMs(): number { return this.session.negotiatedTimeoutMs; }
  get currentServer(): string | null { return this.session.currentServer; }
  get lastZxid(): bigint { return this.session.lastZxid; }

  close(): Promise<void> {
    return this.session.close();
  }

  /** Drops the TCP connection as a network failure would; the session reconnects on its own. */
  dropConnection(): void {
    this.session.dropConnection();
  }

  private async call<T>(type: number, path: string | undefined, body: ((w: JuteWriter) => void) | null,
    read?: (r: JuteReader) => T, extra: { acceptErrors?: number[]; watch?: WatchIntent; sizeHint?: number } = {}): Promise<{ err: number; value: T }> {
    return this.session.submit(type, body, { path, read, ...extra }) as Promise<{ err: number; value: T }>;
  }

  private serverPath(path: string, sequential = false): string {
    validatePath(path, sequential);
    return this.session.prependChroot(path);
  }

  async create(path: string, data: Buffer | string | null = null, opts: CreateOptions = {}): Promise<{ path: string; stat: Stat }> {
    const mode = opts.mode ?? CreateMode.PERSISTENT;
    const serverPath = this.serverPath(path, isSequential(mode));
    const acl = opts.acl ?? OPEN_ACL_UNSAFE;
    if (acl.length === 0) throw new ZooKeeperError(ErrorCode.INVALIDACL, path, 'an ACL list must not be empty');
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    const request = { path: serverPath, data: bytes, acl, flags: mode };
    let op: number = OpCode.create2;
    let write = (w: JuteWriter) => CreateRequestCodec.write(w, request);
    if (mode === CreateMode.CONTAINER) op = OpCode.createContainer;
    if (isTTL(mode)) {
      if (opts.ttl === undefined || opts.ttl <= 0) throw new ZooKeeperError(ErrorCode.BADARGUMENTS, path, 'a TTL node needs a ttl > 0 ms');
      op = OpCode.createTTL;
      write = (w) => CreateTTLRequestCodec.write(w, { ...request, ttl: opts.ttl! });
    } else if (opts.ttl !== undefined && opts.ttl > 0) {
      throw new ZooKeeperError(ErrorCode.BADARGUMENTS, path, 'a ttl is only allowed with a TTL create mode');
    }
    const { value } = await this.call<Create2Response>(op, path, write, (r) => Create2ResponseCodec.read(r), { sizeHint: 64 + (bytes?.length ?? 0) });
    return { path: this.session.stripChroot(value.path), stat: value.stat };
  }

  async delete(path: string, version = -1): Promise<void> {
    const serverPath = this.serverPath(path);
    await this.call(OpCode.delete, path, (w) => DeleteRequestCodec.write(w, { path: serverPath, version }));
  }

  async exists(path: string, watcher?: Watcher): Promise<Stat | null> {
    const serverPath = this.serverPath(path);
    const { err, value } = await this.call<Stat>(OpCode.exists, path,
      (w) => PathWatchRequestCodec.write(w, { path: serverPath, watch: !!watcher }),
      (r) => StatCodec.read(r),
      { acceptErrors: [ErrorCode.NONODE], watch: watcher && { kind: 'exist', path, watcher } });
    return err === 0 ? value : null;
  }

  async getData(path: string, watcher?: Watcher): Promise<{ data: Buffer | null; stat: Stat }> {
    const serverPath = this.serverPath(path);
    const { value } = await this.call<GetDataResponse>(OpCode.getData, path,
      (w) => PathWatchRequestCodec.write(w, { path: serverPath, watch: !!watcher }),
      (r) => GetDataResponseCodec.read(r),
      { watch: watcher && { kind: 'data', path, watcher } });
    return value;
  }

  async setData(path: string, data: Buffer | string | null, version = -1): Promise<Stat> {
    const serverPath = this.serverPath(path);
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    const { value } = await this.call<Stat>(OpCode.setData, path,
      (w) => SetDataRequestCodec.write(w, { path: serverPath, data: bytes, version }),
      (r) => StatCodec.read(r), { sizeHint: 64 + (bytes?.length ?? 0) });
    return value;
  }

  async getChildren(path: string, watcher?: Watcher): Promise<{ children: string[]; stat: Stat }> {
    const serverPath = this.serverPath(path);
    const { value } = await this.call<GetChildren2Response>(OpCode.getChildren2, path,
      (w) => PathWatchRequestCodec.write(w, { path: serverPath, watch: !!watcher }),
      (r) => GetChildren2ResponseCodec.read(r),
      { watch: watcher && { kind: 'child', path, watcher } });
    return { children: value.children ?? [], stat: value.stat };
  }

  async getACL(path: string): Promise<{ acl: ACL[]; stat: Stat }> {
    const serverPath = this.serverPath(path);
    const { value } = await this.call<GetACLResponse>(OpCode.getACL, path,
      (w) => PathRequestCodec.write(w, { path: serverPath }), (r) => GetACLResponseCodec.read(r));
    return { acl: value.acl ?? [], stat: value.stat };
  }

  async setACL(path: string, acl: ACL[], version = -1): Promise<Stat> {
    const serverPath = this.serverPath(path);
    if (acl.length === 0) throw new ZooKeeperError(ErrorCode.INVALIDACL, path, 'an ACL list must not be empty');
    const { value } = await this.call<Stat>(OpCode.setACL, path,
      (w) => SetACLRequestCodec.write(w, { path: serverPath, acl, version }), (r) => StatCodec.read(r));
    return value;
  }

  async sync(path: string): Promise<string> {
    const serverPath = this.serverPath(path);
    const { value } = await this.call<{ path: string }>(OpCode.sync, path,
      (w) => PathRequestCodec.write(w, { path: serverPath }), (r) => CreateResponseCodec.read(r));
    return this.session.stripChroot(value.path);
  }

  /**
   * All-or-nothing writes. On failure throws a ZooKeeperError for the first failing op, with
   * `results` holding every op's outcome as ZooKeeper reports it.
   */
  async multi(ops: MultiOp[]): Promise<MultiResult[]> {
    const results = await this.multiCall(OpCode.multi, ops);
    const failed = results.findIndex((r) => r.type === OpCode.error && r.err !== 0);
    if (failed >= 0) {
      const err = results[failed] as { err: number };
      const e = new ZooKeeperError(err.err, ops[failed]?.path) as ZooKeeperError & { results: MultiResult[]; failedOp: number };
      e.results = results;
      e.failedOp = failed;
      throw e;
    }
    return results;
  }

  /** getData/getChildren in one round trip; each op succeeds or fails on its own. */
  multiRead(ops: MultiOp[]): Promise<MultiResult[]> {
    return this.multiCall(OpCode.multiRead, ops);
  }

  private async multiCall(type: number, ops: MultiOp[]): Promise<MultiResult[]> {
    const serverOps = ops.map((op) => ({ ...op, path: this.serverPath(op.path, 'flags' in op && isSequential(op.flags)) }));
    const { value } = await this.call<MultiResult[]>(type, undefined, (w) => writeMultiRequest(w, serverOps),
      (r) => readMultiResponse(r), { sizeHint: 256 });
    return value.map((res) => ('path' in res ? { ...res, path: this.session.stripChroot(res.path) } : res));
  }

  /** Adds credentials to the session, e.g. addAuth('digest', 'user:password'); kept across reconnects. */
  addAuth(scheme: string, auth: string | Buffer): Promise<void> {
    return this.session.addAuth(scheme, typeof auth === 'string' ? Buffer.from(auth) : auth);
  }

  /** A watch that stays after it fires; recursive ones cover every node below path too. */
  async addWatch(path: string, watcher: Watcher, mode: number = AddWatchMode.PERSISTENT): Promise<void> {
    const serverPath = this.serverPath(path);
    await this.call(OpCode.addWatch, path, (w) => AddWatchRequestCodec.write(w, { path: serverPath, mode }));
    this.session.watches.addPersistent(path, watcher, mode === AddWatchMode.PERSISTENT_RECURSIVE);
  }

  /**
   * Removes one watcher (or all, when watcher is null) of a type at path. NOWATCHER if there is
   * none. With `local`, the watcher is removed here even if the server cannot be reached.
   */
  async removeWatches(path: string, watcher: Watcher | null, type: number = WatcherType.Any, local = false): Promise<void> {
    const serverPath = this.serverPath(path);
    const reg = this.session.watches;
    if (!reg.hasMatching(path, watcher, type)) throw new ZooKeeperError(ErrorCode.NOWATCHER, path);
    // A specific watcher only checks the server side (others may share it); null removes it there.
    const op = watcher ? OpCode.checkWatches : OpCode.removeWatches;
    try {
      await this.call(op, path, (w) => WatchTypeRequestCodec.write(w, { path: serverPath, type }));
    } catch (err) {
      if (!local) throw err;
    }
    reg.remove(path, watcher, type);
  }

  async getEphemerals(prefixPath = '/'): Promise<string[]> {
    const serverPath = this.serverPath(prefixPath);
    const { value } = await this.call<{ ephemerals: string[] }>(OpCode.getEphemerals, prefixPath,
      (w) => GetEphemeralsRequestCodec.write(w, { prefixPath: serverPath }), (r) => GetEphemeralsResponseCodec.read(r));
    return (value.ephemerals ?? []).map((p) => this.session.stripChroot(p));
  }

  async getAllChildrenNumber(path: string): Promise<number> {
    const serverPath = this.serverPath(path);
    const { value } = await this.call<{ totalNumber: number }>(OpCode.getAllChildrenNumber, path,
      (w) => PathRequestCodec.write(w, { path: serverPath }), (r) => GetAllChildrenNumberResponseCodec.read(r));
    return value.totalNumber;
  }

  async whoAmI(): Promise<ClientInfo[]> {
    const { value } = await this.call<{ clientInfo: ClientInfo[] }>(OpCode.whoAmI, undefined, null, (r) => WhoAmIResponseCodec.read(r));
    return value.clientInfo;
  }
}
