// Unchanged third-party clients against a ZooLab ensemble (3 participants and an observer, real
// processes), connected to all of its servers: kazoo's recipes, zkCli's and cli_mt's scripted sessions must
// pass as they do against Apache ZooKeeper and against a standalone ZooLab server.

import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { DEFAULT_SPEC } from '../../lab/cluster-config';
import { Cluster } from '../../lab/cluster';
import { cleanUpClusterDir, labCommand, tempClusterDir } from '../../lab/test-support';
import {
  requireCliMt, requireKazoo, requireZkCli, expectAllPassed, runCliMtSuite, runKazooRecipes, runZkCliSuite,
} from '../../testing/third-party';
import { haveBuiltCli } from '../testing/server-process';

const haveKazoo = requireKazoo();
const haveZkCli = requireZkCli();
const haveCliMt = requireCliMt();

describe.skipIf(!haveBuiltCli)('third-party clients against a ZooLab ensemble', () => {
  let root: string;
  let cluster: Cluster;
  beforeAll(async () => {
    root = tempClusterDir('zoolab-ensemble-clients-');
    cluster = await Cluster.create(path.join(root, 'c'), {
      ...DEFAULT_SPEC, nodes: 3, observers: 1, tickTime: 500, extraConfig: { extendedTypesEnabled: 'true' },
    }, { command: labCommand });
    await cluster.up({ timeoutMs: 60_000 });
  }, 90_000);
  afterAll(async () => {
    if (root) await cleanUpClusterDir(root);
  });

  it.skipIf(!haveKazoo)('kazoo: CRUD, watches, transactions, ACLs, sessions and its recipes under contention', async () => {
    expectAllPassed(await runKazooRecipes(cluster.connectString), 19);
  }, 200_000);

  it.skipIf(!haveZkCli)('zkCli.sh: a scripted session, output checked command by command', async () => {
    expectAllPassed(await runZkCliSuite(cluster.connectString), 70);
  }, 120_000);

  it.skipIf(!haveCliMt)('the C client (cli_mt): scripted sessions', async () => {
    expectAllPassed(await runCliMtSuite(cluster.connectString), 40);
  }, 120_000);
});
