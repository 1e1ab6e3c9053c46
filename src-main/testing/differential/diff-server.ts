// A standalone Apache ZooKeeper configured as a differential run needs it: TTL and container
// nodes enabled, the run's super user, and no timer-driven container/TTL reaping mid-run.

import { startZooKeeper, type ApacheZooKeeper } from '../apache-zk';
import { SUPER_DIGEST } from './steps';

// The reaper normally first runs a minute after start and deletes nodes whenever its timer says
// so; it is pushed out of reach of any run. It reads a JVM system property, not a zoo.cfg key,
// so it travels in JAVA_TOOL_OPTIONS, set while any start is under way.
const REAPER_OFF = '-Dznode.container.checkIntervalMs=86400000';
let starting = 0;
let savedToolOptions: string | undefined;

export async function startDiffReference(): Promise<ApacheZooKeeper> {
  if (starting++ === 0) {
    savedToolOptions = process.env.JAVA_TOOL_OPTIONS;
    process.env.JAVA_TOOL_OPTIONS = `${savedToolOptions ?? ''} ${REAPER_OFF}`.trim();
  }
  try {
    return await startZooKeeper({ fourLetterWords: 'srvr', extraConfig: { extendedTypesEnabled: 'true' }, superDigest: SUPER_DIGEST });
  } finally {
    if (--starting === 0) {
      if (savedToolOptions === undefined) delete process.env.JAVA_TOOL_OPTIONS;
      else process.env.JAVA_TOOL_OPTIONS = savedToolOptions;
    }
  }
}
