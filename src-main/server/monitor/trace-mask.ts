// ZooTrace's text trace mask, which gtmk/stmk and get/set_trace_mask read and set. ZooKeeper keeps
// it per JVM; here it is per node, so nodes simulated in one process do not share it.

import type { Monitored } from './types';

/** ZooTrace's default: client requests, server packets, sessions and warnings (0x132). */
const DEFAULT_TRACE_MASK = 306n;

const masks = new WeakMap<Monitored, bigint>();

export function traceMask(server: Monitored): bigint {
  return masks.get(server) ?? DEFAULT_TRACE_MASK;
}

export function setTraceMask(server: Monitored, mask: bigint): void {
  masks.set(server, mask);
}
