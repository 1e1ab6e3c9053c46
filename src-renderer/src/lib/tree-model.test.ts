import { describe, expect, it } from 'vitest';
import { baseName, childPath, filterTree, flattenTree, parentPath, sortNames, type TreeEntry } from './tree-model';

function entries(tree: Record<string, string[] | null>): Map<string, TreeEntry> {
  return new Map(Object.entries(tree).map(([p, c]) => [p, { children: c, numChildren: c?.length ?? null }]));
}

const loaded = entries({
  '/': ['app', 'zookeeper'],
  '/app': ['config', 'locks'],
  '/app/locks': ['lock-1'],
  '/zookeeper': null,
});

describe('paths', () => {
  it('joins and splits', () => {
    expect(childPath('/', 'a')).toBe('/a');
    expect(childPath('/a', 'b')).toBe('/a/b');
    expect(parentPath('/a/b')).toBe('/a');
    expect(parentPath('/a')).toBe('/');
    expect(baseName('/a/b')).toBe('b');
    expect(baseName('/')).toBe('/');
  });

  it('sorts names by code unit, keeping zero-padded sequences in order', () => {
    expect(sortNames(['b', 'a-0000000010', 'a-0000000002', 'B'])).toEqual(['B', 'a-0000000002', 'a-0000000010', 'b']);
  });
});

describe('flattenTree', () => {
  it('lists expanded, loaded nodes depth-first', () => {
    const rows = flattenTree(loaded, new Set(['/', '/app']));
    expect(rows.map((r) => [r.path, r.depth, r.expanded])).toEqual([
      ['/', 0, true],
      ['/app', 1, true],
      ['/app/config', 2, false],
      ['/app/locks', 2, false],
      ['/zookeeper', 1, false],
    ]);
  });

  it('does not open an expanded node whose children are not loaded yet', () => {
    const rows = flattenTree(loaded, new Set(['/', '/zookeeper']));
    expect(rows.find((r) => r.path === '/zookeeper')?.expanded).toBe(false);
  });

  it('flattens 100,000 children', () => {
    const names = Array.from({ length: 100_000 }, (_, i) => `n${String(i).padStart(6, '0')}`);
    const big = entries({ '/': ['big'], '/big': names });
    const rows = flattenTree(big, new Set(['/', '/big']));
    expect(rows).toHaveLength(100_002);
    expect(rows[100_001]).toEqual({ path: '/big/n099999', name: 'n099999', depth: 2, expanded: false });
  });
});

describe('filterTree', () => {
  it('shows matches under their ancestors, across collapsed nodes', () => {
    const rows = filterTree(loaded, 'LOCK');
    expect(rows.map((r) => [r.path, r.expanded])).toEqual([
      ['/', true],
      ['/app', true],
      ['/app/locks', true],
      ['/app/locks/lock-1', false],
    ]);
  });

  it('is empty when nothing matches', () => {
    expect(filterTree(loaded, 'nothing-here')).toEqual([]);
  });
});
