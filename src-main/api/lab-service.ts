// The cluster lab half of the API: lab.* calls checked here, argument by argument, and answered by
// the host's one LabManager (shared by every window; its events go to all of them).
import type { LabManager, EventQuery } from '../lab/lab-manager';
import { badArguments } from './errors';
import type { LabApi, LabSpec, LinkDirection, LoadSpec, PartitionPreset, ServerFault } from './lab-types';

export type LabHandlers = {
  [M in keyof LabApi]: (...params: unknown[]) => Promise<ReturnType<LabApi[M]>> | ReturnType<LabApi[M]>;
};

const PARTICIPANTS = [1, 3, 5, 7];
const MAX_OBSERVERS = 3;
const MIN_TICK_MS = 10;
const MAX_TICK_MS = 60_000;
const MAX_LIMIT_TICKS = 100;
const MAX_NAME_LENGTH = 100;
const MAX_DELAY_MS = 60_000;
const MAX_LOAD_CLIENTS = 64;
const MAX_LOAD_RATE = 100_000;
/** Below jute.maxbuffer (1 MiB) with room for the request around the value. */
const MAX_VALUE_SIZE = 1_000_000;
const SERVER_FAULTS: readonly ServerFault[] = ['kill', 'pause', 'resume', 'stop', 'start', 'restart', 'wipe'];
const DIRECTIONS: readonly LinkDirection[] = ['both', 'a->b', 'b->a'];
const PRESETS: readonly PartitionPreset[] = ['isolate-leader', 'split-minority'];

/** The API's lab.* calls; `lab` is read per call, as the caller's fields may not be set up yet. */
export function labHandlers(lab: () => LabManager): LabHandlers {
  const labId = (v: unknown) => text(v, 'lab id');
  /** A server of the lab, by id: 1 to participants + observers. */
  const server = (id: string, v: unknown, what = 'server id'): number => {
    const def = lab().definition(id);
    const count = def.participants + def.observers;
    if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > count) throw badArguments(`the ${what} must be a server of the lab: 1 to ${count}, not ${String(v)}`);
    return v as number;
  };
  const link = (id: string, a: unknown, b: unknown): [number, number] => {
    const ends: [number, number] = [server(id, a, 'first server of the link'), server(id, b, 'second server of the link')];
    if (ends[0] === ends[1]) throw badArguments(`a link joins two different servers, not server ${ends[0]} and itself`);
    return ends;
  };
  return {
    'lab.list': () => lab().list(),
    'lab.create': (spec) => lab().create(labSpec(spec)),
    'lab.remove': (id) => lab().remove(labId(id)),
    'lab.start': (id) => lab().start(labId(id)),
    'lab.stop': (id) => lab().stop(labId(id)),
    'lab.status': (id) => lab().status(labId(id)),
    'lab.serverFault': (id, serverId, fault) => lab().serverFault(labId(id), server(labId(id), serverId), oneOf(fault, SERVER_FAULTS, 'server fault')),
    'lab.cutLink': (id, a, b, direction) => lab().cutLink(labId(id), ...link(labId(id), a, b), oneOf(direction, DIRECTIONS, 'direction')),
    'lab.slowLink': (id, a, b, delayMs) => lab().slowLink(labId(id), ...link(labId(id), a, b), int(delayMs, 'delay in ms', 0, MAX_DELAY_MS)),
    'lab.healLink': (id, a, b) => lab().healLink(labId(id), ...link(labId(id), a, b)),
    'lab.healLinks': (id) => lab().healLinks(labId(id)),
    'lab.partition': (id, preset) => lab().partition(labId(id), oneOf(preset, PRESETS, 'partition preset')),
    'lab.runs': (id) => lab().runRecords(labId(id)),
    'lab.events': (id, query) => lab().events(labId(id), eventQuery(query)),
    'lab.metrics': (id, query) => lab().metrics(labId(id), metricsQuery(query)),
    'lab.faults': (id, runId) => lab().faults(labId(id), runId === undefined || runId === null ? undefined : int(runId, 'runId', 1, Number.MAX_SAFE_INTEGER)),
    'lab.startLoad': (id, spec) => lab().startLoad(labId(id), loadSpec(spec)),
    'lab.stopLoad': (id) => lab().stopLoad(labId(id)),
  };
}

