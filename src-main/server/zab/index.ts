// ZAB for a ZooLab ensemble server: the pure protocol core (ZabPeer: election + leader/follower/
// observer) and the quorum-port wire format. The shell around it owns sockets, disk and the data
// tree, and performs the actions the core returns, in order (see actions.ts).

export * from './actions';
export { ZabPeer, type PeerConfig, type PeerRole } from './peer';
export { ZabLeader, type LeaderConfig, type LeaderPhase } from './leader';
export { ZabLearner, type LearnerConfig, type LearnerPhase } from './learner';
export { ZabStore, DEFAULT_COMMIT_LOG_COUNT, type DiskState } from './store';
export { planSync, type SyncPlan } from './sync-plan';
export * from './quorum-packet';
export * from './payloads';
export * from './zxid';
