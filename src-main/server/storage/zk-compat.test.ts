// Both directions against Apache ZooKeeper 3.8: ZooLab reads the log and snapshot a real server
// wrote, and a real server restores from a log and snapshot ZooLab wrote.

import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OPEN_ACL_UNSAFE, ZooKeeperClient } from '../../client';
import { JuteReader, JuteWriter } from '../../protocol/jute';
import { ACLCodec } from '../../protocol/records';
import { requireApacheZooKeeper, startZooKeeper, type ApacheZooKeeper } from '../../testing/apache-zk';
import { VERSION_DIR } from './format';
import { SnapshotStore } from './snapshot-store';
import { TxnLog } from './txn-log';

const TXN_CREATE = 1;
const TXN_CREATE2 = 15;
const TXN_HEADER_SIZE = 32;

/** TxnHeader + CreateTxn, as PrepRequestProcessor logs a create. */
function createTxn(zxid: bigint, path: string, data: string, parentCVersion: number): Buffer {
  const w = new JuteWriter();
  w.writeLong(0x1234n).writeInt(Number(zxid)).writeLong(zxid).writeLong(Date.now()).writeInt(TXN_CREATE);
  w.writeString(path).writeBuffer(Buffer.from(data)).writeVector(OPEN_ACL_UNSAFE, (x, a) => ACLCodec.write(x, a));
  w.writeBool(false).writeInt(parentCVersion);
  return Buffer.from(w.toBuffer());
}

/** Sessions, then DataTree.serialize: the ACL cache, every node depth first, and the "/" end mark. */
function serializeEmptyTree(w: JuteWriter): void {
  w.writeInt(0);
  w.writeInt(0);
  for (const [path, children] of [['', 1], ['/zookeeper', 1], ['/zookeeper/quota', 0]] as const) {
    w.writeString(path).writeBuffer(Buffer.alloc(0)).writeLong(-1n);
    // StatPersisted: czxid, mzxid, ctime, mtime, version, cversion, aversion, ephemeralOwner, pzxid.
    w.writeLong(0n).writeLong(0n).writeLong(0n).writeLong(0n).writeInt(0).writeInt(children).writeInt(0).writeLong(0n).writeLong(0n);
  }
  w.writeString('/');
}

async function withClient<T>(zk: ApacheZooKeeper, use: (c: ZooKeeperClient) => Promise<T>): Promise<T> {
  const client = new ZooKeeperClient({ connectString: zk.connectString, sessionTimeoutMs: 10_000 });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

const scratch: string[] = [];
afterAll(async () => {
  for (const d of scratch) await rm(d, { recursive: true, force: true });
});

describe.skipIf(!requireApacheZooKeeper())('on-disk compatibility with Apache ZooKeeper 3.8', () => {
  it('reads what ZooKeeper wrote, and ZooKeeper restores from what ZooLab wrote', async () => {
    const zk = await startZooKeeper();
    try {
      await withClient(zk, async (c) => {
        for (const n of [1, 2, 3]) await c.create(`/zk-made-${n}`, Buffer.from(`zk ${n}`));
      });
      zk.kill();

      // ZooKeeper's files, read by ZooLab (from a copy: opening may repair a tail).
      const copy = await mkdtemp(join(tmpdir(), 'zoolab-zkcopy-'));
      scratch.push(copy);
      await cp(join(zk.dataDir, VERSION_DIR), join(copy, VERSION_DIR), { recursive: true });
      const theirLog = await TxnLog.open(copy);
      const created: string[] = [];
      let previous = 0n;
      for await (const t of theirLog.read(1n)) {
        expect(t.zxid).toBeGreaterThan(previous);
        previous = t.zxid;
        const type = t.txn.readInt32BE(28);
        if (type === TXN_CREATE || type === TXN_CREATE2) created.push(new JuteReader(t.txn, TXN_HEADER_SIZE).readString()!);
      }
      expect(created).toEqual(['/zk-made-1', '/zk-made-2', '/zk-made-3']);
      expect(theirLog.lastZxid).toBe(previous);
      await theirLog.close();
      // 3.8 seals its startup snapshot twice (tree, then digest): the last seal covers it all.
      const theirSnapshot = await (await SnapshotStore.open(copy)).newestValid();
      expect(theirSnapshot?.zxid).toBe(0n);

      // ZooLab's files, restored by ZooKeeper.
      const dir = join(zk.dataDir, VERSION_DIR);
      for (const name of await readdir(dir)) await rm(join(dir, name));
      await (await SnapshotStore.open(zk.dataDir)).write(0n, serializeEmptyTree);
      const ourLog = await TxnLog.open(zk.dataDir, { preAllocSizeKb: 16 });
      await ourLog.append(1n, createTxn(1n, '/ours-1', 'one', 2));
      await ourLog.append(2n, createTxn(2n, '/ours-2', 'two', 3));
      ourLog.rollLog();
      await ourLog.append(3n, createTxn(3n, '/ours-3', 'three', 4));
      await ourLog.close();

      await zk.start();
      await withClient(zk, async (c) => {
        const { children } = await c.getChildren('/');
        expect(children.sort()).toEqual(['ours-1', 'ours-2', 'ours-3', 'zookeeper']);
        const { data, stat } = await c.getData('/ours-3');
        expect(data?.toString()).toBe('three');
        expect(stat.czxid).toBe(3n);
      });
    } finally {
      await zk.stop();
    }
  });
});
