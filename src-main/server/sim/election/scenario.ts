// One simulated election run per seed: an ensemble of 3, 5 or 7 participants plus observers with
// random logs, started at random moments, hit by random faults until `faultsUntil`; then the
// network calms, all but a minority come back, and every live server must follow one established
// leader within a bound. Safety invariants are checked on every decision along the way.

import type { PeerFacts } from '../../election/fast-leader-election';
import { QuorumMaj, quorumConfigText } from '../../election/quorum';
import { injectFaults, randomWeather } from '../faults';
import { reliableNetwork } from '../network';
import { Prng } from '../prng';
import { SimFailure } from '../seeds';
import { Simulation } from '../simulator';
import { ElectionSimNode, describeElectionMessage, type ElectionNodeConfig, type ElectionSimMessage } from './election-node';
import { ElectionInvariants, type ElectionStats } from './invariants';

export interface ElectionScenario {
  participants: number[];
  observers: number[];
  facts: Map<number, PeerFacts>;
  node: ElectionNodeConfig;
  /** When each server first starts. */
  startAt: Map<number, number>;
  faultsUntil: number;
  meanFaultGapMs: number;
  /** Participants (a minority) and observers left down once faults stop. */
  keepDown: number[];
  /** After faultsUntil, every live server must follow an established leader within this. */
  livenessBoundMs: number;
}

export function randomScenario(rng: Prng): ElectionScenario {
  const nParticipants = rng.pick([3, 3, 5, 5, 7]);
  const nObservers = rng.pick([0, 0, 1, 2]);
  const ids = rng.shuffle(Array.from({ length: nParticipants + nObservers }, (_, i) => i + 1));
  const participants = ids.slice(0, nParticipants).sort((a, b) => a - b);
  const observers = ids.slice(nParticipants).sort((a, b) => a - b);
  const quorum = new QuorumMaj(participants, observers);

  // Few distinct epochs and counters, so that ties on peerEpoch and zxid are common.
  const facts = new Map<number, PeerFacts>();
  for (const id of ids) {
    const currentEpoch = BigInt(rng.int(0, 2));
    const zxidEpoch = BigInt(rng.int(0, Number(currentEpoch)));
    facts.set(id, { currentEpoch, lastLoggedZxid: (zxidEpoch << 32n) | BigInt(rng.int(0, 3)) });
  }

  const maxNotificationIntervalMs = rng.pick([800, 3200, 60_000]);
  const tickMs = rng.pick([100, 500, 2000]);
  const node: ElectionNodeConfig = {
    quorum,
    configText: quorumConfigText(ids.map((id) => ({
      id, host: '127.0.0.1', quorumPort: 2888 + id, electionPort: 3888 + id,
      role: quorum.isVoter(id) ? 'participant' : 'observer', clientHost: null, clientPort: 2180 + id,
    }))),
    finalizeWaitMs: 200, minNotificationIntervalMs: 200, maxNotificationIntervalMs,
    tickMs, initLimit: rng.int(3, 10), syncLimit: rng.int(2, 5),
  };

  const keepDown = [
    ...rng.shuffle(participants).slice(0, rng.int(0, quorum.half)),
    ...observers.filter(() => rng.chance(0.3)),
  ];
  const startAt = new Map(ids.map((id) => [id, rng.chance(0.7) ? rng.int(0, 300) : rng.int(0, 5000)]));
  const stubMs = (node.initLimit + 2 * node.syncLimit) * tickMs;
  return {
    participants, observers, facts, node, startAt, keepDown,
    faultsUntil: rng.pick([0, 3000, 10_000, 30_000]),
    meanFaultGapMs: rng.pick([300, 1000, 3000]),
    // A server may be sleeping through a full maxNotificationInterval when the faults stop, and a
    // stale decision costs one initLimit/syncLimit timeout before the next round.
    livenessBoundMs: 2 * maxNotificationIntervalMs + 4 * stubMs + 10_000,
  };
}

export interface ElectionRunResult extends ElectionStats {
  seed: number;
  participants: number;
  observers: number;
  /** Simulated time from the end of faults until every live server followed one established leader. */
  settleMs: number;
  messages: number;
  /** Events the simulator processed (deliveries, timers, faults). */
  steps: number;
  simulatedMs: number;
}

export interface RunOptions {
  /** Applied to the drawn scenario before the run (e.g. to force no faults). */
  adjust?: (s: ElectionScenario) => void;
  traceLimit?: number;
}

