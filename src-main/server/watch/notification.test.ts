import { describe, expect, it } from 'vitest';
import type { ACL, Id } from '../../protocol';
import { EventType, OpCode, Perms } from '../../protocol';
import { defaultAclPolicy, OPEN_ACL_UNSAFE } from '../acl/acl';
import { DataTree } from '../tree/data-tree';
import { processTxn } from '../tree/process-txn';
import { setWatches } from '../tree/set-watches';
import type { TxnRecord } from '../txn/records';
import { mayDeliver } from './notification';
import { WatcherMode } from './watch-manager';

const USER: Id = { scheme: 'digest', id: 'user:2Om+GBbT2q/tS6pdvACZbbm7/1A=' };
const PRIV: ACL[] = [{ perms: Perms.ALL, id: USER }];
const OPEN = [...OPEN_ACL_UNSAFE];

describe('watch event delivery filtered by READ (CVE-2024-23944 fix in Debian 3.8.0)', () => {
  it('drops events about nodes the watcher cannot read, as a real server did', () => {
    // Recorded on Debian's 3.8.0: a recursive watcher on /p2 and an exists watcher on /p2/priv/x,
    // neither authenticated, saw only [Created /p2, Created /p2/pub, DataChanged /p2/pub].
    const tree = new DataTree<string>();
    let zxid = 0n;
    const delivered: string[] = [];
    const watcherIds: Id[] = [{ scheme: 'ip', id: '127.0.0.1' }];
    const apply = (txn: TxnRecord) => {
      for (const n of processTxn(tree, { clientId: 1n, cxid: 1, zxid: ++zxid, time: 1, type: txn.type }, txn).events) {
        if (mayDeliver(defaultAclPolicy(), n, watcherIds)) delivered.push(`${n.event.type} ${n.event.path}`);
      }
    };
    const create = (path: string, acl: ACL[]) => apply({ type: OpCode.create, path, data: null, acl, ephemeral: false, parentCVersion: -1 });
    tree.addWatch('/p2', 'w', WatcherMode.PERSISTENT_RECURSIVE);
    create('/p2', OPEN);
    create('/p2/priv', PRIV);
    tree.dataWatches.addWatch('/p2/priv/x', 'w');
    create('/p2/priv/x', PRIV);
    apply({ type: OpCode.setData, path: '/p2/priv/x', data: Buffer.from('d'), version: 1 });
    apply({ type: OpCode.delete, path: '/p2/priv/x' });
    create('/p2/pub', OPEN);
    apply({ type: OpCode.setData, path: '/p2/pub', data: Buffer.from('d'), version: 1 });
    expect(delivered).toEqual([`${EventType.NodeCreated} /p2`, `${EventType.NodeCreated} /p2/pub`, `${EventType.NodeDataChanged} /p2/pub`]);
    expect(tree.dataWatches.byPath().has('/p2/priv/x')).toBe(false); // the one-shot watch was used up anyway
  });

  it('always delivers setWatches replies (no ACL attached)', () => {
    const tree = new DataTree<string>();
    const [n] = setWatches(tree, 0n, ['/missing'], [], [], [], [], 'w');
    expect(mayDeliver(defaultAclPolicy(), n, [])).toBe(true);
  });
});
