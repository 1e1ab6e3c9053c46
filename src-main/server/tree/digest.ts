// The tree digest ZooKeeper 3.6+ keeps (DigestCalculator + AdHash): each node hashes to a CRC32
// of its path, data and persisted stat; the tree digest is the 64-bit wrapping sum over all nodes
// outside /zookeeper/. Logged with every txn (TxnDigest) so followers can detect divergence.

import { crc32 } from 'node:zlib';
import type { StatPersisted } from './stat';

/** DigestCalculator.DIGEST_VERSION in ZooKeeper 3.8. */
export const DIGEST_VERSION = 2;

const ZOOKEEPER_NODE_SUBTREE = '/zookeeper/';

/** True for paths whose digest never counts (the /zookeeper/ subtree; /zookeeper itself counts). */
export function isDigestExcluded(path: string): boolean {
  return path.startsWith(ZOOKEEPER_NODE_SUBTREE);
}

/** DigestCalculator.calculateDigest: "/" and "" are the same node and hash as "". */
export function nodeDigest(path: string, data: Uint8Array | null, stat: StatPersisted): bigint {
  if (isDigestExcluded(path)) return 0n;
  const b = Buffer.alloc(60);
  b.writeBigInt64BE(stat.czxid, 0);
  b.writeBigInt64BE(stat.mzxid, 8);
  b.writeBigInt64BE(stat.pzxid, 16);
  b.writeBigInt64BE(BigInt(stat.ctime), 24);
  b.writeBigInt64BE(BigInt(stat.mtime), 32);
  b.writeInt32BE(stat.version, 40);
  b.writeInt32BE(stat.cversion, 44);
  b.writeInt32BE(stat.aversion, 48);
  b.writeBigInt64BE(stat.ephemeralOwner, 52);
  let crc = crc32(Buffer.from(path === '/' ? '' : path, 'utf8'));
  if (data) crc = crc32(data, crc);
  crc = crc32(b, crc);
  return BigInt(crc);
}

/** AdHash arithmetic: a Java long that wraps. */
export function addDigest(tree: bigint, node: bigint): bigint {
  return BigInt.asIntN(64, tree + node);
}

export function removeDigest(tree: bigint, node: bigint): bigint {
  return BigInt.asIntN(64, tree - node);
}
