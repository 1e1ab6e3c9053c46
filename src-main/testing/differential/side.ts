// One side of a differential run: a server, the run's sessions on it (each behind its own
// logging proxy), and the bookkeeping that makes that server's answers comparable with the
// other side's (session labels, sequential names, the zxid base).

import { ZooKeeperClient, type ClientState, type Watcher } from '../../client';
import { parseConnectString } from '../../client/connect-string';
import { ErrorCode, errorName } from '../../protocol/errors';
import { baseName, parentOf } from '../../protocol/paths';
import { Normalizer, zxidFormatter, type StepOutcome } from './normalize';
import { runClientOp } from './operations';
import { closeSessionRaw, decodeRawReply, rawRequestFrame } from './raw';
import { CONNECTION_CLOSED, SessionProxy } from './session-proxy';
import { SEQ_REF, SLOTS, type RawOp, type Step } from './steps';

export interface SideOptions {
  sessionTimeoutMs: number;
  zxids: 'exact' | 'relative';
}

// Injected requests use xids far above the client's own, which count up from 1.
const FIRST_RAW_XID = 0x40000000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class DiffSide {
  private readonly clients: Array<ZooKeeperClient | null> = SLOTS.map(() => null);
  private readonly incarnations = SLOTS.map(() => 0);
  private readonly offline = SLOTS.map(() => false);
  private readonly watchers: Watcher[] = SLOTS.map(() => () => {});
  private readonly labels = new Map<bigint, string>();
  /** Newest sequential child name per absolute parent path. */
  private readonly sequential = new Map<string, string>();
  private zxidBase = 0n;
  private nextRawXid = FIRST_RAW_XID;

  private constructor(
    readonly name: string,
    private readonly host: { host: string; port: number },
    private readonly proxies: SessionProxy[],
    private readonly opts: SideOptions,
    private readonly formatZxid: (z: bigint) => string,
  ) {}

  static async start(name: string, connectString: string, opts: SideOptions): Promise<DiffSide> {
    const parsed = parseConnectString(connectString);
    if (parsed.hosts.length !== 1 || parsed.chroot) throw new Error(`${name}: give one host:port without a chroot (got ${connectString})`);
    const host = parsed.hosts[0];
    let side: DiffSide | null = null;
    const format = zxidFormatter(opts.zxids, () => side!.zxidBase);
    const proxies = await Promise.all(SLOTS.map(() => SessionProxy.start(host, format)));
    side = new DiffSide(name, host, proxies, opts, format);
    return side;
  }

  /**
   * Opens every slot's session in order (each creates a session, so the order fixes the zxids).
   * The zxid base is read right after the first one, before any zxid is logged.
   */
  async setup(): Promise<StepOutcome> {
    const result: unknown[] = [await this.open(0)];
    const first = this.clients[0]!;
    const root = await first.getChildren('/');
    this.zxidBase = first.lastZxid;
    // Logged before the base was known: in relative mode those zxids would not compare.
    this.proxies[0].take();
    if (root.children.some((c) => c !== 'zookeeper')) {
      throw new Error(`${this.name} is not a fresh server: / has ${root.children.join(', ')}`);
    }
    for (let slot = 1; slot < SLOTS.length; slot++) result.push(await this.open(slot));
    return this.outcome(result, new Normalizer((id) => this.label(id), this.formatZxid));
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c?.close().catch(() => {})));
    await Promise.all(this.proxies.map((p) => p.close()));
  }

  private label(sessionId: bigint): string {
    return this.labels.get(sessionId) ?? `foreign:${sessionId.toString(16)}`;
  }

  private async open(slot: number): Promise<unknown> {
    const spec = SLOTS[slot];
    const client = new ZooKeeperClient({
      connectString: `127.0.0.1:${this.proxies[slot].port}${spec.chroot}`,
      sessionTimeoutMs: this.opts.sessionTimeoutMs,
      requestTimeoutMs: 15_000,
    });
    await client.connect();
    const label = `${spec.name}#${this.incarnations[slot]++}`;
    this.labels.set(client.sessionId, label);
    this.clients[slot] = client;
    for (const [scheme, credential] of spec.auth) await client.addAuth(scheme, credential);
    return { session: label, timeoutMs: client.negotiatedTimeoutMs };
  }

  async execute(step: Step): Promise<StepOutcome> {
    const n = new Normalizer((id) => this.label(id), this.formatZxid);
    const client = this.clients[step.slot]!;
    switch (step.kind) {
      case 'close': {
        await client.close();
        return this.outcome({ closed: await this.open(step.slot) }, n);
      }
      case 'expire': return this.outcome(await this.expire(step.slot), n);
      case 'disconnect':
        this.offline[step.slot] = true;
        this.proxies[step.slot].hold();
        return this.outcome(await waitForState(client, ['disconnected'], 5000), n);
      case 'reconnect':
        this.offline[step.slot] = false;
        this.proxies[step.slot].release();
        return this.outcome(await waitForState(client, ['connected'], 15_000), n);
      case 'raw': return this.outcome(await this.raw(step.slot, step.op, n), n);
      default: {
        const result = await runClientOp(step, {
          client, n, watcher: this.watchers[step.slot],
          path: (p) => this.resolve(step.slot, p),
          created: (p) => this.sequential.set(parentOf(this.absolute(step.slot, p)), baseName(p)),
        });
        // A session that failed authentication is dead to its client but lives on at the server.
        const replaced = client.state === 'authFailed' ? { replaced: await this.replaceAuthFailed(step.slot) } : {};
        return this.outcome({ ...(result as object), ...replaced }, n);
      }
    }
  }

  private outcome(result: unknown, n: Normalizer): StepOutcome {
    return { result, logs: {}, orders: n.orders };
  }

  private absolute(slot: number, clientPath: string): string {
    const chroot = SLOTS[slot].chroot;
    if (!chroot) return clientPath;
    return clientPath === '/' ? chroot : chroot + clientPath;
  }

  private resolve(slot: number, path: string): string {
    if (!path.endsWith(`/${SEQ_REF}`)) return path;
    const parent = path.slice(0, -2) || '/';
    const name = this.sequential.get(this.absolute(slot, parent)) ?? 'none';
    return parent === '/' ? `/${name}` : `${parent}/${name}`;
  }

  private async replaceAuthFailed(slot: number): Promise<unknown> {
    const client = this.clients[slot]!;
    const closed = await closeSessionRaw(this.host.host, this.host.port, client.sessionId, client.sessionPassword,
      this.opts.sessionTimeoutMs, this.formatZxid);
    await client.close();
    return { orphan: closed, session: await this.open(slot) };
  }

  /**
   * Holds the session off the server until the server expires it, then opens a new one. A
   * client let back in too early reattaches (no transaction); it is cut off again and waits more.
   */
  private async expire(slot: number): Promise<unknown> {
    const client = this.clients[slot]!;
    const proxy = this.proxies[slot];
    for (let attempt = 1; attempt <= 4; attempt++) {
      proxy.hold();
      await sleep(client.negotiatedTimeoutMs + 500 + 500 * attempt);
      proxy.release();
      const state = await waitForState(client, ['expired', 'connected'], 15_000);
      if (state === 'expired') {
        // How many tries it took is timing, not behaviour: the slot's log of them is dropped.
        proxy.take();
        await client.close();
        return { expired: await this.open(slot) };
      }
    }
    return { expired: false };
  }

  private async raw(slot: number, op: RawOp, n: Normalizer): Promise<unknown> {
    const xid = this.nextRawXid++;
    const client = this.clients[slot]!;
    // Watched from before the injection: the server may drop the connection right after its reply.
    const back = reconnection(client, 15_000);
    const reply = await this.proxies[slot].inject(xid, rawRequestFrame(xid, op));
    if (reply === CONNECTION_CLOSED) {
      // The server dropped the connection: wait for the client to come back on the same session.
      return { closed: true, state: await back.done };
    }
    // An unknown op is answered UNIMPLEMENTED and the connection closed after it; how soon the
    // client notices is timing, so the step waits until it is back.
    if (reply.err === ErrorCode.UNIMPLEMENTED) return { err: errorName(reply.err), closed: true, state: await back.done };
    back.cancel();
    return reply.err === 0 ? { ok: decodeRawReply(op.opcode, reply.body, n) } : { err: errorName(reply.err) };
  }

  /**
   * A round trip on every live session: replies come in order, so every notification the server
   * sent before answering it has been logged by the proxy when it returns.
   */
  async barrier(): Promise<void> {
    await Promise.all(this.clients.map((c, slot) => (this.offline[slot] ? null : c!.exists('/').catch(() => null))));
  }

  takeLogs(): Record<string, string[]> {
    const logs: Record<string, string[]> = {};
    SLOTS.forEach((spec, slot) => {
      const entries = this.proxies[slot].take();
      if (entries.length) logs[spec.name] = entries;
    });
    return logs;
  }
}

/** Resolves when the client has lost its connection and come back (or expired). */
function reconnection(client: ZooKeeperClient, timeoutMs: number): { done: Promise<string>; cancel(): void } {
  let cancel = () => {};
  const done = new Promise<string>((resolve) => {
    let down = false;
    const timer = setTimeout(() => finish(`still ${client.state} after ${timeoutMs} ms`), timeoutMs);
    const onState = (state: ClientState) => {
      if (state === 'disconnected') down = true;
      else if (state === 'expired' || (down && state === 'connected')) finish(state);
    };
    const finish = (result: string) => {
      clearTimeout(timer);
      client.off('state', onState);
      resolve(result);
    };
    cancel = () => finish('cancelled');
    client.on('state', onState);
  });
  return { done, cancel };
}

async function waitForState(client: ZooKeeperClient, states: ClientState[], timeoutMs: number): Promise<string> {
  const end = Date.now() + timeoutMs;
  while (!states.includes(client.state)) {
    if (Date.now() > end) return `still ${client.state} after ${timeoutMs} ms`;
    await sleep(10);
  }
  return client.state;
}
