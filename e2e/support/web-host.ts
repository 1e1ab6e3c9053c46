// Runs the built `zoolab web` as a child process, the way a user would, and hands back its URL.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const cli = path.join(root, 'out/main/cli.js');

export interface RunningWebHost {
  url: string;
  /** Everything the host wrote to stderr, for failure messages. */
  stderr(): string;
  stop(): Promise<void>;
}

export async function startWebHost(dataDir: string, timeoutMs = 30_000): Promise<RunningWebHost> {
  for (const f of [cli, path.join(root, 'out/renderer/index.html')]) {
    if (!existsSync(f)) throw new Error(`${path.relative(root, f)} is missing: run npm run build before the e2e tests`);
  }
  const child = spawn(process.execPath, [cli, 'web', '--port', '0', '--data-dir', dataDir, '--no-open'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(`no URL within ${timeoutMs} ms`), timeoutMs);
    function fail(why: string): void {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`zoolab web did not start: ${why}\nstdout: ${out}\nstderr: ${err}`));
    }
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /ZooLab web: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code, signal) => fail(`it exited (${signal ?? code})`));
  });
  return { url, stderr: () => err, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 8000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
