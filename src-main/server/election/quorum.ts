// QuorumMaj: a quorum is a strict majority of the voting members (participants); observers are
// members that never count. Also the config text (QuorumMaj.toString) every notification carries.

import type { ServerEntry } from '../config';

export class QuorumMaj {
  readonly voters: ReadonlySet<number>;
  readonly observers: ReadonlySet<number>;
  /** QuorumMaj.half: a set is a quorum when it has more than this many voters. */
  readonly half: number;

  constructor(voters: Iterable<number>, observers: Iterable<number> = [], readonly version = 0n) {
    this.voters = new Set(voters);
    this.observers = new Set(observers);
    for (const o of this.observers) {
      if (this.voters.has(o)) throw new Error(`server ${o} cannot be both a participant and an observer`);
    }
    if (this.voters.size === 0) throw new Error('a quorum needs at least one participant');
    this.half = Math.floor(this.voters.size / 2);
  }

  static fromServers(servers: readonly Pick<ServerEntry, 'id' | 'role'>[]): QuorumMaj {
    return new QuorumMaj(servers.filter((s) => s.role === 'participant').map((s) => s.id),
      servers.filter((s) => s.role === 'observer').map((s) => s.id));
  }

  /** The smallest quorum: 2 of 3, 3 of 5, 4 of 7. */
  get size(): number {
    return this.half + 1;
  }

  isVoter(sid: number): boolean {
    return this.voters.has(sid);
  }

  /** containsQuorum, counting only voters, as SyncedLearnerTracker.addAck does. */
  containsQuorum(sids: Iterable<number>): boolean {
    let n = 0;
    for (const s of sids) if (this.voters.has(s)) n++;
    return n > this.half;
  }
}

/**
 * QuorumMaj.toString as 3.8 sends it inside every notification: one `server.N=` line per member in
 * ascending id order (HashMap order for small Long keys), then `version=<hex>`. The client address
 * appears only when the server line gave one, as with QuorumServer.isClientAddrFromStatic.
 */
export function quorumConfigText(servers: readonly ServerEntry[], version = 0n): string {
  const bracket = (h: string) => (h.includes(':') ? `[${h}]` : h);
  const lines = [...servers].sort((a, b) => a.id - b.id).map((s) => {
    let line = `server.${s.id}=${bracket(s.host)}:${s.quorumPort}:${s.electionPort}:${s.role}`;
    if (s.clientPort !== null) line += `;${bracket(s.clientHost ?? '0.0.0.0')}:${s.clientPort}`;
    return line;
  });
  return [...lines, `version=${version.toString(16)}`].join('\n');
}

/** The version a received config text declares (its `version=` line, hex), or null without one. */
export function configVersion(text: string): bigint | null {
  const m = /(?:^|\n)version=([0-9a-fA-F]+)\s*$/.exec(text);
  return m ? BigInt(`0x${m[1]}`) : null;
}
