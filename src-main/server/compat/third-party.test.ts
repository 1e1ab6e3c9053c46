// Unchanged third-party clients against ZooLab's standalone server: the same suites that pass
// against Apache ZooKeeper 3.8 (src-main/testing/third-party) must pass here.
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  requireCliMt, requireKazoo, requireZkCli, runCliMtSuite, runKazooRecipes, runZkCliSuite, expectAllPassed,
} from '../../testing/third-party';
import { startInProcess, type InProcessServer } from '../testing/start-zoolab';

const haveKazoo = requireKazoo();
const haveZkCli = requireZkCli();
const haveCliMt = requireCliMt();

describe('third-party clients against a standalone ZooLab server', () => {
  let node: InProcessServer;
  beforeAll(async () => {
    node = await startInProcess({ extendedTypesEnabled: 'true' });
  });
  afterAll(async () => {
    await node?.stop();
  });

  it.skipIf(!haveKazoo)('kazoo: CRUD, watches, transactions, ACLs, sessions and its recipes under contention', async () => {
    expectAllPassed(await runKazooRecipes(node.connectString), 19);
  }, 200_000);

  it.skipIf(!haveZkCli)('zkCli.sh: a scripted session, output checked command by command', async () => {
    expectAllPassed(await runZkCliSuite(node.connectString), 70);
  });

  it.skipIf(!haveCliMt)('the C client (cli_mt): scripted sessions', async () => {
    expectAllPassed(await runCliMtSuite(node.connectString), 40);
  });
});
