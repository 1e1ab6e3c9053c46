// The ZooLab API behind both transports. Each window or WebSocket is one ApiClient: it owns the
// sessions it opens (closed when it goes away) and receives their events.
import { randomBytes } from 'node:crypto';
import { ZooKeeperClient } from '../client';
import { LabManager } from '../lab/lab-manager';
import { createShellContext, runShellLine, type ShellContext } from '../shell/shell';
import type { Store } from '../store/store';
import { ApiFailure, badArguments, toApiError } from './errors';
import { labHandlers } from './lab-service';
import type { LabEvents } from './lab-types';
import { LiveSession } from './live-session';
import { isApiMethod } from './methods';
import { MonitorService, monitorHandlers } from './monitor-service';
import type { MonitorEvents } from './monitor-types';
import type { ApiEventName, ApiOutcome, OpenSessionInput, SessionInfo, ZooLabApi, ZooLabEvents } from './types';

export type PushEvent = <E extends ApiEventName>(event: E, data: ZooLabEvents[E]) => void;

type Handlers = { [M in keyof ZooLabApi]: (...params: unknown[]) => Promise<ReturnType<ZooLabApi[M]>> | ReturnType<ZooLabApi[M]> };

const DEFAULT_SESSION_TIMEOUT_MS = 30_000;

export class ZooLabService {
  private readonly clients = new Set<ApiClient>();
  /** Remote ensembles' pollers: shared by every caller, their events pushed to all of them. */
  readonly monitor: MonitorService;
  /** Local ensembles run by this host: shared by every caller, their events pushed to all of them. */
  readonly lab: LabManager;

  constructor(readonly store: Store) {
    this.monitor = new MonitorService(store, <E extends keyof MonitorEvents>(event: E, data: MonitorEvents[E]) => {
      for (const c of this.clients) c.notify(event, data as ZooLabEvents[E]);
    });
    this.lab = new LabManager({
      store,
      push: <E extends keyof LabEvents>(event: E, data: LabEvents[E]) => {
        for (const c of this.clients) c.notify(event, data as ZooLabEvents[E]);
      },
    });
  }

  /** A new caller (window, WebSocket) whose events go to `push`. */
  connect(push: PushEvent): ApiClient {
    const client = new ApiClient(this, push, () => this.clients.delete(client));
    this.clients.add(client);
    return client;
  }

  /** Closes every session of every caller, stops monitoring and the lab's servers (the host is shutting down). */
  async close(): Promise<void> {
    await Promise.all([...this.clients].map((c) => c.dispose()));
    await Promise.all([this.monitor.close(), this.lab.close()]);
  }
}

export class ApiClient {
  private readonly sessions = new Map<string, LiveSession>();
  private readonly shellContexts = new Map<string, ShellContext>();
  private disposed = false;

  constructor(
    private readonly service: ZooLabService,
    private readonly push: PushEvent,
    private readonly onDispose: () => void,
  ) {}

  /** Runs one call; every failure comes back as an ApiError, never as a throw. */
  async call(method: unknown, params: unknown): Promise<ApiOutcome> {
    try {
      if (!isApiMethod(method)) throw new ApiFailure(`unknown method ${JSON.stringify(method)}`);
      if (!Array.isArray(params)) throw badArguments(`the parameters of ${method} must be an array`);
      if (this.disposed) throw new ApiFailure('this connection to ZooLab is closed');
      const result = await (this.handlers[method] as (...p: unknown[]) => unknown)(...params);
      return { result: result === undefined ? null : result };
    } catch (err) {
      return { error: toApiError(err) };
    }
  }

