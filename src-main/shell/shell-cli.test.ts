// `zoolab shell` end to end against a real Apache ZooKeeper: in process with piped streams, and as
// the built command line in a child process.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts, requireApacheZooKeeper, startZooKeeper, type ApacheZooKeeper } from '../testing/apache-zk';
import { main } from './shell-cli';

interface Run { code: number; stdout: string; stderr: string }

async function runMain(args: string[], input?: string, isTTY = false): Promise<Run> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  stdin.end(input ?? '');
  const code = await main(args, { stdin, stdout, stderr, isTTY });
  return { code, stdout: out, stderr: err };
}

const available = requireApacheZooKeeper();

describe.skipIf(!available)('zoolab shell (in process)', () => {
  let server: ApacheZooKeeper;
  let cs: string;

  beforeAll(async () => {
    server = await startZooKeeper();
    cs = server.connectString;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('runs one command and prints its output', async () => {
    // Words arrive already split by the OS shell: no quote processing, spaces kept.
    expect(await runMain([cs, 'create', '/cli', 'hello world'])).toEqual({ code: 0, stdout: 'Created /cli\n', stderr: '' });
    expect(await runMain([cs, 'get', '/cli'])).toEqual({ code: 0, stdout: 'hello world\n', stderr: '' });
    expect(await runMain([cs, '--timeout', '4000', 'ls', '/'])).toEqual({ code: 0, stdout: '[cli, zookeeper]\n', stderr: '' });
  });

  it("fails with ZooKeeper's error name on stderr", async () => {
    expect(await runMain([cs, 'get', '/nope'])).toEqual({ code: 1, stdout: '', stderr: 'NONODE: Node does not exist: /nope\n' });
    expect(await runMain([cs, 'create', '/cli'])).toEqual({ code: 1, stdout: '', stderr: 'NODEEXISTS: Node already exists: /cli\n' });
    expect(await runMain([cs, 'set', '-v', '5', '/cli', 'x'])).toEqual({
      code: 1, stdout: '', stderr: 'BADVERSION: version No is not valid : /cli\n',
    });
    expect(await runMain([cs, 'get'])).toEqual({ code: 1, stdout: '', stderr: 'get [-s] [-w] path\n' });
    expect(await runMain([cs, 'get', 'cli'])).toEqual({ code: 1, stdout: '', stderr: 'Path must start with / character\n' });
    const unknown = await runMain([cs, 'frobnicate']);
    expect(unknown.code).toBe(127);
    expect(unknown.stderr).toMatch(/Command not found: Command not found frobnicate\n$/);
  });

  it('adds digest auth with --auth before the command', async () => {
    expect((await runMain(['--auth', 'alice:pw', cs, 'create', '/sec', 'x', 'auth::cdrwa'])).code).toBe(0);
    expect(await runMain([cs, 'get', '/sec'])).toEqual({ code: 1, stdout: '', stderr: 'NOAUTH: Insufficient permission : /sec\n' });
    expect(await runMain([cs, '--auth=alice:pw', 'get', '/sec'])).toEqual({ code: 0, stdout: 'x\n', stderr: '' });
    // The server decides the order of the identities.
    const who = (await runMain([cs, '--auth', 'alice:pw', 'whoami'])).stdout.split('\n');
    expect(who[0]).toBe('Auth scheme: User');
    expect(who.slice(1).sort()).toEqual(['', 'digest: alice', 'ip: 127.0.0.1']);
  });

  it('reads commands from a pipe, one a line, without prompts', async () => {
    const r = await runMain([cs], 'create /piped "a b"\nget /piped\n\nget /nope\nls /piped\nquit\nls /\n');
    expect(r).toEqual({ code: 0, stdout: 'Created /piped\na b\n[]\n', stderr: 'Node does not exist: /nope\n' });
    // Without quit the session ends with the input; the exit status is the last command's, as zkCli's.
    expect(await runMain([cs], 'ls /piped\nget /nope\n')).toEqual({ code: 1, stdout: '[]\n', stderr: 'Node does not exist: /nope\n' });
  });

  it('prompts with the connect string, state and command count on a terminal', async () => {
    const r = await runMain([cs], 'ls /piped\nexit\n', true);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Connected to ${cs} (session 0x`);
    expect(r.stdout).toContain(`[zk: ${cs}(CONNECTED) 0] `);
    expect(r.stdout).toContain(`[zk: ${cs}(CONNECTED) 1] `);
    expect(r.stdout).toContain('[]\n');
  });

  it('names the connect string when it cannot connect', async () => {
    const [port] = await freePorts(1);
    const r = await runMain([`127.0.0.1:${port}`, '--timeout', '1500', 'ls', '/']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^zoolab shell: cannot connect to 127\\.0\\.0\\.1:${port}: `));
  });

  it('explains its own usage errors', async () => {
    expect((await runMain([])).code).toBe(2);
    expect((await runMain([])).stderr).toContain('missing <connect>');
    expect((await runMain(['--bogus', cs])).stderr).toContain("unknown option '--bogus'");
    expect((await runMain([cs, '--timeout', 'soon'])).stderr).toContain("--timeout wants milliseconds, not 'soon'");
    expect((await runMain([cs, '--auth', 'nopassword'])).code).toBe(2);
    expect(await runMain(['--help'])).toMatchObject({ code: 0, stderr: '' });
  });
});

// The lead's build puts the command line at out/main/cli.js (npx electron-vite build).
const builtCli = path.resolve(__dirname, '../../out/main/cli.js');
const haveBuild = existsSync(builtCli) || process.env.CI === 'true';

function runBuiltCli(args: string[], input = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [builtCli, 'shell', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe.skipIf(!available || !haveBuild)('zoolab shell (built CLI, child process)', () => {
  let server: ApacheZooKeeper;

  beforeAll(async () => {
    if (!existsSync(builtCli)) throw new Error(`${builtCli} is missing: run npx electron-vite build first`);
    server = await startZooKeeper();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('runs a command, fails with an error name, and exits', async () => {
    const cs = server.connectString;
    expect(await runBuiltCli([cs, 'create', '/built', 'x y'])).toEqual({ code: 0, stdout: 'Created /built\n', stderr: '' });
    expect(await runBuiltCli([cs, 'get', '/built'])).toEqual({ code: 0, stdout: 'x y\n', stderr: '' });
    expect(await runBuiltCli([cs, 'delete', '/nope'])).toEqual({ code: 1, stdout: '', stderr: 'NONODE: Node does not exist: /nope\n' });
  });

  it('waits out a failed connection and exits non-zero, naming the connect string', async () => {
    // In a real process nothing else keeps the event loop alive while the client retries.
    const [port] = await freePorts(1);
    const r = await runBuiltCli([`127.0.0.1:${port}`, '--timeout', '1500', 'ls', '/']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`zoolab shell: cannot connect to 127.0.0.1:${port}: `);
  });

  it('takes piped commands and ends with the input', async () => {
    const r = await runBuiltCli([server.connectString], 'ls /built\nstat /built\nget /built\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\[\]\ncZxid = 0x[0-9a-f]+\n/);
    expect(r.stdout).toMatch(/\nx y\n$/);
  });
});
