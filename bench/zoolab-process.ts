// A ZooLab standalone server for the benchmark: the built CLI (`node out/main/cli.js server
// zoo.cfg`) as a child process, the way users run it, with failures explained in words.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fourLetterWord, freePorts } from '../src-main/testing/apache-zk';

export interface ZooLabProcess {
  readonly connectString: string;
  /** `Zookeeper version:` as srvr reports it. */
  readonly version: string;
  /** Null while running; otherwise how it ended. */
  exitStatus(): string | null;
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

export class ZooLabStartError extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/** A warning when src-main has changed since the build, so nobody benchmarks yesterday's server. */
export function staleBuildWarning(root: string): string | null {
  const cli = path.join(root, 'out/main/cli.js');
  if (!existsSync(cli)) return null;
  return newestMtime(path.join(root, 'src-main')) > statSync(cli).mtimeMs
    ? 'src-main has changed since out/main was built: this measures the last build (npm run build to refresh)'
    : null;
}

// setpriv's parent-death signal kills the server even if this process is killed outright.
const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
// On exit (Ctrl-C included) whatever is still running is killed and its directory deleted.
const live = new Map<ChildProcess, string>();
process.once('exit', () => {
  for (const [child, dir] of live) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
});

export async function startZooLab(root: string, startTimeoutMs = 30_000): Promise<ZooLabProcess> {
  const cli = path.join(root, 'out/main/cli.js');
  if (!existsSync(cli)) throw new ZooLabStartError(`ZooLab is not built (${cli} is missing): run npm run build (npx electron-vite build) first`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zoolab-bench-srv-'));
  const [port] = await freePorts(1);
  // The same keys the Apache side gets from startZooKeeper, so both servers run the same config.
  const cfg = {
    tickTime: '2000', dataDir: path.join(dir, 'data'), clientPort: String(port), clientPortAddress: '127.0.0.1',
    maxClientCnxns: '0', 'admin.enableServer': 'false', '4lw.commands.whitelist': 'srvr', forceSync: 'yes', preAllocSize: '1024',
  };
  writeFileSync(path.join(dir, 'zoo.cfg'), Object.entries(cfg).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  const logFile = path.join(dir, 'server.log');
  const out = openSync(logFile, 'a');
  const args = [cli, 'server', path.join(dir, 'zoo.cfg')];
  const child = setpriv
    ? spawn(setpriv, ['--pdeathsig', 'KILL', process.execPath, ...args], { stdio: ['ignore', out, out] })
    : spawn(process.execPath, args, { stdio: ['ignore', out, out] });
  closeSync(out);
  live.set(child, dir);
  let status: string | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      status = signal ? `killed by ${signal}` : `exit code ${code}`;
      resolve();
    });
    child.once('error', (err) => {
      status = `could not run: ${err.message}`;
      resolve();
    });
  });
  const logTail = (lines = 20) => {
    try {
      return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  const stop = async () => {
    if (status === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    live.delete(child);
  };

  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (status !== null) {
      const log = logTail();
      await stop();
      throw new ZooLabStartError(/unknown command 'server'/.test(log)
        ? 'this build of ZooLab has no server command yet: rebuild with npm run build once src-main/cli.ts wires it in'
        : `the ZooLab server did not start (${status}); its last output:\n${log}`);
    }
    const srvr = await fourLetterWord(port, 'srvr', 1000).catch(() => '');
    if (/^Mode: standalone/m.test(srvr)) {
      const version = /^Zookeeper version: (.*)$/m.exec(srvr)?.[1] ?? 'unknown';
      return { connectString: `127.0.0.1:${port}`, version, exitStatus: () => status, logTail, stop };
    }
    if (Date.now() > deadline) {
      const log = logTail();
      await stop();
      throw new ZooLabStartError(`the ZooLab server did not serve within ${startTimeoutMs} ms; its last output:\n${log}`);
    }
    await sleep(100);
  }
}
