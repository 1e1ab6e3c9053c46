// Builds test trees from a separate ZooKeeper client, in multi batches so 100,000 nodes take
// a hundred transactions rather than a hundred thousand round trips.
import { OPEN_ACL_UNSAFE, type ZooKeeperClient } from '../../src-main/client';
import { CreateMode, OpCode, type MultiOp } from '../../src-main/protocol';

function createOp(path: string, data: string | null = null): MultiOp {
  return { type: OpCode.create, path, data: data === null ? null : Buffer.from(data), acl: OPEN_ACL_UNSAFE, flags: CreateMode.PERSISTENT };
}

/**
 * Creates every path, `batch` creates per multi and `inFlight` multis at once. Batches run side by
 * side, so a parent must sit in the same batch before its children, or exist already.
 */
export async function createAll(zk: ZooKeeperClient, paths: string[], batch = 1000, inFlight = 4): Promise<void> {
  const batches: MultiOp[][] = [];
  for (let i = 0; i < paths.length; i += batch) batches.push(paths.slice(i, i + batch).map((p) => createOp(p)));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) await zk.multi(batches[next++]);
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}
