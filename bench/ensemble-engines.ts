// The two 3-server ensembles of `npm run bench:ensemble` behind one face: ZooLab's (the lab's Cluster,
// each server a `node out/main/cli.js server zoo.cfg` process) and Apache ZooKeeper 3.8's (Debian's
// jars). Both get the same zoo.cfg settings; roles are read the same way, with srvr on the client port.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Cluster } from '../src-main/lab/cluster';
import { DEFAULT_SPEC } from '../src-main/lab/cluster-config';
import { processInfo } from '../src-main/lab/process-control';
import { fourLetterWord, startEnsemble } from '../src-main/testing/apache-zk';

export type Engine = 'zoolab' | 'apache';
export const engineName: Record<Engine, string> = { zoolab: 'ZooLab', apache: 'Apache ZooKeeper' };

export interface EnsembleSettings {
  tickTime: number;
  initLimit: number;
  syncLimit: number;
}

export interface BenchEnsemble {
  readonly engine: Engine;
  readonly connectString: string;
  readonly ids: readonly number[];
  /** `Zookeeper version:` as srvr reports it. */
  readonly version: string;
  clientPort(id: number): number;
  /** SIGKILL, sent before this returns (the promise only waits for the process to be gone). */
  kill(id: number): Promise<void>;
  /** Starts a killed server again on its config and data; resolves once it is running (not yet serving). */
  start(id: number): Promise<void>;
  /** Servers whose process is not alive although it should be. */
  dead(): number[];
  /** The last lines each server logged, for reports of what went wrong. */
  logTails(lines?: number): string;
  /** Stops every server and deletes the ensemble's directory. */
  stop(): Promise<void>;
}

/** What srvr says after `Mode:`, or null when the server does not answer or is not serving. */
export async function srvrMode(port: number, timeoutMs = 1000): Promise<string | null> {
  try {
    return /^Mode: (\S+)/m.exec(await fourLetterWord(port, 'srvr', timeoutMs))?.[1] ?? null;
  } catch {
    return null;
  }
}

/** srvr's `Connections:` count, or null. */
export async function srvrConnections(port: number, timeoutMs = 1000): Promise<number | null> {
  try {
    const m = /^Connections: (\d+)/m.exec(await fourLetterWord(port, 'srvr', timeoutMs));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

function tailOf(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).map((l) => `  ${l}`).join('\n');
  } catch {
    return '  (nothing logged)';
  }
}

async function srvrVersion(port: number): Promise<string> {
  return /^Zookeeper version: (.*)$/m.exec(await fourLetterWord(port, 'srvr').catch(() => ''))?.[1] ?? 'unknown';
}

// The same keys on both sides (Apache's test helper already sets the last three the same way).
// forceSync=yes is both servers' default; it is written out so nobody wonders.
const sharedConfig = { forceSync: 'yes', preAllocSize: '1024', maxClientCnxns: '0', maxSessionTimeout: '40000' };

// A ZooLab server is a detached process that would outlive this one: on exit (Ctrl-C included)
// every one still running is killed and its directory deleted.
const zoolabLive = new Map<string, Cluster>();
process.once('exit', () => {
  for (const [dir, cluster] of zoolabLive) {
    for (const s of cluster.servers) {
      const { pid } = processInfo(cluster.files(s.id));
      if (pid !== null) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Gone meanwhile.
        }
      }
    }
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
});

export async function startZooLabEnsemble(root: string, s: EnsembleSettings): Promise<BenchEnsemble> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zoolab-bench-ensemble-'));
  const cluster = await Cluster.create(dir, { ...DEFAULT_SPEC, nodes: 3, ...s, extraConfig: sharedConfig },
    { command: { node: process.execPath, cliPath: path.join(root, 'out/main/cli.js') } });
  zoolabLive.set(dir, cluster);
  const logTails = (lines = 15) => cluster.servers.map((srv) =>
    `--- ZooLab server ${srv.id} (${processInfo(cluster.files(srv.id)).state}), ${cluster.files(srv.id).log}:\n`
    + cluster.logTail(srv.id, lines).map((l) => `  ${l}`).join('\n')).join('\n');
  const stop = async () => {
    await cluster.down().catch(() => {});
    for (const srv of cluster.servers) {
      const { pid } = processInfo(cluster.files(srv.id));
      if (pid !== null) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Gone meanwhile.
        }
      }
    }
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    zoolabLive.delete(dir);
  };
  try {
    await cluster.up({ timeoutMs: 90_000 });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    engine: 'zoolab',
    connectString: cluster.connectString,
    ids: cluster.servers.map((srv) => srv.id),
    version: await srvrVersion(cluster.servers[0].clientPort),
    clientPort: (id) => cluster.server(id).clientPort,
    kill: async (id) => void (await cluster.kill(id)),
    start: async (id) => {
      if (cluster.start(id) === null) throw new Error(`ZooLab server ${id} is still running`);
    },
    dead: () => cluster.servers.filter((srv) => processInfo(cluster.files(srv.id)).state === 'crashed').map((srv) => srv.id),
    logTails,
    stop,
  };
}

export async function startApacheEnsemble(s: EnsembleSettings): Promise<BenchEnsemble> {
  // zkServer.sh's JVM defaults, not the tests' fast-start flags: the comparison must be fair.
  const ens = await startEnsemble(3, {
    tickTime: s.tickTime, jvmFlags: ['-Xmx1000m'],
    extraConfig: { ...sharedConfig, initLimit: String(s.initLimit), syncLimit: String(s.syncLimit) },
    startTimeoutMs: 90_000,
  });
  const server = (id: number) => {
    const found = ens.servers.find((srv) => srv.id === id);
    if (!found) throw new Error(`there is no Apache ZooKeeper server ${id}`);
    return found;
  };
  // start() resolves only once the server serves; the failover round waits for that itself.
  const starting = new Map<number, Promise<void>>();
  return {
    engine: 'apache',
    connectString: ens.connectString,
    ids: ens.servers.map((srv) => srv.id),
    version: await srvrVersion(ens.servers[0].clientPort),
    clientPort: (id) => server(id).clientPort,
    kill: async (id) => server(id).kill(),
    start: async (id) => {
      const p = server(id).start();
      starting.set(id, p);
      p.catch(() => {}).finally(() => starting.delete(id));
    },
    dead: () => ens.servers.filter((srv) => !srv.running).map((srv) => srv.id),
    logTails: (lines = 15) => ens.servers.map((srv) => {
      const log = path.join(path.dirname(srv.dataDir), 'zookeeper.log');
      return `--- Apache ZooKeeper server ${srv.id} (${srv.running ? 'running' : 'not running'}), ${log}:\n${tailOf(log, lines)}`;
    }).join('\n'),
    stop: async () => {
      await Promise.allSettled([...starting.values()]);
      await ens.stop();
    },
  };
}
