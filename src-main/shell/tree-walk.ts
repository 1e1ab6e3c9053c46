// The subtree walks zkCli's recursive commands use (ZKUtil), in the same order, so `ls -R`,
// `setAcl -R` and `deleteall` visit nodes as zkCli does.

import type { Watcher, ZooKeeperClient } from '../client';
import { ErrorCode, ZooKeeperError } from '../protocol/errors';
import { joinPath, validatePath } from '../protocol/paths';

/**
 * ZKUtil.visitSubTreeDFS: the root, then for each node all its children (sorted) before their
 * subtrees; a node deleted while walking is skipped.
 */
export async function visitSubTreeDFS(zk: ZooKeeperClient, path: string, watcher: Watcher | undefined,
  visit: (path: string) => Promise<void> | void): Promise<void> {
  validatePath(path);
  await zk.getData(path, watcher);
  await visit(path);
  const helper = async (node: string): Promise<void> => {
    let children: string[];
    try {
      children = (await zk.getChildren(node, watcher)).children.sort();
    } catch (err) {
      if (err instanceof ZooKeeperError && err.code === ErrorCode.NONODE) return;
      throw err;
    }
    for (const child of children) await visit(joinPath(node, child));
    for (const child of children) await helper(joinPath(node, child));
  };
  await helper(path);
}

/** ZKUtil.listSubTreeBFS: the root and every node below it, breadth first, in server order. */
export async function listSubTreeBFS(zk: ZooKeeperClient, root: string): Promise<string[]> {
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    const { children } = await zk.getChildren(tree[i]);
    for (const child of children) tree.push(joinPath(tree[i], child));
  }
  return tree;
}
