// For the lab's tests: clusters in temp directories whose servers run the built CLI, and cleanup
// that leaves no server process behind, even when a test fails halfway or the worker exits.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { vi } from 'vitest';
import { builtCli } from '../server/testing/server-process';
import { hasCluster, serverFiles } from './cluster-config';
import { Cluster, type ClusterStatus } from './cluster';
import { processInfo, type ServerCommand } from './process-control';

export const labCommand: ServerCommand = { node: process.execPath, cliPath: builtCli };

const dirs = new Set<string>();

process.once('exit', () => {
  for (const dir of dirs) killLeftovers(dir);
});

/** A fresh directory under the system's temp dir, cleaned up by cleanUpClusterDir. */
export function tempClusterDir(prefix = 'zoolab-lab-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.add(dir);
  return dir;
}

/** `cluster down` for whatever cluster lives under dir, SIGKILL for any process that survived, rm -rf. */
export async function cleanUpClusterDir(dir: string): Promise<void> {
  for (const clusterDir of clusterDirsUnder(dir)) {
    try {
      await Cluster.load(clusterDir, { command: labCommand }).down();
    } catch {
      // A broken cluster.json, or a stop that failed: the SIGKILLs below still apply.
    }
  }
  killLeftovers(dir);
  rmSync(dir, { recursive: true, force: true });
  dirs.delete(dir);
}

function killLeftovers(dir: string): void {
  for (const clusterDir of clusterDirsUnder(dir)) {
    for (const name of safeReaddir(clusterDir)) {
      const m = /^server-(\d+)$/.exec(name);
      if (!m) continue;
      const { pid } = processInfo(serverFiles(clusterDir, Number(m[1])));
      if (pid !== null) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Gone meanwhile.
        }
      }
    }
  }
}

/**
 * dir itself and its subdirectories two levels down that hold a cluster: tests put clusters in
 * dir or dir/x, and a lab data directory holds its labs in dir/labs/<id>.
 */
function clusterDirsUnder(dir: string): string[] {
  const children = safeReaddir(dir).map((n) => path.join(dir, n));
  const grandchildren = children.flatMap((c) => safeReaddir(c).map((n) => path.join(c, n)));
  return [dir, ...children, ...grandchildren].filter((d) => hasCluster(d));
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Polls the cluster's status until `ok` holds; the failure names `what` and the last status seen. */
export async function statusUntil(cluster: Cluster, ok: (s: ClusterStatus) => boolean, what: string, timeoutMs = 30_000): Promise<ClusterStatus> {
  let last = null as ClusterStatus | null;
  try {
    await vi.waitUntil(async () => ok((last = await cluster.status())), { timeout: timeoutMs, interval: 200 });
  } catch {
    throw new Error(`${what}: not within ${timeoutMs} ms; last status ${JSON.stringify(last?.servers)}`);
  }
  return last!;
}
