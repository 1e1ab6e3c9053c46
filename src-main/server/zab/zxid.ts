// zxids as ZooKeeper's ZxidUtils builds them: the epoch in the high 32 bits, a counter in the low 32.
// They are bigints because they pass 2^53 as soon as the epoch does.

const LOW = 0xffffffffn;

export const makeZxid = (epoch: bigint, counter: bigint): bigint => (epoch << 32n) | (counter & LOW);
export const epochOf = (zxid: bigint): bigint => zxid >> 32n;
export const counterOf = (zxid: bigint): bigint => zxid & LOW;

/** A counter of 0xffffffff means the epoch is used up: the leader must step down (ZOOKEEPER-1277). */
export const COUNTER_LIMIT = LOW;

/** zxids as ZooKeeper prints them: 0x-prefixed hex (negative ones, like UPTODATE's -1, keep their sign). */
export const hexZxid = (zxid: bigint): string => (zxid < 0n ? `-0x${(-zxid).toString(16)}` : `0x${zxid.toString(16)}`);
