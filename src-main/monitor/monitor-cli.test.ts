// `zoolab monitor` against a real Apache ZooKeeper 3.8 ensemble: in process with captured streams,
// and as the built command line in a child process.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireApacheZooKeeper, startEnsemble, type ApacheEnsemble } from '../testing/apache-zk';
import { main } from './monitor-cli';
import type { JsonPoll } from './monitor-table';

interface Run { code: number; stdout: string; stderr: string }

async function runMain(args: string[], opts: { isTTY?: boolean; until?: (stdout: string) => boolean } = {}): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  const stop = new AbortController();
  stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    if (opts.until?.(out)) stop.abort();
  });
  stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const code = await main(args, { stdout, stderr, isTTY: opts.isTTY ?? false, signal: stop.signal });
  return { code, stdout: out, stderr: err };
}

describe('zoolab monitor usage', () => {
  it('explains its usage errors', async () => {
    expect(await runMain([])).toMatchObject({ code: 2, stderr: expect.stringContaining('missing <connect>') });
    expect(await runMain(['127.0.0.1:1', '--interval', '0'])).toMatchObject({ code: 2, stderr: expect.stringContaining("--interval wants seconds (above 0, at most 3600), not '0'") });
    expect(await runMain(['127.0.0.1:1', '--auth', 'nopassword'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--auth wants user:password') });
    expect(await runMain(['127.0.0.1:1', '--bogus'])).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown option '--bogus'") });
    expect(await runMain(['127.0.0.1:1', '--tls-port', 'x'])).toMatchObject({ code: 2, stderr: expect.stringContaining("--tls-port wants a port number, not 'x'") });
    expect(await runMain(['127.0.0.1:1', '--tls-cert', 'c.pem'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--tls-cert and --tls-key go together') });
    expect(await runMain(['--help'])).toMatchObject({ code: 0, stderr: '' });
  });
});

const available = requireApacheZooKeeper();
// The lead's build puts the command line at out/main/cli.js (npx electron-vite build).
const builtCli = path.resolve(__dirname, '../../out/main/cli.js');
const haveBuild = existsSync(builtCli) || process.env.CI === 'true';

function runBuiltCli(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [builtCli, 'monitor', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe.skipIf(!available)('zoolab monitor against a 3-server Apache ZooKeeper 3.8 ensemble', () => {
  let ensemble: ApacheEnsemble;
  let cs: string;

  beforeAll(async () => {
    ensemble = await startEnsemble(3, { fourLetterWords: '*' });
    cs = ensemble.connectString;
  });
  afterAll(async () => {
    await ensemble?.stop();
  });

  function expectHealthy(poll: JsonPoll): void {
    expect(poll.servers.map((s) => s.address).sort()).toEqual(ensemble.servers.map((s) => s.connectString).sort());
    expect(poll.servers.every((s) => s.state === 'up' && s.reason === null)).toBe(true);
    expect(poll.servers.map((s) => s.role).sort()).toEqual(['follower', 'follower', 'leader']);
    for (const s of poll.servers) {
      expect(s.mntr).toMatchObject({ zk_server_state: s.role, zk_outstanding_requests: expect.any(Number), zk_znode_count: expect.any(Number) });
      expect(s.zxid).toMatch(/^0x[0-9a-f]+$/);
    }
  }

  it('--once --json prints one JSON poll and exits 0 when every server answered', async () => {
    const r = await runMain([cs, '--once', '--json']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expectHealthy(JSON.parse(lines[0]) as JsonPoll);
  });

  it('--once prints the table', async () => {
    const r = await runMain([cs, '--once']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z  ${cs.replace(/\./g, '\\.')}  3/3 up$`));
    expect(lines[1]).toMatch(/^SERVER +STATE +ROLE/);
    expect(lines.slice(2).filter((l) => / up +leader /.test(l))).toHaveLength(1);
    expect(lines.slice(2).filter((l) => / up +follower /.test(l))).toHaveLength(2);
  });

  it('keeps polling, appending a table per poll, until stopped; redraws in place on a terminal', async () => {
    const tables = (out: string) => out.split('\n').filter((l) => l.startsWith('SERVER')).length;
    const appended = await runMain([cs, '--interval', '1'], { until: (out) => tables(out) >= 2 });
    expect(appended.code).toBe(0);
    expect(appended.stderr).toMatch(/^zoolab monitor: 3 servers \(from conf\), polling every 1 s/);
    expect(tables(appended.stdout)).toBe(2);
    const tty = await runMain([cs, '--interval', '1'], { isTTY: true, until: (out) => tables(out) >= 2 });
    expect(tty.stdout.startsWith('\x1b[H\x1b[2J')).toBe(true);
    expect(tty.stdout.split('\x1b[H\x1b[2J')).toHaveLength(3);
  });

  it.skipIf(!haveBuild)('runs as the built command line', async () => {
    if (!existsSync(builtCli)) throw new Error(`${builtCli} is missing: run npx electron-vite build first`);
    const r = await runBuiltCli([cs, '--once', '--json']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expectHealthy(JSON.parse(r.stdout) as JsonPoll);
  });

  it('exits 1 with the reason when a server does not answer', async () => {
    const victim = ensemble.servers[0];
    victim.kill();
    const r = await runMain([cs, '--once', '--json']);
    expect(r.code).toBe(1);
    const down = (JSON.parse(r.stdout) as JsonPoll).servers.find((s) => s.address === victim.connectString);
    expect(down).toEqual({ address: victim.connectString, state: 'down', reason: 'connection refused', role: null, zxid: null, probeMs: null, mntr: null });
  });
});