/** Runs one seed; throws SimFailure (with the trace) on a broken invariant or missed liveness bound. */
export function runElectionSeed(seed: number, opts: RunOptions = {}): ElectionRunResult {
  const rng = new Prng(seed);
  const scenario = randomScenario(rng.fork());
  opts.adjust?.(scenario);
  const { participants, observers, facts, node } = scenario;
  const ids = [...participants, ...observers];

  // Election traffic rides TCP, which never duplicates. With observers, ZooKeeper's answers can
  // answer each other for as long as a voter stays LOOKING (see the report in election-sim.test.ts),
  // and each network duplicate would start one more such endless exchange.
  const weather = (r: Prng) => randomWeather(r, observers.length === 0);
  let sim: Simulation<ElectionSimMessage, PeerFacts>;
  const fail = (reason: string): never => {
    throw new SimFailure(seed, `${reason}\n${describeScenario(scenario)}`, sim.trace());
  };
  const invariants = new ElectionInvariants(node.quorum, facts, fail);
  sim = new Simulation<ElectionSimMessage, PeerFacts>({
    seed: rng.nextUint32(),
    ids,
    factory: (id, durable) => new ElectionSimNode(id, durable ?? facts.get(id)!, node),
    network: scenario.faultsUntil > 0 ? weather(rng) : reliableNetwork,
    describe: describeElectionMessage,
    observers: [invariants],
    traceLimit: opts.traceLimit,
    maxSteps: 300_000,
  });
  for (const id of ids) sim.at(scenario.startAt.get(id)!, `start node ${id}`, () => { if (!sim.isUp(id)) sim.start(id); });
  if (scenario.faultsUntil > 0) {
    injectFaults(sim, rng.fork(), {
      ids, until: scenario.faultsUntil, meanGapMs: scenario.meanFaultGapMs, maxDown: node.quorum.half + observers.length,
      downMs: [50, 8000], calm: { ...reliableNetwork, maxDelayMs: 20, reorder: true }, keepDown: scenario.keepDown, weather,
    });
  }

  const quiet = Math.max(scenario.faultsUntil, ...scenario.startAt.values());
  let live: boolean;
  try {
    sim.run(quiet);
    live = sim.run(quiet + scenario.livenessBoundMs, () => settled(sim));
  } catch (e) {
    if (e instanceof SimFailure) throw e;
    return fail(`the run broke: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  }
  // Safety first: a split brain also shows up as missed liveness, and the safety report says more.
  const stats = invariants.finish();
  if (!live) {
    fail(`liveness: ${scenario.livenessBoundMs} ms after the faults stopped, the live servers still do not all follow one established leader\n${roles(sim)}`);
  }
  const settleMs = sim.now - quiet;
  return {
    seed, participants: participants.length, observers: observers.length, settleMs,
    messages: sim.counters.sent, steps: sim.counters.steps, simulatedMs: sim.now, ...stats,
  };
}

/** Every live server follows (or observes) the one live, established leader and has heard from it since. */
function settled(sim: Simulation<ElectionSimMessage, PeerFacts>): boolean {
  const live = sim.upIds().map((id) => sim.node(id) as ElectionSimNode);
  const leaders = live.filter((n) => n.role === 'leading' && n.established);
  if (leaders.length !== 1) return false;
  const leader = leaders[0];
  return live.every((n) => n === leader || (n.role === 'following' && n.leader === leader.id && n.lastPong >= leader.establishedAt));
}

function roles(sim: Simulation<ElectionSimMessage, PeerFacts>): string {
  return sim.ids.map((id) => {
    const n = sim.node(id) as ElectionSimNode | null;
    if (!n) return `  ${id}: down`;
    return `  ${id}: ${n.role}${n.leader !== null ? ` ${n.leader}` : ''}${n.established ? ' (established)' : ''}, round ${n.fle.round}`;
  }).join('\n');
}

function describeScenario(s: ElectionScenario): string {
  const f = [...s.facts].map(([id, x]) => `${id}:(e${x.currentEpoch},0x${x.lastLoggedZxid.toString(16)})`).join(' ');
  return `participants ${s.participants.join(',')}; observers ${s.observers.join(',') || 'none'}; facts ${f}; ` +
    `faults until ${s.faultsUntil} ms; kept down ${s.keepDown.join(',') || 'none'}; tick ${s.node.tickMs} ms, ` +
    `initLimit ${s.node.initLimit}, syncLimit ${s.node.syncLimit}, maxNotificationInterval ${s.node.maxNotificationIntervalMs} ms`;
}
