// ContainerManager.getCandidates: which containers and TTL nodes the server should delete now.
// Each candidate becomes a deleteContainer request (session 0, cxid 0, no ACL check); prep
// re-checks emptiness, so a node that gained a child in between survives.

import type { DataTree } from './data-tree';
import { EphemeralKind, ttlOfEphemeralOwner } from './ephemeral-type';

export interface ContainerPolicy {
  /** znode.container.maxNeverUsedIntervalMs: 0 (the default) keeps never-used containers forever. */
  maxNeverUsedIntervalMs?: number;
}

/** Defaults of ContainerManager in 3.8 (znode.container.checkIntervalMs / maxPerMinute). */
export const CONTAINER_CHECK_INTERVAL_MS = 60_000;
export const CONTAINER_MAX_PER_MINUTE = 10_000;

/**
 * Empty containers that have had a child (cversion > 0) — or, with maxNeverUsedIntervalMs set,
 * that have been unused that long — and childless TTL nodes unmodified for longer than their TTL.
 * wallNow is the wall clock (ms): ages are measured from mtime.
 */
export function containerCandidates(tree: DataTree<unknown>, wallNow: number, policy: ContainerPolicy = {}): string[] {
  const maxNeverUsed = policy.maxNeverUsedIntervalMs ?? 0;
  const out = new Set<string>();
  for (const path of tree.containers) {
    const node = tree.getNode(path);
    if (!node || (node.children?.size ?? 0) > 0) continue;
    // A container that never had a child is spared, or it could vanish right after creation.
    if (node.stat.cversion > 0) out.add(path);
    else if (maxNeverUsed !== 0 && wallNow - node.stat.mtime > maxNeverUsed) out.add(path);
  }
  for (const path of tree.ttls) {
    const node = tree.getNode(path);
    if (!node || (node.children?.size ?? 0) > 0) continue;
    if (tree.kindOf(node.stat.ephemeralOwner) !== EphemeralKind.TTL) continue;
    const ttl = ttlOfEphemeralOwner(node.stat.ephemeralOwner);
    if (ttl !== 0 && wallNow - node.stat.mtime > ttl) out.add(path);
  }
  return [...out];
}

/** The pause between two deletions: one minute spread over maxPerMinute. */
export function containerDeleteIntervalMs(maxPerMinute = CONTAINER_MAX_PER_MINUTE): number {
  return Math.trunc(60_000 / maxPerMinute);
}
