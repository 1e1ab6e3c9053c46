// The deterministic simulator: protocol nodes (election, ZAB) plug in as SimNode.

export { Simulation, type NodeFactory, type Outbound, type SimEvent, type SimNode, type SimObserver, type SimulationOptions, type Step } from './simulator';
export { SimNetwork, reliableNetwork, type NetworkProfile } from './network';
export { injectFaults, randomWeather, type FaultOptions } from './faults';
export { Prng } from './prng';
export { SimFailure, runSeeds, seedPlan, type SeedPlan, type SeedRunSummary } from './seeds';