  /** Pushes an event that is not about this caller's own sessions (monitoring). */
  notify: PushEvent = (event, data) => {
    if (!this.disposed) this.push(event, data);
  };

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.onDispose();
    const open = [...this.sessions.values()];
    this.sessions.clear();
    this.shellContexts.clear();
    await Promise.all(open.map((s) => s.close().catch(() => undefined)));
  }

  private readonly handlers: Handlers = {
    ...monitorHandlers(() => this.service.monitor),
    ...labHandlers(() => this.service.lab),
    'connections.list': () => this.store.connections.list(),
    'connections.save': (input) => this.store.connections.save(input as never),
    'connections.remove': (id) => this.store.connections.remove(text(id, 'connection id')),
    'session.open': (input) => this.open(input as OpenSessionInput),
    'session.close': async (key) => {
      const s = this.session(key);
      this.forget(s.key);
      await s.close();
    },
    'session.info': (key) => this.session(key).info(),
    'node.children': (key, path) => this.session(key).children(text(path, 'path')),
    'node.get': (key, path) => this.session(key).get(text(path, 'path')),
    'node.stat': (key, path) => this.session(key).stat(text(path, 'path')),
    'node.create': (key, input) => this.session(key).create(input as never),
    'node.set': (key, path, data, version) => this.session(key).set(text(path, 'path'), data, int(version, 'version')),
    'node.delete': (key, path, version) => this.session(key).delete(text(path, 'path'), int(version, 'version')),
    'node.countSubtree': (key, path) => this.session(key).countSubtree(text(path, 'path')),
    'node.deleteAll': (key, path) => this.session(key).deleteAll(text(path, 'path')),
    'shell.run': async (key, line) => {
      const s = this.session(key);
      const ctx = this.shellContext(s);
      const { ok, output } = await runShellLine(s.zk, text(line, 'command line'), ctx);
      // `quit` ends the session, as in zkCli; the renderer learns it from session.state.
      if (ctx.quitRequested) {
        this.forget(s.key);
        await s.close();
      }
      return { ok, output };
    },
  };

  private get store(): Store {
    return this.service.store;
  }

  private async open(input: OpenSessionInput): Promise<SessionInfo> {
    if (typeof input !== 'object' || input === null) throw badArguments('open needs a saved connection id or a connect string');
    let connectString: string;
    let sessionTimeoutMs: number;
    let authUser: string | null;
    let password = typeof input.password === 'string' ? input.password : null;
    if (input.profileId !== undefined) {
      const { profile, password: known } = await this.store.connections.credentials(text(input.profileId, 'connection id'));
      ({ connectString, sessionTimeoutMs, authUser } = profile);
      password ??= known;
      if (authUser !== null && password === null) {
        throw new ApiFailure(`"${profile.name}" logs in as ${authUser}: enter the password`, null, 'PASSWORD_REQUIRED');
      }
    } else {
      connectString = text(input.connectString, 'connect string');
      sessionTimeoutMs = input.sessionTimeoutMs === undefined ? DEFAULT_SESSION_TIMEOUT_MS : int(input.sessionTimeoutMs, 'session timeout');
      authUser = typeof input.authUser === 'string' && input.authUser !== '' ? input.authUser : null;
      if (authUser !== null && password === null) throw new ApiFailure(`logging in as ${authUser} needs a password`, null, 'PASSWORD_REQUIRED');
    }

    const zk = new ZooKeeperClient({ connectString, sessionTimeoutMs });
    try {
      await zk.connect();
      if (authUser !== null) await zk.addAuth('digest', `${authUser}:${password}`);
    } catch (err) {
      await zk.close().catch(() => undefined);
      const e = toApiError(err);
      throw new ApiFailure(`could not open a session on ${connectString}: ${e.message}`, e.code, e.codeName);
    }
    if (this.disposed) {
      await zk.close();
      throw new ApiFailure('this connection to ZooLab is closed');
    }

    const key = randomBytes(16).toString('base64url');
    const session = new LiveSession(key, zk, {
      state: (info) => {
        if (info.state === 'closed') this.forget(key);
        this.push('session.state', info);
      },
      changed: (path, kind) => this.push('node.changed', { sessionKey: key, path, kind }),
    });
    this.sessions.set(key, session);
    return session.info();
  }

  private session(key: unknown): LiveSession {
    const s = typeof key === 'string' ? this.sessions.get(key) : undefined;
    if (!s) throw new ApiFailure('this session is no longer open; open the connection again', null, 'NOSESSION');
    return s;
  }

  private forget(key: string): void {
    this.sessions.delete(key);
    this.shellContexts.delete(key);
  }

  private shellContext(s: LiveSession): ShellContext {
    let ctx = this.shellContexts.get(s.key);
    if (!ctx) {
      ctx = createShellContext({
        connectString: s.zk.connectString,
        onWatchEvent: (line) => this.push('shell.output', { sessionKey: s.key, text: `WATCHER::\n\n${line}\n` }),
      });
      this.shellContexts.set(s.key, ctx);
    }
    return ctx;
  }
}

function text(v: unknown, what: string): string {
  if (typeof v !== 'string' || v === '') throw badArguments(`the ${what} must be non-empty text`);
  return v;
}

function int(v: unknown, what: string): number {
  if (!Number.isInteger(v)) throw badArguments(`the ${what} must be a whole number`);
  return v as number;
}
