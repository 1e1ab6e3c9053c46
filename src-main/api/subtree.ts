// Recursive count and delete: walk the subtree with a bounded number of requests in flight, then
// delete deepest level first so every node is a leaf when its delete is sent.
import type { ZooKeeperClient } from '../client';
import { ErrorCode, ZooKeeperError, joinPath } from '../protocol';
import { ApiFailure } from './errors';

/** Requests in flight at once: enough to hide round trips, few enough not to flood a server. */
export const SUBTREE_CONCURRENCY = 16;

const isNoNode = (err: unknown): boolean => err instanceof ZooKeeperError && err.code === ErrorCode.NONODE;

/** Every node under root (root included), grouped by depth below root. */
export async function walkSubtree(zk: ZooKeeperClient, root: string): Promise<string[][]> {
  const levels: string[][] = [];
  const queue: Array<{ path: string; depth: number }> = [{ path: root, depth: 0 }];
  let next = 0;
  let active = 0;
  return new Promise((resolve, reject) => {
    let failed = false;
    const pump = (): void => {
      if (failed) return;
      if (next === queue.length && active === 0) return resolve(levels);
      while (active < SUBTREE_CONCURRENCY && next < queue.length) {
        const item = queue[next++];
        active++;
        zk.getChildren(item.path).then(
          ({ children }) => {
            (levels[item.depth] ??= []).push(item.path);
            for (const c of children) queue.push({ path: joinPath(item.path, c), depth: item.depth + 1 });
          },
          (err: unknown) => {
            // A node below root deleted by someone else meanwhile is simply not there to count.
            if (item.depth > 0 && isNoNode(err)) return;
            failed = true;
            reject(err);
          },
        ).finally(() => {
          active--;
          pump();
        });
      }
    };
    pump();
  });
}

export async function countSubtree(zk: ZooKeeperClient, root: string): Promise<number> {
  const levels = await walkSubtree(zk, root);
  return levels.reduce((n, level) => n + level.length, 0);
}

/** Deletes root and everything below it; returns how many nodes this call deleted. */
export async function deleteSubtree(zk: ZooKeeperClient, root: string): Promise<number> {
  if (root === '/') throw new ApiFailure('refusing to delete the root node "/"', ErrorCode.BADARGUMENTS);
  const levels = await walkSubtree(zk, root);
  let deleted = 0;
  for (let depth = levels.length - 1; depth >= 0; depth--) {
    await forEachLimited(levels[depth], SUBTREE_CONCURRENCY, async (path) => {
      try {
        await zk.delete(path, -1);
        deleted++;
      } catch (err) {
        if (!isNoNode(err)) throw err;
      }
    });
  }
  return deleted;
}

/** Runs fn over items with at most `limit` running; stops starting new ones after a failure. */
async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | null = null;
  const worker = async (): Promise<void> => {
    while (!failure && next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw (failure as { err: unknown }).err;
}
