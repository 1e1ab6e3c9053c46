// The four-letter op names ZooKeeper's FinalRequestProcessor records as a connection's last op
// (cons' "lop" and the admin server's "last_operation").

import { OpCode } from '../../protocol';

const names = new Map<number, string>([
  [OpCode.create, 'CREA'], [OpCode.create2, 'CREA'], [OpCode.createTTL, 'CREA'], [OpCode.createContainer, 'CREA'],
  [OpCode.delete, 'DELE'], [OpCode.deleteContainer, 'DELE'], [OpCode.setData, 'SETD'], [OpCode.reconfig, 'RECO'],
  [OpCode.setACL, 'SETA'], [OpCode.check, 'CHEC'], [OpCode.multi, 'MULT'], [OpCode.multiRead, 'MLTR'],
  [OpCode.sync, 'SYNC'], [OpCode.exists, 'EXIS'], [OpCode.getData, 'GETD'], [OpCode.getACL, 'GACL'],
  [OpCode.getChildren, 'GETC'], [OpCode.getChildren2, 'GETC'], [OpCode.getAllChildrenNumber, 'GETACN'],
  [OpCode.setWatches, 'SETW'], [OpCode.setWatches2, 'STW2'], [OpCode.addWatch, 'ADDW'], [OpCode.checkWatches, 'CHKW'],
  [OpCode.removeWatches, 'REMW'], [OpCode.getEphemerals, 'GETE'], [OpCode.whoAmI, 'HOMI'], [OpCode.ping, 'PING'],
  [OpCode.createSession, 'SESS'], [OpCode.closeSession, 'CLOS'],
]);

export function shortOpName(type: number): string {
  return names.get(type) ?? 'NA';
}
