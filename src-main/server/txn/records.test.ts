import { describe, expect, it } from 'vitest';
import { JuteWriter, OpCode } from '../../protocol';
import { decodeTxnEntry, encodeTxnEntry, encodeTxnRecord, readTxnRecord, type TxnEntry, TxnHeaderCodec } from './records';
import { JuteReader } from '../../protocol';

const header = (type: number) => ({ clientId: 0x100n, cxid: 3, zxid: 0x500000001n, time: 1795306367388, type });
const ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

describe('txn records (zookeeper.jute)', () => {
  it('round-trips every record type', () => {
    const entries: TxnEntry[] = [
      { header: header(OpCode.create), txn: { type: OpCode.create, path: '/a', data: Buffer.from('x'), acl: ACL, ephemeral: true, parentCVersion: 4 }, digest: { version: 2, treeDigest: -5n } },
      { header: header(OpCode.create2), txn: { type: OpCode.create2, path: '/a', data: null, acl: ACL, ephemeral: false, parentCVersion: 1 }, digest: null },
      { header: header(OpCode.createTTL), txn: { type: OpCode.createTTL, path: '/t', data: null, acl: ACL, parentCVersion: 1, ttl: 1000 }, digest: null },
      { header: header(OpCode.createContainer), txn: { type: OpCode.createContainer, path: '/c', data: null, acl: ACL, parentCVersion: 1 }, digest: null },
      { header: header(OpCode.delete), txn: { type: OpCode.delete, path: '/a' }, digest: null },
      { header: header(OpCode.deleteContainer), txn: { type: OpCode.deleteContainer, path: '/a' }, digest: null },
      { header: header(OpCode.setData), txn: { type: OpCode.setData, path: '/a', data: Buffer.alloc(0), version: 3 }, digest: null },
      { header: header(OpCode.setACL), txn: { type: OpCode.setACL, path: '/a', acl: ACL, version: 2 }, digest: null },
      { header: header(OpCode.check), txn: { type: OpCode.check, path: '/a', version: 2 }, digest: null },
      { header: header(OpCode.createSession), txn: { type: OpCode.createSession, timeOut: 30000 }, digest: { version: 2, treeDigest: 1n } },
      { header: header(OpCode.closeSession), txn: { type: OpCode.closeSession, paths2Delete: ['/e1', '/e2'] }, digest: null },
      { header: header(OpCode.error), txn: { type: OpCode.error, err: -110 }, digest: null },
      {
        header: header(OpCode.multi),
        txn: { type: OpCode.multi, txns: [{ type: OpCode.delete, path: '/x' }, { type: OpCode.error, err: -2 }] },
        digest: { version: 2, treeDigest: 7n },
      },
    ];
    for (const e of entries) expect(decodeTxnEntry(encodeTxnEntry(e)), `type ${e.header.type}`).toEqual(e);
  });

  it('writes a multi as vector<Txn{type, buffer}> of serialized sub-records', () => {
    const buf = encodeTxnRecord({ type: OpCode.multi, txns: [{ type: OpCode.error, err: 0 }] });
    expect(buf.toString('hex')).toBe('00000001' + 'ffffffff' + '00000004' + '00000000');
  });

  it('reads a closeSession logged without CloseSessionTxn', () => {
    const w = new JuteWriter();
    TxnHeaderCodec.write(w, header(OpCode.closeSession));
    const bare = Buffer.from(w.toBuffer());
    expect(decodeTxnEntry(bare).txn).toEqual({ type: OpCode.closeSession, paths2Delete: null });
    expect(encodeTxnEntry({ header: header(OpCode.closeSession), txn: { type: OpCode.closeSession, paths2Delete: null }, digest: null })).toEqual(bare);
  });

  it('reads a pre-3.3 CreateTxnV0 as parentCVersion -1', () => {
    const w = new JuteWriter();
    TxnHeaderCodec.write(w, header(OpCode.create));
    w.writeString('/old').writeBuffer(null).writeVector(ACL, (ww, a) => { ww.writeInt(a.perms).writeString(a.id.scheme).writeString(a.id.id); }).writeBool(false);
    expect(decodeTxnEntry(Buffer.from(w.toBuffer())).txn).toMatchObject({ path: '/old', parentCVersion: -1 });
  });

  it('refuses unknown types', () => {
    expect(() => readTxnRecord(new JuteReader(Buffer.alloc(4)), 99)).toThrow(/Unsupported Txn/);
  });
});
