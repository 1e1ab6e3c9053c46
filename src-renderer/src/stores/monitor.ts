// Monitored ensembles: their definitions as the host stores them, which one is shown, whether each
// is being polled, and every server's latest sample, kept current by the host's 'monitor.sample'
// pushes. The Monitor view is shown in place of the workspace while `shown` is true.

import { defineStore } from 'pinia';
import { computed, ref, shallowRef, triggerRef, watch } from 'vue';
import type { EnsembleDefinition, SaveEnsembleInput, ServerSample } from '../../../src-main/api/monitor-types';
import { api } from '../api/client';
import { useSession } from './session';

export interface SampleBatch {
  ensembleId: string;
  samples: ServerSample[];
  /** The batch before this one, to tell what changed. */
  previous: ServerSample[];
}

/** Samples this recent (in poll intervals) mean the host is polling the ensemble already. */
const freshIntervals = 3;

export const useMonitor = defineStore('monitor', () => {
  const shown = ref(false);
  const ensembles = ref<EnsembleDefinition[]>([]);
  const loaded = ref(false);
  const selectedId = ref<string | null>(null);
  const polling = ref(new Set<string>());
  /** Latest samples per ensemble; replaced whole on each poll (a shallowRef: cards re-render per poll). */
  const latest = shallowRef(new Map<string, ServerSample[]>());
  /** The most recent poll of any ensemble, for the chart to add to its lines. */
  const lastBatch = shallowRef<SampleBatch | null>(null);

  // Connecting somewhere means the user wants that connection's workspace in front.
  watch(
    () => useSession().sessionKey,
    (key) => {
      if (key) shown.value = false;
    },
  );

  const selected = computed(() => ensembles.value.find((e) => e.id === selectedId.value) ?? null);
  const selectedSamples = computed(() => (selectedId.value ? (latest.value.get(selectedId.value) ?? []) : []));

  /** When each down server (keyed ensembleId + address) was first seen down, for "down since". */
  const downSince = new Map<string, number>();

  function setLatest(id: string, samples: ServerSample[]): ServerSample[] {
    const previous = latest.value.get(id) ?? [];
    for (const s of samples) {
      const key = `${id} ${s.address}`;
      if (s.up) downSince.delete(key);
      else if (!downSince.has(key)) downSince.set(key, s.ts);
    }
    latest.value.set(id, samples);
    triggerRef(latest);
    return previous;
  }

  function setPolling(id: string, on: boolean): void {
    if (polling.value.has(id) === on) return;
    const next = new Set(polling.value);
    if (on) next.add(id);
    else next.delete(id);
    polling.value = next;
  }

  api.on('monitor.sample', ({ ensembleId, samples }) => {
    const previous = setLatest(ensembleId, samples);
    setPolling(ensembleId, true);
    lastBatch.value = { ensembleId, samples, previous };
  });

  // Pushes may have been missed while the host was unreachable: read the latest samples afresh.
  let linkWasDown = false;
  api.onLink((state) => {
    if (state === 'open' && linkWasDown && loaded.value) void load().catch(() => undefined);
    linkWasDown = state === 'reconnecting';
  });

  async function loadLatest(def: EnsembleDefinition): Promise<void> {
    const samples = await api.call('monitor.latest', def.id);
    setLatest(def.id, samples);
    const newest = Math.max(0, ...samples.map((s) => s.ts));
    if (Date.now() - newest < def.intervalSec * 1000 * freshIntervals) setPolling(def.id, true);
  }

  async function load(): Promise<void> {
    ensembles.value = await api.call('monitor.list');
    loaded.value = true;
    if (!selected.value) selectedId.value = ensembles.value[0]?.id ?? null;
    // One unreachable ensemble must not keep the others from showing: its cards wait for pushes.
    await Promise.allSettled(ensembles.value.map((e) => loadLatest(e)));
  }


  async function start(id: string): Promise<void> {
    await api.call('monitor.start', id);
    setPolling(id, true);
  }

  async function stop(id: string): Promise<void> {
    await api.call('monitor.stop', id);
    setPolling(id, false);
  }

  /** Saves; a new ensemble starts polling at once (the host restarts a polled one with its new settings). */
  async function save(input: SaveEnsembleInput): Promise<EnsembleDefinition> {
    const saved = await api.call('monitor.save', input);
    const i = ensembles.value.findIndex((e) => e.id === saved.id);
    if (i >= 0) ensembles.value.splice(i, 1, saved);
    else ensembles.value.push(saved);
    selectedId.value = saved.id;
    if (input.id === undefined) await start(saved.id);
    return saved;
  }

  async function remove(id: string): Promise<void> {
    await api.call('monitor.remove', id);
    ensembles.value = ensembles.value.filter((e) => e.id !== id);
    latest.value.delete(id);
    triggerRef(latest);
    setPolling(id, false);
    if (selectedId.value === id) selectedId.value = ensembles.value[0]?.id ?? null;
  }

  function downSinceOf(ensembleId: string, address: string): number | null {
    return downSince.get(`${ensembleId} ${address}`) ?? null;
  }

  function nameOf(id: string): string {
    return ensembles.value.find((e) => e.id === id)?.name ?? 'Ensemble';
  }

  return {
    shown,
    ensembles,
    loaded,
    selectedId,
    selected,
    selectedSamples,
    polling,
    latest,
    lastBatch,
    load,
    start,
    stop,
    save,
    remove,
    downSinceOf,
    nameOf,
  };
});
