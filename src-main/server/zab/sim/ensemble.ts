// A simulated ensemble: servers running the real ZabPeer on the simulator, a client pseudo-node,
// and the invariant checker watching all of it. Random runs (scenario.ts) and scripted recovery
// scenarios build on it. Everything is drawn from one PRNG, so a seed replays exactly.

import type { QuorumMaj } from '../../election/quorum';
import type { NetworkProfile } from '../../sim/network';
import type { Prng } from '../../sim/prng';
import { SimFailure } from '../../sim/seeds';
import { Simulation, type SimNode, type SimObserver } from '../../sim/simulator';
import type { PeerConfig } from '../peer';
import { hexZxid } from '../zxid';
import { SimClient } from './client';
import { ZabInvariants } from './invariants';
import { ZabSimNode, describeZabMessage, type SimDisk, type ZabSimMessage } from './zab-node';

export const CLIENT = 0;

export interface EnsembleConfig {
  participants: number[];
  observers: number[];
  peer: Omit<PeerConfig, 'myId'>;
  fsyncMs: readonly [number, number];
  writeGapMs: readonly [number, number];
  network: Partial<NetworkProfile>;
}

export interface EnsembleOptions {
  traceLimit?: number;
  /** Extra observers (statistics, probes, scripted faults) beside the invariant checker. */
  observers?: SimObserver<ZabSimMessage>[];
  /** One line about the setup, appended to every failure. */
  describe?: string;
  /** A message storm fails the run (with its seed) instead of running for minutes. */
  maxSteps?: number;
}

export class Ensemble {
  readonly sim: Simulation<ZabSimMessage, SimDisk | null>;
  readonly client: SimClient;
  readonly invariants: ZabInvariants;
  readonly servers: number[];
  readonly quorum: QuorumMaj;

  constructor(readonly seed: number, rng: Prng, readonly cfg: EnsembleConfig, private readonly opts: EnsembleOptions = {}) {
    this.servers = [...cfg.participants, ...cfg.observers];
    this.quorum = cfg.peer.quorum;
    this.client = new SimClient(CLIENT, this.servers, rng.fork(), cfg.writeGapMs);
    const nodeRng = rng.fork();
    const incarnations = new Map<number, number>();
    this.invariants = new ZabInvariants((id) => this.node(id), this.quorum, (reason) => this.fail(reason));
    this.sim = new Simulation<ZabSimMessage, SimDisk | null>({
      seed: rng.nextUint32(),
      ids: [CLIENT, ...this.servers],
      factory: (id, durable): SimNode<ZabSimMessage, SimDisk | null> => {
        if (id === CLIENT) return this.client;
        const n = (incarnations.get(id) ?? 0) + 1;
        incarnations.set(id, n);
        // Connection ids grow with the incarnation, so a restarted learner's connections are newer.
        return new ZabSimNode(id, durable ?? undefined, { peer: cfg.peer, clientId: CLIENT, fsyncMs: cfg.fsyncMs },
          (id * 1000 + n) * 1_000_000, nodeRng.fork());
      },
      network: cfg.network,
      describe: describeZabMessage,
      observers: [this.invariants, ...(opts.observers ?? [])],
      traceLimit: opts.traceLimit,
      maxSteps: opts.maxSteps ?? 2_000_000,
    });
    this.sim.start(CLIENT);
  }

  node(id: number): ZabSimNode | null {
    return this.sim.node(id) as ZabSimNode | null;
  }

  fail(reason: string): never {
    throw new SimFailure(this.seed, `${reason}${this.opts.describe ? `\n${this.opts.describe}` : ''}`, this.sim.trace());
  }

  /**
   * The one live leader serving, if every other live server follows it and serves too. The one
   * exception is ZooKeeper's: a server that accepted a later epoch from a leader that never
   * established it refuses this leader's lower epoch (Learner.registerWithLeader) until the next
   * leader change, so it may stay out as long as a quorum follows.
   */
  leader(): ZabSimNode | null {
    const live = this.servers.filter((id) => this.sim.isUp(id)).map((id) => this.node(id)!);
    const leaders = live.filter((n) => n.peer.leader?.phase === 'broadcast');
    if (leaders.length !== 1) return null;
    const leader = leaders[0];
    const epoch = leader.peer.leader!.epoch;
    const serving = [leader.id];
    for (const n of live) {
      if (n === leader) continue;
      if (n.peer.learner?.phase === 'broadcast' && n.peer.learner.leaderId === leader.id) serving.push(n.id);
      else if (n.peer.store.acceptedEpoch <= epoch) return null;
    }
    return this.quorum.containsQuorum(serving) ? leader : null;
  }

  /** The servers serving clients (an established leader and its synced learners). */
  serving(): number[] {
    return this.servers.filter((id) => this.node(id)?.peer.serving);
  }

  /** A leader serves, nothing is in flight, and every serving server applied what it did. */
  quiet(): boolean {
    const leader = this.leader();
    if (!leader || leader.peer.leader!.outstandingCount > 0) return false;
    return this.serving().every((id) => this.node(id)!.applied.length === leader.applied.length);
  }

  /** Once quiet: every serving server holds exactly the committed sequence, each acknowledged write once. */
  checkConverged(): void {
    const committed = this.invariants.committed;
    for (const id of this.serving()) {
      const n = this.node(id)!;
      if (n.applied.length !== committed.length) this.fail(`server ${id} applied ${n.applied.length} txns; ${committed.length} are committed`);
      n.applied.forEach((e, i) => {
        if (e.zxid !== committed[i].zxid || !e.txn.equals(committed[i].txn)) this.fail(`server ${id} differs from the committed sequence at ${i}`);
      });
    }
    const seen = new Map<string, bigint>();
    for (const e of committed) {
      const id = e.txn.toString();
      if (seen.has(id)) this.fail(`write ${id} committed twice: at ${hexZxid(seen.get(id)!)} and ${hexZxid(e.zxid)}`);
      seen.set(id, e.zxid);
    }
    for (const [id, { zxid }] of this.client.acked) {
      if (seen.get(id) !== zxid) this.fail(`write ${id} was acknowledged at ${hexZxid(zxid)} but is not committed there`);
    }
  }

  roles(): string {
    return this.servers.map((id) => {
      const n = this.node(id);
      if (!n) return `  ${id}: down`;
      const p = n.peer;
      const leader = p.learner ? ` of ${p.learner.leaderId}` : '';
      return `  ${id}: ${p.role}${leader} (${p.phase}), epochs ${p.store.acceptedEpoch}/${p.store.currentEpoch}, ` +
        `last ${hexZxid(p.store.lastZxid)}, applied ${n.applied.length}`;
    }).join('\n');
  }
}
