// Unchanged third-party ZooKeeper clients as test suites: each takes a connect string
// (host:port[,host:port...]) and returns one CheckResult per check, so the same suites run against
// Apache ZooKeeper and against ZooLab's server, standalone or as an ensemble.

export { requireTool, type CheckResult } from './common';
export { requireKazoo, runKazooRecipes, type KazooOptions } from './kazoo';
export { parseZkCliStat, requireZkCli, runZkCliScript, type ZkCliEvent, type ZkCliRun } from './zkcli';
export { runZkCliSuite, type ZkCliSuiteOptions } from './zkcli-suite';
export { requireCliMt, runCliMt, type CliMtEvent, type CliMtOptions, type CliMtRun } from './cli-mt';
export { runCliMtSuite, type CliMtSuiteOptions } from './cli-mt-suite';
export { expectAllPassed } from './expect-all-passed';
