// The explorer's tree as data: what is loaded, what is expanded, and the flat list of rows the
// virtual list draws. Kept free of Vue so a 100,000-child node is plain arrays and maps.

export interface TreeEntry {
  /** Child names, sorted; null until the node's children have been fetched. */
  children: string[] | null;
  /** From the node's own Stat; null until known. */
  numChildren: number | null;
}

export interface TreeRow {
  path: string;
  name: string;
  depth: number;
  /** Children are shown under this row. */
  expanded: boolean;
}

export function childPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function baseName(path: string): string {
  return path === '/' ? '/' : path.slice(path.lastIndexOf('/') + 1);
}

/** Code-unit order: fast enough for 100,000 names, and it keeps zero-padded sequence numbers in order. */
export function sortNames(names: string[]): string[] {
  return names.slice().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Rows in display order: each expanded node followed by its loaded children. */
export function flattenTree(
  entries: ReadonlyMap<string, TreeEntry>,
  expanded: ReadonlySet<string>,
  root = '/',
): TreeRow[] {
  const rows: TreeRow[] = [];
  const visit = (path: string, depth: number): void => {
    const children = entries.get(path)?.children;
    const open = expanded.has(path) && children != null;
    rows.push({ path, name: baseName(path), depth, expanded: open });
    if (open) for (const name of children) visit(childPath(path, name), depth + 1);
  };
  visit(root, 0);
  return rows;
}

/**
 * Rows whose path contains `query` (case-insensitive), searched across everything loaded whether
 * expanded or not, each shown under its ancestors so the match keeps its place in the tree.
 */
export function filterTree(entries: ReadonlyMap<string, TreeEntry>, query: string, root = '/'): TreeRow[] {
  const q = query.toLowerCase();
  const shown = new Set<string>();
  const stack = [root];
  while (stack.length > 0) {
    const path = stack.pop() as string;
    if (path.toLowerCase().includes(q)) {
      for (let p = path; !shown.has(p); p = parentPath(p)) {
        shown.add(p);
        if (p === root) break;
      }
    }
    const children = entries.get(path)?.children;
    if (children) for (const name of children) stack.push(childPath(path, name));
  }
  const rows: TreeRow[] = [];
  if (!shown.has(root)) return rows;
  const visit = (path: string, depth: number): void => {
    const row: TreeRow = { path, name: baseName(path), depth, expanded: false };
    rows.push(row);
    for (const name of entries.get(path)?.children ?? []) {
      const child = childPath(path, name);
      if (shown.has(child)) {
        row.expanded = true;
        visit(child, depth + 1);
      }
    }
  };
  visit(root, 0);
  return rows;
}
