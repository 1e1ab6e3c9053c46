import { describe, expect, it } from 'vitest';
import { EventType } from '../../protocol';
import { pathAndParents, WatcherMode, WatchManager, watcherModeFromAddWatchMode } from './watch-manager';

const { NodeCreated, NodeDeleted, NodeDataChanged, NodeChildrenChanged } = EventType;

describe('WatchManager (3.8 WatchManager + WatcherModeManager)', () => {
  it('walks a path and its parents', () => {
    expect([...pathAndParents('/a/b/c')]).toEqual(['/a/b/c', '/a/b', '/a', '/']);
    expect([...pathAndParents('/')]).toEqual(['/']);
  });

  it('fires a standard watch once', () => {
    const m = new WatchManager<string>();
    m.addWatch('/a', 'c1');
    expect(m.triggerWatch('/a', NodeDataChanged).notify).toEqual(['c1']);
    expect(m.triggerWatch('/a', NodeDataChanged).notify).toEqual([]);
    expect(m.size).toBe(0);
  });

  it('fires a persistent watch every time, only for its own path', () => {
    const m = new WatchManager<string>();
    m.addWatch('/a', 'c1', WatcherMode.PERSISTENT);
    expect(m.triggerWatch('/a', NodeDataChanged).notify).toEqual(['c1']);
    expect(m.triggerWatch('/a', NodeChildrenChanged).notify).toEqual(['c1']);
    expect(m.triggerWatch('/a/b', NodeCreated).notify).toEqual([]);
    expect(m.size).toBe(1);
  });

  it('fires a recursive watch for the subtree, except NodeChildrenChanged', () => {
    const m = new WatchManager<string>();
    m.addWatch('/a', 'c1', WatcherMode.PERSISTENT_RECURSIVE);
    for (const t of [NodeCreated, NodeDeleted, NodeDataChanged]) {
      expect(m.triggerWatch('/a', t).notify).toEqual(['c1']);
      expect(m.triggerWatch('/a/b/c', t).notify).toEqual(['c1']);
    }
    expect(m.triggerWatch('/a', NodeChildrenChanged).notify).toEqual([]);
    expect(m.triggerWatch('/ab', NodeCreated).notify).toEqual([]);
    expect(m.recursiveWatchCount).toBe(1);
  });

  it('does not fire non-recursive watches of parents', () => {
    const m = new WatchManager<string>();
    m.addWatch('/a', 'c1', WatcherMode.PERSISTENT_RECURSIVE);
    m.addWatch('/', 'c2');
    m.addWatch('/a', 'c3', WatcherMode.PERSISTENT);
    expect(m.triggerWatch('/a/b', NodeCreated).notify).toEqual(['c1']);
    expect(m.size).toBe(3);
  });

  it('notifies a watcher once per event even when several of its watches match', () => {
    const m = new WatchManager<string>();
    m.addWatch('/', 'c1', WatcherMode.PERSISTENT_RECURSIVE);
    m.addWatch('/a', 'c1', WatcherMode.PERSISTENT_RECURSIVE);
    m.addWatch('/a/b', 'c1');
    expect(m.triggerWatch('/a/b', NodeDataChanged).notify).toEqual(['c1']);
  });

  it('suppresses watchers already notified but still consumes their one-shot watch', () => {
    const m = new WatchManager<string>();
    m.addWatch('/a', 'c1');
    m.addWatch('/a', 'c2');
    const r = m.triggerWatch('/a', NodeDeleted, new Set(['c1']));
    expect(r.notify).toEqual(['c2']);
    expect([...r.matched]).toEqual(['c1', 'c2']);
    expect(m.size).toBe(0);
  });

  it('lets a standard watch replace a persistent one on the same path (3.8 behaviour)', () => {
    const m = new WatchManager<string>();
    m.addWatch('/a', 'c1', WatcherMode.PERSISTENT_RECURSIVE);
    m.addWatch('/a', 'c1');
    expect(m.recursiveWatchCount).toBe(0);
    expect(m.triggerWatch('/a', NodeDataChanged).notify).toEqual(['c1']);
    expect(m.triggerWatch('/a', NodeDataChanged).notify).toEqual([]);
  });

  it('removes one watch or all of a watcher', () => {
    const m = new WatchManager<string>();
    m.addWatch('/a', 'c1', WatcherMode.PERSISTENT_RECURSIVE);
    m.addWatch('/b', 'c1');
    m.addWatch('/b', 'c2');
    expect(m.removeWatch('/a', 'c2')).toBe(false);
    expect(m.removeWatch('/a', 'c1')).toBe(true);
    expect(m.recursiveWatchCount).toBe(0);
    expect(m.removeWatch('/a', 'c1')).toBe(false);
    m.removeWatcher('c1');
    expect(m.byPath()).toEqual(new Map([['/b', ['c2']]]));
  });

  it('answers containsWatcher as 3.8.0 does: any watcher on the exact path counts', () => {
    const m = new WatchManager<string>();
    m.addWatch('/a', 'c1');
    expect(m.containsWatcher('/a', 'c1')).toBe(true);
    expect(m.containsWatcher('/a', 'c2')).toBe(true);
    expect(m.containsWatcher('/b', 'c1')).toBe(false);
    m.addWatch('/x', 'c3', WatcherMode.PERSISTENT_RECURSIVE);
    expect(m.containsWatcher('/x/y', 'c3')).toBe(false); // a parent's recursive watch is not found
  });

  it('keeps watchers whose watches all fired in the connection count (wchs)', () => {
    const m = new WatchManager<string>();
    m.addWatch('/a', 'c1');
    m.addWatch('/b', 'c1');
    m.addWatch('/b', 'c2');
    expect(m.summary()).toEqual({ numConnections: 2, numPaths: 2, totalWatches: 3 });
    m.triggerWatch('/b', NodeDataChanged);
    expect(m.summary()).toEqual({ numConnections: 2, numPaths: 1, totalWatches: 1 });
    expect(m.byWatcher()).toEqual(new Map([['c1', ['/a']], ['c2', []]]));
  });

  it('maps addWatch modes and refuses unknown ones', () => {
    expect(watcherModeFromAddWatchMode(0)).toBe(WatcherMode.PERSISTENT);
    expect(watcherModeFromAddWatchMode(1)).toBe(WatcherMode.PERSISTENT_RECURSIVE);
    expect(watcherModeFromAddWatchMode(2)).toBeNull();
  });
});
