// What the shown lab's servers logged: a bounded window of recent events (quorum packets paired into
// messages for the timeline), reloaded when another lab is shown, extended live by the host's
// 'lab.events' pushes and backwards on request; and, from the longer-kept structural events, the
// elections and each server's role and epoch spans.

import { defineStore } from 'pinia';
import { ref, shallowRef, watch } from 'vue';
import type { LabEvent, LabFault, LabRunRecord } from '../../../src-main/api/lab-types';
import { elections, type Election } from '../../../src-main/lab/events/elections';
import { epochSpans, roleSpans, type EpochSpan, type RoleSpan } from '../../../src-main/lab/events/node-spans';
import { api } from '../api/client';
import { EventWindow, eventKey, isStructural, structureTypes } from '../lib/lab-event-window';
import { addGap, overlapping, removeGap, type Gap } from '../lib/lab-gaps';
import { useLab } from './lab';
import { useNotify } from './notify';

/** Events asked for per query; a query that fills it is retried over a shorter span. */
const pageLimit = 50_000;
const tailSpanUs = 20_000_000;
const minSpanUs = 1000;
const maxFillPages = 3;
/** How far a server's events may lag the others' in a push. */
const gapMarginUs = 1_000_000;

export const useLabEvents = defineStore('labEvents', () => {
  const lab = useLab();
  const labId = ref<string | null>(null);
  /** A past run being replayed; null: the lab's current (or last) run, live. */
  const runId = ref<number | null>(null);
  /** The lab's runs, newest first, and the faults of the run replayed. */
  const runs = shallowRef<LabRunRecord[]>([]);
  const runFaults = shallowRef<LabFault[] | null>(null);
  const loading = ref(false);
  const loadingOlder = ref(false);
  /** No event of the run is older than the window. */
  const reachedStart = ref(false);
  /** Bumped whenever the window changes: the canvas redraws, traces are recomputed. */
  const version = ref(0);
  const electionList = shallowRef<Election[]>([]);
  const spans = shallowRef<{ roles: RoleSpan[]; epochs: EpochSpan[] }>({ roles: [], epochs: [] });
  const following = ref(true);
  /** How far behind the clock events arrive (polled, then pushed): following shows now minus this. */
  const liveLagUs = ref(500_000);
  let held = new EventWindow();
  /** Pushes that arrive while the window is being (re)loaded, merged once it is. */
  let pending: LabEvent[] | null = null;
  /** Stretches (µs) some push left events out of; filled from the history when looked at. */
  let gaps: Gap[] = [];
  let newestPushed: number | null = null;

  // Re-reading elections and spans costs a pass over the structural events: at most a few per second.
  let structureTimer: ReturnType<typeof setTimeout> | null = null;
  function structureChanged(): void {
    if (structureTimer) return;
    structureTimer = setTimeout(() => {
      structureTimer = null;
      const structural = held.structural;
      electionList.value = elections(structural);
      spans.value = { roles: roleSpans(structural), epochs: epochSpans(structural) };
    }, 250);
  }

  /** A query of the run shown. */
  const inRun = <Q extends object>(query: Q): Q & { runId?: number } => (runId.value === null ? query : { ...query, runId: runId.value });

  api.on('lab.events', ({ labId: id, events, dropped }) => {
    if (id !== labId.value || runId.value !== null || events.length === 0) return;
    // Left out: the burst's oldest events, from after the previous push (give or take a server's lag).
    if (dropped) {
      const gap = { from: (newestPushed ?? events[0].ts - gapMarginUs) - gapMarginUs, to: events[0].ts };
      gaps = addGap(gaps, gap);
      void recoverStructure(id, gap);
    }
    newestPushed = Math.max(newestPushed ?? 0, events[events.length - 1].ts);
    const lag = Date.now() * 1000 - newestPushed;
    if (lag >= 0 && lag < 10_000_000) liveLagUs.value = Math.round(0.8 * liveLagUs.value + 0.2 * lag);
    if (pending) {
      pending.push(...events);
      return;
    }
    held.append(events, following.value);
    if (events.some(isStructural)) structureChanged();
    version.value++;
  });

  /** Elections must not lose a line to a burst: the structural events of a stretch left out are read back. */
  async function recoverStructure(id: string, gap: Gap): Promise<void> {
    try {
      const found = await api.call('lab.events', id, inRun({ fromTs: gap.from, toTs: gap.to, types: [...structureTypes], limit: pageLimit }));
      if (id !== labId.value) return;
      held.mergeStructure(found);
      structureChanged();
    } catch {
      // The elections then miss what the push left out; the next look at the stretch fills the timeline.
    }
  }

  /** The newest events before `toUs`, over a span short enough not to be cut off by the limit. */
  async function fetchBefore(id: string, toUs: number, spanUs: number): Promise<LabEvent[]> {
    for (let span = spanUs; ; span /= 4) {
      const got = await api.call('lab.events', id, inRun({ fromTs: toUs - span, toTs: toUs, limit: pageLimit }));
      if (got.length < pageLimit || span <= minSpanUs) return got;
    }
  }

  /** Shows a lab's timeline: its current run live, or one of its past runs (to replay it). */
  async function open(id: string | null, run: LabRunRecord | null = null): Promise<void> {
    labId.value = id;
    runId.value = run?.id ?? null;
    runFaults.value = null;
    held = new EventWindow();
    gaps = [];
    newestPushed = null;
    electionList.value = [];
    spans.value = { roles: [], epochs: [] };
    reachedStart.value = false;
    following.value = run === null;
    version.value++;
    if (!id) return;
    pending = [];
    loading.value = true;
    try {
      const nowUs = run?.endedAt ?? Date.now() * 1000;
      const [recent, structure, faults] = await Promise.all([
        fetchBefore(id, nowUs + 1, tailSpanUs),
        api.call('lab.events', id, inRun({ types: [...structureTypes], limit: pageLimit })),
        run ? api.call('lab.faults', id, run.id) : null,
        listRuns(id),
      ]);
      if (id !== labId.value) return;
      runFaults.value = faults;
      held.reset(recent, structure);
      // Pushes overlapping what the queries returned are dropped, the rest kept.
      const seen = new Set([...recent, ...structure].map(eventKey));
      held.append(pending.filter((e) => !seen.has(eventKey(e))), true);
    } catch (err) {
      useNotify().error(err, 'Could not read the lab\'s events');
    } finally {
      if (id === labId.value) {
        pending = null;
        loading.value = false;
        structureChanged();
        version.value++;
      }
    }
  }

  /** Extends the window backwards by a page, when the user scrolls past its oldest event. */
  async function loadOlder(): Promise<void> {
    const id = labId.value;
    const oldest = held.oldestTs;
    if (!id || oldest === null || loadingOlder.value || reachedStart.value || loading.value) return;
    loadingOlder.value = true;
    try {
      let older = await fetchBefore(id, oldest, tailSpanUs / 2);
      if (older.length === 0) {
        // A quiet stretch (the lab was stopped): jump to whatever came before it, if anything did.
        const [first] = await api.call('lab.events', id, inRun({ toTs: oldest, limit: 1 }));
        if (!first) reachedStart.value = true;
        else older = await fetchBefore(id, oldest, oldest - first.ts + 1);
      }
      if (id === labId.value && held.oldestTs === oldest) {
        held.prepend(older);
        version.value++;
      }
    } catch (err) {
      useNotify().error(err, 'Could not read older events');
    } finally {
      loadingOlder.value = false;
    }
  }

  /**
   * Replaces what the window holds of the gaps inside [fromUs, toUs) by the complete record, a page
   * at a time and a few pages per look: a wide view of a busy lab holds more than is worth reading.
   */
  async function fillGaps(fromUs: number, toUs: number): Promise<void> {
    const id = labId.value;
    let pages = 0;
    for (let gap = overlapping(gaps, fromUs, toUs); id && gap && pages++ < maxFillPages; gap = overlapping(gaps, fromUs, toUs)) {
      const got = await api.call('lab.events', id, inRun({ fromTs: gap.from, toTs: gap.to, limit: pageLimit }));
      if (id !== labId.value) return;
      // A full page ends mid-stretch: it covers up to its last time, and that time's events go to the next page.
      const coveredTo = got.length < pageLimit ? gap.to : got[got.length - 1].ts;
      held.replaceRange(gap.from, coveredTo, got.filter((e) => e.ts < coveredTo));
      gaps = removeGap(gaps, { from: gap.from, to: coveredTo });
      version.value++;
    }
  }

  let lookTimer: ReturnType<typeof setTimeout> | null = null;
  /** The user stopped on [fromUs, toUs): once the view rests, fill the gaps in it. */
  function lookAt(fromUs: number, toUs: number): void {
    if (lookTimer) clearTimeout(lookTimer);
    lookTimer = setTimeout(() => {
      lookTimer = null;
      fillGaps(fromUs, toUs).catch((err: unknown) => useNotify().error(err, 'Could not read the events of this stretch'));
    }, 300);
  }

  /** Back to the live edge; a window that gave up its newest events for older ones, or showed a past run, is reloaded. */
  async function followLive(): Promise<void> {
    following.value = true;
    if (held.detached || runId.value !== null) await open(labId.value);
  }

  async function listRuns(id: string): Promise<void> {
    try {
      const found = await api.call('lab.runs', id);
      if (id === labId.value) runs.value = found;
    } catch {
      // Without the list, only the current run can be shown.
    }
  }

  watch(() => lab.selectedId, (id) => void open(id), { immediate: true });

  return {
    labId,
    runId,
    runs,
    runFaults,
    listRuns,
    loading,
    loadingOlder,
    reachedStart,
    version,
    following,
    liveLagUs,
    electionList,
    spans,
    held: () => held,
    open,
    loadOlder,
    lookAt,
    followLive,
  };
});
