// The explorer's state: the lazily loaded znode tree, the selected node's detail, the operations on
// nodes, and live refresh from the host's watch pushes. The tree itself lives in plain (non-reactive)
// maps so a node with 100,000 children costs arrays, not proxies; `structure` and `countsTick` are
// the reactive signals that say "the rows changed" and "some child counts arrived".

import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef, watch } from 'vue';
import type { CreateInput, NodeView, StatView } from '../../../src-main/api/types';
import { api } from '../api/client';
import { ZkCode, errorText, toApiCallError } from '../api/errors';
import { TaskQueue } from '../lib/task-queue';
import { childPath, filterTree, flattenTree, parentPath, sortNames, type TreeEntry } from '../lib/tree-model';
import { useNotify } from './notify';
import { useSession } from './session';

export type DetailState = 'idle' | 'loading' | 'ready' | 'missing' | 'error';

/** How many child-count lookups may be in flight at once while rows scroll into view. */
const countConcurrency = 6;
/** Pushes often come in bursts (a multi, a recursive delete): refresh once per burst. */
const refreshDelayMs = 120;

export const useExplorer = defineStore('explorer', () => {
  const session = useSession();
  const notify = useNotify();

  const entries = new Map<string, TreeEntry>();
  const expanded = new Set<string>();
  const structure = ref(0);
  const countsTick = ref(0);
  const loadingPaths = reactive(new Set<string>());
  const filter = ref('');
  const selected = ref<string | null>(null);
  const detail = shallowRef<NodeView | null>(null);
  const detailState = ref<DetailState>('idle');
  const detailError = ref<string | null>(null);

  const rows = computed(() => {
    void structure.value;
    const q = filter.value.trim();
    return q ? filterTree(entries, q) : flattenTree(entries, expanded);
  });

  function requireKey(): string {
    const key = session.sessionKey;
    if (!key) throw toApiCallError({ code: null, codeName: null, message: 'Not connected' });
    return key;
  }

  function numChildren(path: string): number | null {
    void countsTick.value;
    return entries.get(path)?.numChildren ?? null;
  }

  let tickScheduled = false;
  function bumpCounts(): void {
    if (tickScheduled) return;
    tickScheduled = true;
    requestAnimationFrame(() => {
      tickScheduled = false;
      countsTick.value++;
    });
  }

  function setCount(path: string, n: number): void {
    const entry = entries.get(path);
    if (entry) entry.numChildren = n;
    else entries.set(path, { children: null, numChildren: n });
    bumpCounts();
  }

  /** Drops a node and everything loaded under it. */
  function forget(path: string): void {
    const children = entries.get(path)?.children;
    if (children) for (const name of children) forget(childPath(path, name));
    entries.delete(path);
    expanded.delete(path);
  }

  // A row's count comes from its Stat (node.stat: no data, no ACL, no watch); node.children would
  // fetch a 100,000-name list just to count it.
  const counts = new TaskQueue<string>(countConcurrency, async (path) => {
    const key = session.sessionKey;
    if (!key) return;
    const stat = await api.call('node.stat', key, path);
    if (key === session.sessionKey) setCount(path, stat.numChildren);
  });

  /** The rows on screen changed: look up child counts for those not yet known, and only those. */
  function wantCounts(paths: string[]): void {
    const want = new Set(paths);
    counts.prune((p) => want.has(p));
    for (const p of paths) if (entries.get(p)?.numChildren == null) counts.request(p);
  }

  async function loadChildren(path: string, quiet = false): Promise<void> {
    const key = requireKey();
    loadingPaths.add(path);
    try {
      const view = await api.call('node.children', key, path);
      if (key !== session.sessionKey) return;
      const names = sortNames(view.children);
      const old = entries.get(path)?.children;
      if (old) {
        const still = new Set(names);
        for (const name of old) if (!still.has(name)) forget(childPath(path, name));
      }
      entries.set(path, { children: names, numChildren: view.stat.numChildren });
      structure.value++;
      bumpCounts();
    } catch (err) {
      if (toApiCallError(err).code === ZkCode.NONODE) {
        forget(path);
        structure.value++;
      } else if (!quiet) {
        notify.error(err, `Listing ${path} failed`);
      }
    } finally {
      loadingPaths.delete(path);
    }
  }

  async function expand(path: string): Promise<void> {
    expanded.add(path);
    structure.value++;
    // Show what is cached at once, then bring it up to date.
    await loadChildren(path, entries.get(path)?.children != null);
  }

  function collapse(path: string): void {
    expanded.delete(path);
    structure.value++;
  }

  function toggle(path: string): Promise<void> | void {
    return expanded.has(path) ? collapse(path) : expand(path);
  }

  async function loadDetail(quiet = false): Promise<void> {
    const path = selected.value;
    const key = session.sessionKey;
    if (!path || !key) return;
    if (!quiet) detailState.value = 'loading';
    try {
      const node = await api.call('node.get', key, path);
      if (path !== selected.value || key !== session.sessionKey) return;
      detail.value = node;
      detailState.value = 'ready';
      setCount(path, node.stat.numChildren);
    } catch (err) {
      if (path !== selected.value) return;
      detail.value = null;
      if (toApiCallError(err).code === ZkCode.NONODE) {
        detailState.value = 'missing';
      } else {
        detailState.value = 'error';
        detailError.value = errorText(err);
      }
    }
  }

  function select(path: string): Promise<void> {
    if (path !== selected.value) {
      selected.value = path;
      detail.value = null;
    }
    return loadDetail();
  }

  async function refreshAll(): Promise<void> {
    const paths = ['/', ...[...expanded].filter((p) => p !== '/')];
    await Promise.all(paths.map((p) => loadChildren(p, p !== '/')));
    await loadDetail(true);
  }

  async function createNode(input: CreateInput): Promise<string> {
    const { path } = await api.call('node.create', requireKey(), input);
    const parent = parentPath(path);
    await expand(parent);
    await select(path);
    return path;
  }

  function getNode(path: string): Promise<NodeView> {
    return api.call('node.get', requireKey(), path);
  }

  function setData(path: string, data: string | null, version: number): Promise<StatView> {
    return api.call('node.set', requireKey(), path, data, version);
  }

  async function removed(path: string): Promise<void> {
    forget(path);
    structure.value++;
    const sel = selected.value;
    if (sel && (sel === path || sel.startsWith(path + '/'))) await select(parentPath(path));
    await loadChildren(parentPath(path), true);
  }

  async function deleteNode(path: string): Promise<void> {
    await api.call('node.delete', requireKey(), path, -1);
    await removed(path);
  }

  function countSubtree(path: string): Promise<number> {
    return api.call('node.countSubtree', requireKey(), path);
  }

  async function deleteSubtree(path: string): Promise<number> {
    const n = await api.call('node.deleteAll', requireKey(), path);
    await removed(path);
    return n;
  }

  // Live refresh: collect what a burst of pushes touched, then reload each thing once.
  const staleChildren = new Set<string>();
  let staleDetail = false;
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;

  function scheduleRefresh(): void {
    refreshTimer ??= setTimeout(() => {
      refreshTimer = null;
      for (const p of staleChildren) {
        if (entries.get(p)?.children) void loadChildren(p, true);
        else if (entries.has(p)) counts.request(p);
      }
      staleChildren.clear();
      if (staleDetail) void loadDetail(true);
      staleDetail = false;
    }, refreshDelayMs);
  }

  api.on('node.changed', (e) => {
    if (e.sessionKey !== session.sessionKey) return;
    const parent = parentPath(e.path);
    if (e.kind === 'children') staleChildren.add(e.path);
    else if (e.kind !== 'data') staleChildren.add(parent);
    const sel = selected.value;
    // The selected node's Stat changes with its children too (numChildren, cversion, pzxid).
    if (sel === e.path || (e.kind !== 'data' && sel === parent)) staleDetail = true;
    scheduleRefresh();
  });

  function reset(): void {
    entries.clear();
    expanded.clear();
    counts.clear();
    filter.value = '';
    selected.value = null;
    detail.value = null;
    detailState.value = 'idle';
    structure.value++;
  }

  watch(
    () => session.sessionKey,
    (key) => {
      reset();
      if (key) {
        void expand('/');
        void select('/');
      }
    },
    { immediate: true },
  );

  return {
    rows,
    filter,
    selected,
    detail,
    detailState,
    detailError,
    loadingPaths,
    numChildren,
    wantCounts,
    expand,
    collapse,
    toggle,
    select,
    loadDetail,
    refreshAll,
    createNode,
    getNode,
    setData,
    deleteNode,
    countSubtree,
    deleteSubtree,
  };
});
