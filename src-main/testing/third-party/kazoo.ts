// kazoo (Debian's python3-kazoo), unchanged, against any connect string: kazoo_recipes.py runs
// its checks and recipes and prints one JSON line per check.

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { requireTool, runProcess, tailOf, uniqueRoot, type CheckResult } from './common';

// Debian's interpreter: python3-kazoo is installed for it, not for a pyenv python3 earlier on PATH.
export const systemPython = '/usr/bin/python3';
export const kazooScript = path.join(import.meta.dirname, 'kazoo_recipes.py');

/** True when /usr/bin/python3 can import kazoo (throws under CI=true when it cannot). */
export function requireKazoo(): boolean {
  const probe = spawnSync(systemPython, ['-c', 'import kazoo'], { stdio: 'ignore' });
  return requireTool('kazoo', probe.status === 0, 'install the Debian package python3-kazoo');
}

export interface KazooOptions {
  /** Default 180 s: about 5 s on an idle machine, but each check may take up to 40 s on a broken server. */
  timeoutMs?: number;
  /** Where the suite works; default a fresh /zoolab-kazoo-… path, deleted at the end. */
  root?: string;
}

/**
 * Runs every kazoo check against connect (host:port[,host:port...]). Each check's line becomes a
 * result (a failure's detail carries its traceback); a crash, a timeout, or an exit code that
 * disagrees with the checks adds a failed 'process' result.
 */
export async function runKazooRecipes(connect: string, opts: KazooOptions = {}): Promise<CheckResult[]> {
  const run = await runProcess(systemPython, ['-u', kazooScript, connect, opts.root ?? uniqueRoot('kazoo')], {
    timeoutMs: opts.timeoutMs ?? 180_000,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  const results: CheckResult[] = [];
  for (const line of run.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const { check, ok, detail, ms, trace } = JSON.parse(line) as CheckResult & { trace?: string };
    results.push({ check, ok, detail: trace ? `${String(detail)}\n${trace}` : detail, ms });
  }
  const failed = results.some((r) => !r.ok);
  if (run.timedOut || (run.exitCode !== 0) !== failed || results.length === 0) {
    results.push({
      check: 'process',
      ok: false,
      detail: `${run.timedOut ? `timed out after ${run.ms} ms` : `exit code ${run.exitCode}`}; stderr:\n${tailOf(run.stderr)}`,
    });
  }
  return results;
}
