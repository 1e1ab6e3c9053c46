// Test support: runs Apache ZooKeeper's own zkCli.sh (Debian's `zookeeper` package) so the shell's
// output can be compared with the real thing, line by line.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export const ZKCLI = '/usr/share/zookeeper/bin/zkCli.sh';

/** True when zkCli.sh is installed; in CI (CI=true) its absence is an error, not a skip. */
export function requireZkCli(): boolean {
  if (existsSync(ZKCLI)) return true;
  if (process.env.CI === 'true') throw new Error(`${ZKCLI} is missing: install the Debian package zookeeper`);
  return false;
}

/**
 * Pipes `lines` into an interactive zkCli (then `quit`) and returns what it printed, stdout and
 * stderr interleaved as a terminal would show them.
 */
export function runZkCli(connectString: string, lines: string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    // One pipe for both streams keeps their order; a small, quick-starting client JVM.
    const child = spawn('/bin/sh', ['-c', `exec "${ZKCLI}" -server "$0" 2>&1`, connectString], {
      env: { ...process.env, CLIENT_JVMFLAGS: '-Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -XX:-UsePerfData' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`zkCli did not finish within ${timeoutMs} ms; it printed:\n${out}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    child.stdin.end([...lines, 'quit', ''].join('\n'));
  });
}

const noise = [
  /^SLF4J/, /^log4j:/, /^Connecting to /, /^Welcome to ZooKeeper!/, /^JLine support/, /^WATCHER::/, /^WatchedEvent /,
];
const javaDate = /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d\d \d\d:\d\d:\d\d ([A-Z]{2,5}|GMT[+-]\d\d:\d\d) \d{4}$/;

/**
 * The lines worth comparing: without banners, blank lines and watch events (which arrive at
 * different moments), and with zxids, times and session ids (which legitimately differ) masked;
 * a time that is not in Java's Date format stays as it is, so the comparison catches it.
 */
export function comparableLines(text: string): string[] {
  return text.split('\n')
    .filter((l) => l.trim() !== '' && !noise.some((re) => re.test(l)))
    .map((l) => l
      .replace(/^(cZxid|mZxid|pZxid) = 0x[0-9a-f]+$/, '$1 = 0x…')
      .replace(/^(ctime|mtime) = (.*)$/, (whole, field: string, date: string) => (javaDate.test(date) ? `${field} = …` : whole))
      // A session id; containers (0x8000…) and TTL nodes (0xff…) have fixed owners, kept as they are.
      .replace(/^ephemeralOwner = 0x(?!0$|8000000000000000$|ff)[0-9a-f]+$/, 'ephemeralOwner = 0x(session)'));
}
