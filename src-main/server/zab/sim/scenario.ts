// One random ensemble run per seed: 3 or 5 participants (and maybe an observer) running the
// real election and ZAB machines, a client writing to random servers, random faults (crashes
// with or without the unsynced log tail, restarts, partitions, one-way links, message delay,
// loss, duplication, reordering, and followers dying right after an ACK) until `faultsUntil`.
// Then the network calms, a minority may stay down, and the rest must settle on one leader, take
// new writes, and agree on every txn.

import { QuorumMaj, quorumConfigText } from '../../election/quorum';
import { injectFaults, randomWeather } from '../../sim/faults';
import { reliableNetwork } from '../../sim/network';
import { Prng } from '../../sim/prng';
import type { SimObserver } from '../../sim/simulator';
import type { PeerConfig } from '../peer';
import { PacketType, decodeQuorumPacket } from '../quorum-packet';
import { Ensemble } from './ensemble';
import type { ZabStats } from './invariants';
import type { ZabSimMessage } from './zab-node';

export interface ZabScenario {
  participants: number[];
  observers: number[];
  peer: Omit<PeerConfig, 'myId'>;
  fsyncMs: readonly [number, number];
  startAt: Map<number, number>;
  faultsUntil: number;
  meanFaultGapMs: number;
  keepDown: number[];
  loseUnsyncedRate: number;
  /** Per ACK reaching a leader, the chance that its sender crashes right then, losing its unsynced log. */
  crashAfterAckRate: number;
  writeGapMs: readonly [number, number];
  /** After the faults, the live servers must settle within this, and again drain the last writes. */
  livenessBoundMs: number;
}

export function randomScenario(rng: Prng): ZabScenario {
  const nParticipants = rng.pick([3, 3, 5]);
  const nObservers = rng.pick([0, 0, 1]);
  const ids = Array.from({ length: nParticipants + nObservers }, (_, i) => i + 1);
  const participants = ids.slice(0, nParticipants);
  const observers = ids.slice(nParticipants);
  const quorum = new QuorumMaj(participants, observers);
  const tickMs = rng.pick([50, 100]);
  const maxNotificationIntervalMs = rng.pick([800, 3200]);
  const initLimit = rng.int(5, 10);
  const peer: Omit<PeerConfig, 'myId'> = {
    quorum, tickMs, initLimit, syncLimit: rng.int(2, 5),
    election: {
      configText: quorumConfigText(ids.map((id) => ({
        id, host: '127.0.0.1', quorumPort: 2888 + id, electionPort: 3888 + id,
        role: quorum.isVoter(id) ? 'participant' : 'observer', clientHost: null, clientPort: 2180 + id,
      }))),
      finalizeWaitMs: 200, minNotificationIntervalMs: 200, maxNotificationIntervalMs,
    },
    // A short kept log makes learners fall behind it, so SNAP gets exercised too.
    commitLogCount: rng.pick([2, 8, 500]),
  };
  // Mostly a fast disk; sometimes a slow one, which widens the window in which a crash loses unsynced txns.
  const fsyncLo = rng.chance(0.25) ? rng.int(20, 60) : rng.int(0, 3);
  return {
    participants, observers, peer,
    fsyncMs: [fsyncLo, fsyncLo + rng.pick([1, 5, 20, 150])],
    startAt: new Map(ids.map((id) => [id, rng.chance(0.7) ? rng.int(0, 300) : rng.int(0, 3000)])),
    faultsUntil: rng.pick([0, 3000, 6000, 12_000]),
    meanFaultGapMs: rng.pick([150, 300, 1000, 2500]),
    keepDown: [...rng.shuffle(participants).slice(0, rng.int(0, quorum.half)), ...observers.filter(() => rng.chance(0.3))],
    loseUnsyncedRate: rng.pick([0, 0.3, 0.7]),
    crashAfterAckRate: rng.pick([0, 0, 0.005, 0.02]),
    writeGapMs: [5, rng.pick([20, 60, 200])],
    // A few election rounds at the longest notification interval, a few failed syncs, and slack.
    livenessBoundMs: 4 * maxNotificationIntervalMs + 6 * initLimit * tickMs + 10_000,
  };
}

export interface ZabRunResult extends ZabStats {
  seed: number;
  participants: number;
  observers: number;
  acked: number;
  settleMs: number;
  /** Live servers left out at the end: refusing the leader's epoch, below one they accepted. */
  leftOut: number;
  messages: number;
  simulatedMs: number;
}

export interface ZabRunOptions {
  adjust?: (s: ZabScenario) => void;
  traceLimit?: number;
  /** Extra observers (statistics, probes) beside the invariant checker. */
  observers?: SimObserver<ZabSimMessage>[];
}

