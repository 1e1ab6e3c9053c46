// Monitoring outputs of a server node: four-letter words and AdminServer commands, as ZooKeeper 3.8 gives them.

export { adminCommand, adminCommandNames } from './admin-commands';
export { ZOOLAB_ZOOKEEPER_VERSION, zooKeeperFullVersion } from './environment';
export { fourLetterWord } from './four-letter-words';
export { monitorValues, type MetricValue } from './metrics';
export type { LeaderFacts, Monitored, MonitorExtras } from './types';
