// One open ZooKeeper session as the renderer sees it: its node operations, and the one-shot
// watches that keep what the renderer shows live (re-armed after each event, one per path and kind).
import type { ClientState, Watcher, ZooKeeperClient } from '../client';
import { ErrorCode, EventType, ZooKeeperError, type WatcherEvent } from '../protocol';
import { aclView, createModeValue, fromBase64, sessionIdHex, statView, toBase64 } from './convert';
import { badArguments } from './errors';
import { countSubtree, deleteSubtree } from './subtree';
import type { ChildrenView, CreateInput, NodeView, SessionInfo, StatView, ZooLabEvents } from './types';

export type NodeChange = ZooLabEvents['node.changed']['kind'];

export interface LiveSessionEvents {
  state(info: SessionInfo): void;
  changed(path: string, kind: NodeChange): void;
}

type WatchKind = 'data' | 'children';

export class LiveSession {
  /** `${kind}:${path}` of every watch this session has outstanding at the server. */
  private readonly armed = new Set<string>();
  private readonly watcher = (event: WatcherEvent): void => this.onWatch(event);

  constructor(
    readonly key: string,
    readonly zk: ZooKeeperClient,
    private readonly events: LiveSessionEvents,
  ) {
    zk.on('state', (s) => this.onState(s));
  }

  info(): SessionInfo {
    return {
      sessionKey: this.key,
      connectString: this.zk.connectString,
      state: this.zk.state,
      sessionId: sessionIdHex(this.zk.sessionId),
      negotiatedTimeoutMs: this.zk.negotiatedTimeoutMs,
      server: this.zk.currentServer,
    };
  }

  async children(path: string): Promise<ChildrenView> {
    const { children, stat } = await this.withWatch('children', path, (w) => this.zk.getChildren(path, w));
    return { path, children: [...children].sort(), stat: statView(stat) };
  }

  async get(path: string): Promise<NodeView> {
    const [{ data, stat }, { acl }] = await Promise.all([
      this.withWatch('data', path, (w) => this.zk.getData(path, w)),
      this.zk.getACL(path),
    ]);
    return { path, data: toBase64(data), stat: statView(stat), acl: aclView(acl) };
  }

  async stat(path: string): Promise<StatView> {
    const stat = await this.zk.exists(path);
    if (!stat) throw new ZooKeeperError(ErrorCode.NONODE, path);
    return statView(stat);
  }

  async create(input: CreateInput): Promise<{ path: string }> {
    if (typeof input !== 'object' || input === null) throw badArguments('create needs a path, data and a mode');
    const mode = createModeValue(input.mode);
    const ttl = input.ttlMs;
    if (ttl !== undefined && (!Number.isInteger(ttl) || ttl <= 0)) throw badArguments('the TTL must be a whole number of milliseconds above 0');
    const { path } = await this.zk.create(input.path, fromBase64(input.data), { mode, ttl });
    return { path };
  }

  async set(path: string, data: unknown, version: number): Promise<StatView> {
    return statView(await this.zk.setData(path, fromBase64(data), version));
  }

  delete(path: string, version: number): Promise<void> {
    return this.zk.delete(path, version);
  }

  countSubtree(path: string): Promise<number> {
    return countSubtree(this.zk, path);
  }

  deleteAll(path: string): Promise<number> {
    return deleteSubtree(this.zk, path);
  }

  close(): Promise<void> {
    return this.zk.close();
  }

  /** Passes our watcher only when no watch of this kind is outstanding at path. */
  private async withWatch<T>(kind: WatchKind, path: string, read: (w?: Watcher) => Promise<T>): Promise<T> {
    const id = `${kind}:${path}`;
    if (this.armed.has(id)) return read();
    this.armed.add(id);
    try {
      return await read(this.watcher);
    } catch (err) {
      // Reads that fail (NONODE, connection loss) leave no watch at the server.
      this.armed.delete(id);
      throw err;
    }
  }

  private onWatch(event: WatcherEvent): void {
    const { path } = event;
    switch (event.type) {
      case EventType.NodeDataChanged:
      case EventType.NodeCreated:
        this.armed.delete(`data:${path}`);
        this.events.changed(path, event.type === EventType.NodeCreated ? 'created' : 'data');
        this.rearm('data', path);
        break;
      case EventType.NodeChildrenChanged:
        this.armed.delete(`children:${path}`);
        this.events.changed(path, 'children');
        this.rearm('children', path);
        break;
      case EventType.NodeDeleted:
        // The parent's child watch reports a re-creation, so a deleted path is not watched again.
        this.armed.delete(`data:${path}`);
        this.armed.delete(`children:${path}`);
        this.events.changed(path, 'deleted');
        break;
    }
  }

  private rearm(kind: WatchKind, path: string): void {
    // The renderer may already have re-read (and re-armed) in reply to the event.
    if (this.armed.has(`${kind}:${path}`)) return;
    // exists also arms on a node deleted meanwhile, so its re-creation is seen.
    const read = (w?: Watcher): Promise<unknown> => (kind === 'data' ? this.zk.exists(path, w) : this.zk.getChildren(path, w));
    // Failure means the node went away or the connection dropped; the next read arms it again.
    this.withWatch(kind, path, read).catch(() => undefined);
  }

  private onState(state: ClientState): void {
    // An expired session's watches are gone at the server.
    if (state === 'expired' || state === 'closed' || state === 'authFailed') this.armed.clear();
    this.events.state(this.info());
  }
}