/** Runs one seed; throws SimFailure (with the trace) on a broken invariant or a missed liveness bound. */
export function runZabSeed(seed: number, opts: ZabRunOptions = {}): ZabRunResult {
  const rng = new Prng(seed);
  const scenario = randomScenario(rng.fork());
  opts.adjust?.(scenario);
  const bound = scenario.livenessBoundMs;
  const ens = new Ensemble(seed, rng, {
    participants: scenario.participants, observers: scenario.observers, peer: scenario.peer, fsyncMs: scenario.fsyncMs,
    writeGapMs: scenario.writeGapMs, network: scenario.faultsUntil > 0 ? randomWeather(rng) : reliableNetwork,
  }, { traceLimit: opts.traceLimit, observers: opts.observers, describe: describeScenario(scenario) });
  const { sim, client, servers } = ens;
  client.sendUntil = scenario.faultsUntil + 1000;
  for (const id of servers) sim.at(scenario.startAt.get(id)!, `start node ${id}`, () => { if (!sim.isUp(id)) sim.start(id); });
  if (scenario.faultsUntil > 0) {
    injectFaults(sim, rng.fork(), {
      ids: servers, until: scenario.faultsUntil, meanGapMs: scenario.meanFaultGapMs,
      maxDown: ens.quorum.half + scenario.observers.length, downMs: [50, 6000],
      calm: { ...reliableNetwork, maxDelayMs: 20, reorder: true }, keepDown: scenario.keepDown,
      loseUnsyncedRate: scenario.loseUnsyncedRate,
    });
    if (scenario.crashAfterAckRate > 0) crashAfterAcks(ens, rng.fork(), scenario.crashAfterAckRate, scenario.faultsUntil);
  }

  const quiet = Math.max(scenario.faultsUntil, ...scenario.startAt.values());
  sim.run(quiet);
  if (!sim.run(quiet + bound, () => ens.leader() !== null)) {
    ens.fail(`liveness: ${bound} ms after the faults stopped the live servers do not all follow one established leader\n${ens.roles()}`);
  }
  const settledAt = sim.now;
  // Writes resume: the client writes to serving servers until some are acknowledged (a connection
  // that stalled during the faults may still cost one more election first). Events at the very
  // moment of the check ran before it, so the window opens a millisecond later.
  const resumeAt = settledAt + 1;
  client.sendFrom = resumeAt;
  client.sendUntil = Infinity;
  const resumed = () => {
    const serving = ens.serving();
    client.servers = serving.length > 0 ? serving : servers.filter((id) => sim.isUp(id));
    return sim.now >= resumeAt + 1000 && client.ackedSince(resumeAt) >= 5;
  };
  if (!sim.run(resumeAt + bound, resumed)) {
    ens.fail(`liveness: only ${client.ackedSince(resumeAt)} writes acknowledged in ${bound} ms after the leader settled\n${ens.roles()}`);
  }
  client.sendUntil = sim.now;
  client.endAt = sim.now;
  if (!sim.run(sim.now + bound, () => client.unanswered(resumeAt).length === 0 && ens.quiet())) {
    ens.fail(`liveness: the last writes were not all answered and applied everywhere (unanswered: ${client.unanswered(resumeAt).slice(0, 5).join(', ')})\n${ens.roles()}`);
  }
  ens.checkConverged();
  return {
    seed, participants: scenario.participants.length, observers: scenario.observers.length, acked: client.acked.size,
    settleMs: settledAt - quiet, leftOut: servers.filter((id) => sim.isUp(id)).length - ens.serving().length, messages: sim.counters.sent, simulatedMs: sim.now, ...ens.invariants.stats,
  };
}

/**
 * A fault aimed at the protocol: a follower dies the moment its ACK reaches the leader, losing
 * what it had not fsynced. An ACK sent before the txn was on disk would lose a committed txn here.
 */
function crashAfterAcks(ens: Ensemble, rng: Prng, rate: number, until: number): void {
  const { sim } = ens;
  ens.sim.addObserver({
    onDeliver(now, from, _to, msg) {
      if (now >= until || msg.kind !== 'q' || msg.dir !== 'up' || !sim.isUp(from) || !rng.chance(rate)) return;
      if (decodeQuorumPacket(msg.packet).type !== PacketType.ACK) return;
      sim.crash(from, true);
      sim.at(now + rng.int(50, 3000), `restart node ${from} (crashed after an ACK)`, () => {
        if (sim.now < until && !sim.isUp(from)) sim.start(from);
      });
    },
  });
}

function describeScenario(s: ZabScenario): string {
  const p = s.peer;
  return `participants ${s.participants.join(',')}; observers ${s.observers.join(',') || 'none'}; tick ${p.tickMs} ms, ` +
    `initLimit ${p.initLimit}, syncLimit ${p.syncLimit}, commitLogCount ${p.commitLogCount}; fsync ${s.fsyncMs.join('-')} ms; ` +
    `faults until ${s.faultsUntil} ms every ~${s.meanFaultGapMs} ms, losing unsynced ${s.loseUnsyncedRate}, ` +
    `crash after ACK ${s.crashAfterAckRate}; kept down ${s.keepDown.join(',') || 'none'}`;
}
