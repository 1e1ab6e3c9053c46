// Per-server spans the ZAB timeline shades its rows with: the role each server held, and the
// epoch it was working in.
import { numberField, stringField, type ZooEvent } from './zoo-event';

export type ZabRole = 'LOOKING' | 'LEADING' | 'FOLLOWING' | 'OBSERVING';

export interface RoleSpan {
  node: number;
  role: ZabRole;
  /** Whom a follower or observer follows. */
  leader: number | null;
  start: number;
  /** Null while the server still holds the role. */
  end: number | null;
}

export interface EpochSpan {
  node: number;
  epoch: number;
  start: number;
  end: number | null;
}

const ROLES: readonly string[] = ['LOOKING', 'LEADING', 'FOLLOWING', 'OBSERVING'];

/** Role spans from `zab.state`, ended by the next one or by the server stopping or dying. */
export function roleSpans(events: readonly ZooEvent[]): RoleSpan[] {
  return followSpans<RoleSpan>(events, (e) => {
    if (e.type !== 'zab.state') return undefined;
    const role = stringField(e, 'state');
    if (role === null || !ROLES.includes(role)) return undefined;
    return { node: e.node, role: role as ZabRole, leader: numberField(e, 'leader'), start: e.ts, end: null };
  });
}

/**
 * Epoch spans: from the moment a server accepts or moves into an epoch (`zab.epoch.accepted`,
 * `zab.phase` with an epoch, `zab.epoch.current`) until it changes role, stops or dies.
 */
export function epochSpans(events: readonly ZooEvent[]): EpochSpan[] {
  return followSpans<EpochSpan>(events, (e, open) => {
    if (e.type === 'zab.state') return null;
    if (e.type !== 'zab.epoch.accepted' && e.type !== 'zab.phase' && e.type !== 'zab.epoch.current') return undefined;
    const epoch = numberField(e, 'epoch');
    // A leader in discovery reports epoch -1: it has none yet.
    if (epoch === null || epoch < 0 || open?.epoch === epoch) return undefined;
    return { node: e.node, epoch, start: e.ts, end: null };
  });
}

/**
 * Walks each server's events keeping one open span: `next` returns a span to open (closing the
 * current one), null to close the current one, undefined to leave it. A `state` stopped closes it;
 * a `state` started means the server died unannounced, so its span ends at its last event before.
 */
function followSpans<S extends { node: number; start: number; end: number | null }>(
  events: readonly ZooEvent[],
  next: (e: ZooEvent, open: S | undefined) => S | null | undefined,
): S[] {
  const spans: S[] = [];
  const open = new Map<number, S>();
  const lastSeen = new Map<number, number>();
  for (const e of events) {
    const current = open.get(e.node);
    if (current && e.type === 'state' && (e.state === 'stopped' || e.state === 'started')) {
      current.end = e.state === 'stopped' ? e.ts : (lastSeen.get(e.node) ?? current.start);
      open.delete(e.node);
    } else {
      const opened = next(e, current);
      if (opened !== undefined && current) {
        current.end = e.ts;
        open.delete(e.node);
      }
      if (opened) {
        spans.push(opened);
        open.set(e.node, opened);
      }
    }
    lastSeen.set(e.node, e.ts);
  }
  return spans;
}
