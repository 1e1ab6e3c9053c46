// The relay mesh of a cluster: one LinkRelay per ordered pair of servers (who dials whom) and per
// port kind, driven link by link. A link a–b covers all relays between a and b: a dialling b and b
// dialling a, on the quorum and on the election port.
//
// Directions of a link map onto a relay's directions by who dials:
//   relay where a dials b: forward carries a->b, backward carries b->a;
//   relay where b dials a: forward carries b->a, backward carries a->b.
// So cut(a, b, 'a->b') cuts forward on the first kind of relay and backward on the second.

import { LinkRelay, type FlowState, type LinkRelayStats } from './link-relay';

export type LinkKind = 'quorum' | 'election';
/** 'both', or which server's bytes stop reaching the other, e.g. '1->2'. */
export type LinkDirection = 'both' | `${number}->${number}`;

export interface LinkDescription {
  /** The lower server id of the two. */
  a: number;
  b: number;
  aToB: FlowState;
  bToA: FlowState;
  delayMs: number;
  connections: number;
  bytesAToB: number;
  bytesBToA: number;
}

export type LinkEvent =
  | { type: 'cut'; a: number; b: number; direction: LinkDirection }
  | { type: 'heal'; a: number; b: number }
  | { type: 'delay'; a: number; b: number; delayMs: number };

interface RelayEntry {
  from: number;
  to: number;
  kind: LinkKind;
  relay: LinkRelay;
}

/** A link's settings, kept here so a relay added later starts out the way its link is. */
interface LinkState {
  a: number;
  b: number;
  aToB: FlowState;
  bToA: FlowState;
  delayMs: number;
}

export class LinkRelays {
  private readonly relays = new Map<string, RelayEntry>();
  private readonly links = new Map<string, LinkState>();
  private readonly listeners = new Set<(event: LinkEvent) => void>();

  constructor(private readonly host = '127.0.0.1') {}

  /** A relay for `from` dialling `to`'s port of this kind; resolves with the port `from` should dial. */
  /** Starts the relay for `from` dialling `to`'s port; listenPort 0 lets the kernel pick. */
  async add(from: number, to: number, kind: LinkKind, targetPort: number, listenPort = 0): Promise<number> {
    if (from === to) throw new RangeError(`server ${from} does not dial itself`);
    const key = `${from}->${to}:${kind}`;
    if (this.relays.has(key)) throw new Error(`a relay for ${key} exists already`);
    const relay = new LinkRelay({ listenHost: this.host, listenPort, targetHost: this.host, targetPort });
    const entry = { from, to, kind, relay };
    this.relays.set(key, entry);
    const port = await relay.start().catch((err: unknown) => {
      this.relays.delete(key);
      throw err;
    });
    this.applyLinkState(entry, this.linkState(from, to));
    return port;
  }

  cut(a: number, b: number, direction: LinkDirection): void {
    const link = this.existingLink(a, b);
    const cutsAToB = direction === 'both' || direction === `${link.a}->${link.b}`;
    const cutsBToA = direction === 'both' || direction === `${link.b}->${link.a}`;
    if (!cutsAToB && !cutsBToA) throw new RangeError(`the link ${a}-${b} has no direction ${direction}`);
    if (cutsAToB) link.aToB = 'cut';
    if (cutsBToA) link.bToA = 'cut';
    for (const entry of this.relaysOf(link)) {
      const forwardCut = entry.from === link.a ? cutsAToB : cutsBToA;
      const backwardCut = entry.from === link.a ? cutsBToA : cutsAToB;
      entry.relay.cut(forwardCut && backwardCut ? 'both' : forwardCut ? 'forward' : 'backward');
    }
    this.emit({ type: 'cut', a: link.a, b: link.b, direction });
  }

  heal(a: number, b: number): void {
    const link = this.existingLink(a, b);
    link.aToB = 'open';
    link.bToA = 'open';
    for (const entry of this.relaysOf(link)) entry.relay.heal();
    this.emit({ type: 'heal', a: link.a, b: link.b });
  }

  setDelay(a: number, b: number, ms: number): void {
    const link = this.existingLink(a, b);
    for (const entry of this.relaysOf(link)) entry.relay.setDelay(ms);
    link.delayMs = ms;
    this.emit({ type: 'delay', a: link.a, b: link.b, delayMs: ms });
  }

  /** Opens every cut link; delays stay. */
  healAll(): void {
    for (const link of this.links.values()) {
      if (link.aToB === 'cut' || link.bToA === 'cut') this.heal(link.a, link.b);
    }
  }

  async closeAll(): Promise<void> {
    const entries = [...this.relays.values()];
    this.relays.clear();
    this.links.clear();
    await Promise.all(entries.map((e) => e.relay.close()));
  }

  describe(): LinkDescription[] {
    return [...this.links.values()]
      .sort((x, y) => x.a - y.a || x.b - y.b)
      .map((link) => {
        const totals = { connections: 0, bytesAToB: 0, bytesBToA: 0 };
        for (const entry of this.relaysOf(link)) {
          const stats = entry.relay.stats();
          totals.connections += stats.connections;
          totals.bytesAToB += bytesFrom(link.a, entry, stats);
          totals.bytesBToA += bytesFrom(link.b, entry, stats);
        }
        return { a: link.a, b: link.b, aToB: link.aToB, bToA: link.bToA, delayMs: link.delayMs, ...totals };
      });
  }

  /** Calls back on every cut, heal and delay change of a link; returns the unsubscribe. */
  onEvent(listener: (event: LinkEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The link between x and y, created open with its first relay. */
  private linkState(x: number, y: number): LinkState {
    const [a, b] = x < y ? [x, y] : [y, x];
    const key = `${a}-${b}`;
    let link = this.links.get(key);
    if (!link) {
      link = { a, b, aToB: 'open', bToA: 'open', delayMs: 0 };
      this.links.set(key, link);
    }
    return link;
  }

  /** Faults are for links that have relays: a typo'd server id fails loudly instead of doing nothing. */
  private existingLink(x: number, y: number): LinkState {
    const link = this.links.get(x < y ? `${x}-${y}` : `${y}-${x}`);
    if (!link) throw new RangeError(`no relays between servers ${x} and ${y}`);
    return link;
  }

  private relaysOf(link: LinkState): RelayEntry[] {
    return [...this.relays.values()].filter((e) => Math.min(e.from, e.to) === link.a && Math.max(e.from, e.to) === link.b);
  }

  private applyLinkState(entry: RelayEntry, link: LinkState): void {
    const forward = entry.from === link.a ? link.aToB : link.bToA;
    const backward = entry.from === link.a ? link.bToA : link.aToB;
    if (forward === 'cut' || backward === 'cut') {
      entry.relay.cut(forward === backward ? 'both' : forward === 'cut' ? 'forward' : 'backward');
    }
    if (link.delayMs > 0) entry.relay.setDelay(link.delayMs);
  }

  private emit(event: LinkEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/** The bytes `sender` sent through this relay: forward if it is the dialling side, else backward. */
function bytesFrom(sender: number, entry: RelayEntry, stats: LinkRelayStats): number {
  return entry.from === sender ? stats.bytesForward : stats.bytesBackward;
}
