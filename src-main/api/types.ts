// The one typed API the renderer sees. It travels as JSON, over Electron IPC in the app and over a
// WebSocket in the headless host (`zoolab web`), so every value here is JSON-safe: 64-bit ids and
// zxids are decimal strings, znode data is base64.
import type { LabApi, LabEvents } from './lab-types';
import type { MonitorApi, MonitorEvents } from './monitor-types';

export interface StatView {
  czxid: string;
  mzxid: string;
  pzxid: string;
  ctime: number;
  mtime: number;
  version: number;
  cversion: number;
  aversion: number;
  /** Session id of the owner of an ephemeral node, decimal; "0" for other nodes. */
  ephemeralOwner: string;
  dataLength: number;
  numChildren: number;
}

export interface AclView {
  /** ZooDefs.Perms bits (READ 1, WRITE 2, CREATE 4, DELETE 8, ADMIN 16). */
  perms: number;
  scheme: string;
  id: string;
}

export interface ConnectionProfile {
  id: string;
  name: string;
  /** host:port[,host:port...][/chroot] */
  connectString: string;
  sessionTimeoutMs: number;
  /** Digest user, if the connection authenticates. */
  authUser: string | null;
  /** True when a password is stored (encrypted) for authUser. */
  hasStoredPassword: boolean;
}

export interface SaveConnectionInput {
  id?: string;
  name: string;
  connectString: string;
  sessionTimeoutMs: number;
  authUser?: string | null;
  /** Given to (re)store a password; null clears it; undefined keeps what is stored. */
  password?: string | null;
  /** Store the password (encrypted). When false the password is only used for this run. */
  rememberPassword?: boolean;
}

export interface OpenSessionInput {
  /** A saved connection to open, or an ad-hoc connect string. */
  profileId?: string;
  connectString?: string;
  sessionTimeoutMs?: number;
  authUser?: string | null;
  /** Needed when the profile has a user but no stored password. */
  password?: string | null;
}

export type SessionState = 'connecting' | 'connected' | 'disconnected' | 'expired' | 'authFailed' | 'closed';

export interface SessionInfo {
  sessionKey: string;
  connectString: string;
  state: SessionState;
  /** Session id as 0x-prefixed hex, as zkCli prints it. */
  sessionId: string;
  negotiatedTimeoutMs: number;
  server: string | null;
}

export interface ChildrenView {
  path: string;
  children: string[];
  stat: StatView;
}

export interface NodeView {
  path: string;
  /** base64 of the node's bytes; null when the node has null data. */
  data: string | null;
  stat: StatView;
  acl: AclView[];
}

export type CreateModeName =
  | 'PERSISTENT'
  | 'EPHEMERAL'
  | 'PERSISTENT_SEQUENTIAL'
  | 'EPHEMERAL_SEQUENTIAL'
  | 'CONTAINER'
  | 'PERSISTENT_WITH_TTL'
  | 'PERSISTENT_SEQUENTIAL_WITH_TTL';

export interface CreateInput {
  path: string;
  data: string | null;
  mode: CreateModeName;
  ttlMs?: number;
}

export interface ShellResult {
  ok: boolean;
  output: string;
}

/** Errors cross the transport as this shape; `code`/`codeName` are ZooKeeper's when it has one. */
export interface ApiError {
  code: number | null;
  codeName: string | null;
  message: string;
}

/** Every call the renderer can make: name → (params) → result. Monitoring's and the lab's are in monitor-types.ts and lab-types.ts. */
export interface ZooLabApi extends MonitorApi, LabApi {
  'connections.list': () => ConnectionProfile[];
  'connections.save': (input: SaveConnectionInput) => ConnectionProfile;
  'connections.remove': (id: string) => void;
  'session.open': (input: OpenSessionInput) => SessionInfo;
  'session.close': (sessionKey: string) => void;
  'session.info': (sessionKey: string) => SessionInfo;
  'node.children': (sessionKey: string, path: string) => ChildrenView;
  'node.get': (sessionKey: string, path: string) => NodeView;
  /** A node's Stat without data, ACL or a watch (cheap: used for child counts of visible rows). */
  'node.stat': (sessionKey: string, path: string) => StatView;
  'node.create': (sessionKey: string, input: CreateInput) => { path: string };
  'node.set': (sessionKey: string, path: string, data: string | null, version: number) => StatView;
  'node.delete': (sessionKey: string, path: string, version: number) => void;
  /** Number of nodes a recursive delete of path would remove (path included). */
  'node.countSubtree': (sessionKey: string, path: string) => number;
  'node.deleteAll': (sessionKey: string, path: string) => number;
  'shell.run': (sessionKey: string, line: string) => ShellResult;
}

export type ApiMethod = keyof ZooLabApi;

/** Events the host pushes to the renderer (monitoring's and the lab's in monitor-types.ts and lab-types.ts). */
export interface ZooLabEvents extends MonitorEvents, LabEvents {
  'session.state': SessionInfo;
  /** A watch fired: the renderer refreshes what it shows of `path`. */
  'node.changed': { sessionKey: string; path: string; kind: 'data' | 'children' | 'created' | 'deleted' };
  /** Shell output between commands (a watch set with `-w` fired), as zkCli prints it; ends in \n. */
  'shell.output': { sessionKey: string; text: string };
}

export type ApiEventName = keyof ZooLabEvents;

/** Wire messages of both transports. */
export type ApiRequest = { id: number; method: ApiMethod; params: unknown[] };
export type ApiResponse = { id: number; result?: unknown; error?: ApiError };
export type ApiPush = { event: ApiEventName; data: unknown };

/** A call's outcome without the request id: what `window.zoolab.call` resolves to (it never rejects). */
export type ApiOutcome = { result?: unknown; error?: ApiError };

/** What the Electron preload exposes as `window.zoolab`. */
export interface ZooLabBridge {
  call(method: ApiMethod, ...params: unknown[]): Promise<ApiOutcome>;
  /** Subscribes to pushed events; returns the unsubscribe function. */
  on(event: ApiEventName, listener: (data: unknown) => void): () => void;
}