export function labSpec(v: unknown): LabSpec {
  const spec = object(v, 'a lab needs a name, participants, observers, tickTime, initLimit and syncLimit');
  const name = text(spec.name, 'lab name').trim();
  if (name === '' || name.length > MAX_NAME_LENGTH) throw badArguments(`a lab name is 1 to ${MAX_NAME_LENGTH} characters`);
  if (!PARTICIPANTS.includes(spec.participants as number)) {
    throw badArguments(`participants must be 1, 3, 5 or 7 (an odd number, so a majority is always clear), not ${String(spec.participants)}`);
  }
  return {
    name,
    participants: spec.participants as number,
    observers: int(spec.observers, 'number of observers', 0, MAX_OBSERVERS),
    tickTime: int(spec.tickTime, 'tickTime (ms)', MIN_TICK_MS, MAX_TICK_MS),
    initLimit: int(spec.initLimit, 'initLimit (ticks)', 1, MAX_LIMIT_TICKS),
    syncLimit: int(spec.syncLimit, 'syncLimit (ticks)', 1, MAX_LIMIT_TICKS),
  };
}

export function loadSpec(v: unknown): LoadSpec {
  const spec = object(v, 'a load needs a mix, a rate, a value size and a number of clients');
  const mix = object(spec.mix, 'the load mix is an object { read, write, create } of weights');
  const weight = (w: unknown, what: string): number => {
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw badArguments(`the ${what} weight must be a number of 0 or more, not ${String(w)}`);
    return w;
  };
  const weights = { read: weight(mix.read, 'read'), write: weight(mix.write, 'write'), create: weight(mix.create, 'create') };
  if (weights.read + weights.write + weights.create <= 0) throw badArguments('the load mix needs at least one weight above 0');
  if (typeof spec.rate !== 'number' || !Number.isFinite(spec.rate) || spec.rate < 0 || spec.rate > MAX_LOAD_RATE) {
    throw badArguments(`the rate is requests per second from 0 (as fast as they go) to ${MAX_LOAD_RATE}, not ${String(spec.rate)}`);
  }
  return {
    mix: weights,
    rate: spec.rate,
    valueSize: int(spec.valueSize, 'value size (bytes)', 0, MAX_VALUE_SIZE),
    clients: int(spec.clients, 'number of clients', 1, MAX_LOAD_CLIENTS),
  };
}

export function eventQuery(v: unknown): EventQuery {
  if (v === undefined || v === null) return {};
  const q = object(v, 'an event query is an object { fromTs?, toTs?, types?, limit?, runId? }');
  const time = (t: unknown, what: string): number | undefined => {
    if (t === undefined || t === null) return undefined;
    if (typeof t !== 'number' || !Number.isFinite(t)) throw badArguments(`${what} is a time in µs since the epoch, not ${String(t)}`);
    return t;
  };
  if (q.types !== undefined && q.types !== null && !(Array.isArray(q.types) && q.types.every((t) => typeof t === 'string'))) {
    throw badArguments('types is a list of event types, e.g. ["zab.sent"]');
  }
  return {
    fromTs: time(q.fromTs, 'fromTs'),
    toTs: time(q.toTs, 'toTs'),
    types: (q.types ?? undefined) as string[] | undefined,
    limit: q.limit === undefined || q.limit === null ? undefined : int(q.limit, 'limit', 1, Number.MAX_SAFE_INTEGER),
    runId: q.runId === undefined || q.runId === null ? undefined : int(q.runId, 'runId', 1, Number.MAX_SAFE_INTEGER),
  };
}

function metricsQuery(v: unknown): { runId?: number; fromMs?: number } {
  if (v === undefined || v === null) return {};
  const q = object(v, 'a metrics query is an object { runId?, fromMs? }');
  return {
    runId: q.runId === undefined || q.runId === null ? undefined : int(q.runId, 'runId', 1, Number.MAX_SAFE_INTEGER),
    fromMs: q.fromMs === undefined || q.fromMs === null ? undefined : int(q.fromMs, 'fromMs', 0, Number.MAX_SAFE_INTEGER),
  };
}

function object(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw badArguments(what);
  return v as Record<string, unknown>;
}

function text(v: unknown, what: string): string {
  if (typeof v !== 'string' || v === '') throw badArguments(`the ${what} must be non-empty text`);
  return v;
}

function int(v: unknown, what: string, min: number, max: number): number {
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) throw badArguments(`the ${what} must be a whole number from ${min} to ${max}, not ${String(v)}`);
  return v as number;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], what: string): T {
  if (!allowed.includes(v as T)) throw badArguments(`the ${what} must be one of ${allowed.join(', ')}, not ${JSON.stringify(v)}`);
  return v as T;
}
