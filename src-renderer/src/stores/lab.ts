// Cluster labs: their definitions as the host keeps them, which one is shown, each one's latest
// status (servers, links, connect string) and the faults injected into it, kept current by the
// host's 'lab.status' and 'lab.fault' pushes. The Lab view replaces the workspace while `shown`.

import { defineStore } from 'pinia';
import { computed, ref, shallowRef, triggerRef, watch } from 'vue';
import type {
  LabDefinition,
  LabFault,
  LabSpec,
  LabStatus,
  LinkDirection,
  LoadSpec,
  PartitionPreset,
  ServerFault,
} from '../../../src-main/api/lab-types';
import { api } from '../api/client';
import { useMonitor } from './monitor';
import { useSession } from './session';

export const useLab = defineStore('lab', () => {
  const shown = ref(false);
  const labs = ref<LabDefinition[]>([]);
  const loaded = ref(false);
  const selectedId = ref<string | null>(null);
  /** Latest status per lab; replaced whole on each push. */
  const statuses = shallowRef(new Map<string, LabStatus>());
  const faults = shallowRef(new Map<string, LabFault[]>());
  /** Labs whose load generator this window started (the host does not report it). */
  const loadRunning = ref(new Set<string>());

  // The Lab, the Monitor and the workspace take turns in the main area.
  const monitor = useMonitor();
  watch(shown, (on) => {
    if (on) monitor.shown = false;
  });
  watch(
    () => monitor.shown,
    (on) => {
      if (on) shown.value = false;
    },
  );
  watch(
    () => useSession().sessionKey,
    (key) => {
      if (key) shown.value = false;
    },
  );

  const selected = computed(() => labs.value.find((l) => l.id === selectedId.value) ?? null);
  const selectedStatus = computed(() => (selectedId.value ? (statuses.value.get(selectedId.value) ?? null) : null));
  const selectedFaults = computed(() => (selectedId.value ? (faults.value.get(selectedId.value) ?? []) : []));

  function setStatus(status: LabStatus): LabStatus {
    statuses.value.set(status.labId, status);
    triggerRef(statuses);
    if (!status.running) setLoadRunning(status.labId, false);
    return status;
  }

  function setLoadRunning(id: string, on: boolean): void {
    if (loadRunning.value.has(id) === on) return;
    const next = new Set(loadRunning.value);
    if (on) next.add(id);
    else next.delete(id);
    loadRunning.value = next;
  }

  api.on('lab.status', (status) => setStatus(status));
  api.on('lab.fault', ({ labId, fault }) => {
    faults.value.set(labId, [...(faults.value.get(labId) ?? []), fault]);
    triggerRef(faults);
  });
  api.on('lab.load', ({ labId }) => setLoadRunning(labId, true));

  // Pushes may have been missed while the host was unreachable: read everything afresh.
  let linkWasDown = false;
  api.onLink((state) => {
    if (state === 'open' && linkWasDown && loaded.value) void load().catch(() => undefined);
    linkWasDown = state === 'reconnecting';
  });

  async function loadOne(id: string): Promise<void> {
    const [status, list] = await Promise.all([api.call('lab.status', id), api.call('lab.faults', id)]);
    setStatus(status);
    faults.value.set(id, list);
    triggerRef(faults);
  }

  async function load(): Promise<void> {
    labs.value = await api.call('lab.list');
    loaded.value = true;
    if (!selected.value) selectedId.value = labs.value[0]?.id ?? null;
    await Promise.allSettled(labs.value.map((l) => loadOne(l.id)));
  }

  async function create(spec: LabSpec): Promise<LabDefinition> {
    const lab = await api.call('lab.create', spec);
    labs.value.push(lab);
    selectedId.value = lab.id;
    await loadOne(lab.id).catch(() => undefined);
    return lab;
  }

  async function remove(id: string): Promise<void> {
    await api.call('lab.remove', id);
    labs.value = labs.value.filter((l) => l.id !== id);
    statuses.value.delete(id);
    triggerRef(statuses);
    if (selectedId.value === id) selectedId.value = labs.value[0]?.id ?? null;
  }

  async function start(id: string): Promise<void> {
    setStatus(await api.call('lab.start', id));
  }

  async function stop(id: string): Promise<void> {
    await api.call('lab.stop', id);
    setLoadRunning(id, false);
    setStatus(await api.call('lab.status', id));
  }

  async function startLoad(id: string, spec: LoadSpec): Promise<void> {
    await api.call('lab.startLoad', id, spec);
    setLoadRunning(id, true);
  }

  async function stopLoad(id: string): Promise<void> {
    await api.call('lab.stopLoad', id);
    setLoadRunning(id, false);
  }

  return {
    shown,
    labs,
    loaded,
    selectedId,
    selected,
    selectedStatus,
    selectedFaults,
    statuses,
    faults,
    loadRunning,
    load,
    create,
    remove,
    start,
    stop,
    startLoad,
    stopLoad,
    serverFault: async (id: string, server: number, fault: ServerFault) => setStatus(await api.call('lab.serverFault', id, server, fault)),
    cutLink: async (id: string, a: number, b: number, direction: LinkDirection) => setStatus(await api.call('lab.cutLink', id, a, b, direction)),
    slowLink: async (id: string, a: number, b: number, delayMs: number) => setStatus(await api.call('lab.slowLink', id, a, b, delayMs)),
    healLink: async (id: string, a: number, b: number) => setStatus(await api.call('lab.healLink', id, a, b)),
    healLinks: async (id: string) => setStatus(await api.call('lab.healLinks', id)),
    partition: async (id: string, preset: PartitionPreset) => setStatus(await api.call('lab.partition', id, preset)),
  };
});
