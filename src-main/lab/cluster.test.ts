// A one-server cluster (standalone, which the ZooLab server runs today) through its whole life, with
// real detached processes from the built CLI: in process through the Cluster class, and as
// `zoolab cluster ...` commands for their output and exit codes.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ZooKeeperClient } from '../client/client';
import { builtCli, haveBuiltCli } from '../server/testing/server-process';
import { DEFAULT_SPEC } from './cluster-config';
import { Cluster, type ServerStatus } from './cluster';
import { procStat, processInfo } from './process-control';
import { cleanUpClusterDir, labCommand, tempClusterDir } from './test-support';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await cleanUpClusterDir(dir);
});

function newDir(): string {
  const dir = tempClusterDir();
  dirs.push(dir);
  return dir;
}

async function withClient<T>(connect: string, use: (c: ZooKeeperClient) => Promise<T>): Promise<T> {
  const client = new ZooKeeperClient({ connectString: connect, sessionTimeoutMs: 5000 });
  await client.connect(10_000);
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

const isAlive = (pid: number) => {
  const stat = procStat(pid);
  return stat !== null && stat.state !== 'Z';
};

describe.skipIf(!haveBuiltCli)('a one-server cluster through its life', () => {
  it('up, pause, resume, kill, start on the same data, restart, down', async () => {
    const dir = path.join(newDir(), 'c');
    const cluster = await Cluster.create(dir, { ...DEFAULT_SPEC, nodes: 1, tickTime: 500 }, { command: labCommand });
    const up = await cluster.up({ timeoutMs: 30_000 });
    const first: ServerStatus = up.servers[0];
    expect(up.connect).toBe(`127.0.0.1:${cluster.servers[0].clientPort}`);
    // Standalone serves writes, so the lab calls it the leader of its cluster of one.
    expect(first).toMatchObject({ id: 1, peerType: 'participant', process: 'running', role: 'leader', epoch: 0, clientPort: cluster.servers[0].clientPort });
    expect(first.lastZxid).toMatch(/^0x[0-9a-f]+$/);
    expect(isAlive(first.pid!)).toBe(true);

    await withClient(cluster.connectString, (c) => c.create('/lab', 'kept across a crash'));
    const afterWrite = (await cluster.status()).servers[0];
    expect(BigInt(afterWrite.lastZxid!)).toBeGreaterThan(BigInt(first.lastZxid!));

    expect(await cluster.pause(1)).toBe(first.pid);
    expect((await cluster.status()).servers[0]).toMatchObject({ process: 'paused', pid: first.pid, role: 'down', epoch: null, lastZxid: null });
    await cluster.resume(1);
    expect((await cluster.status()).servers[0]).toMatchObject({ process: 'running', role: 'leader' });

    expect(await cluster.kill(1)).toBe(first.pid);
    expect(isAlive(first.pid!)).toBe(false);
    expect((await cluster.status()).servers[0]).toMatchObject({ process: 'crashed', pid: null, role: 'down' });
    await expect(cluster.kill(1)).rejects.toThrow('cannot kill server 1: it is crashed');
    await expect(cluster.pause(2)).rejects.toThrow('there is no server 2');

    const restartedPid = cluster.start(1);
    expect(restartedPid).not.toBeNull();
    expect(cluster.start(1)).toBeNull();
    const again = await cluster.waitUntilReady(30_000);
    expect(again.servers[0]).toMatchObject({ process: 'running', pid: restartedPid, role: 'leader' });
    expect(BigInt(again.servers[0].lastZxid!)).toBeGreaterThanOrEqual(BigInt(afterWrite.lastZxid!));
    const data = await withClient(cluster.connectString, (c) => c.getData('/lab'));
    expect(data.data?.toString()).toBe('kept across a crash');

    const nextPid = await cluster.restart(1);
    expect(nextPid).not.toBe(restartedPid);
    expect(isAlive(restartedPid!)).toBe(false);
    await cluster.waitUntilReady(30_000);
    expect(cluster.logTail(1).some((l) => l.includes('ZooLab server: serving clients on port'))).toBe(true);

    expect(await cluster.down()).toEqual([{ id: 1, result: 'stopped' }]);
    expect(isAlive(nextPid)).toBe(false);
    expect((await cluster.status()).servers[0]).toMatchObject({ process: 'stopped', pid: null, role: 'down' });
    expect(await cluster.stop(1)).toBe('not-running');

    // `up` again on the same directory brings the same data back.
    await cluster.up({ timeoutMs: 30_000 });
    expect((await withClient(cluster.connectString, (c) => c.getData('/lab'))).data?.toString()).toBe('kept across a crash');
    await cluster.down();
  });

  it('a pid now used by another process is not taken for the server', async () => {
    const dir = newDir();
    const cluster = await Cluster.create(dir, { ...DEFAULT_SPEC, nodes: 1 }, { command: labCommand });
    const files = cluster.files(1);
    // This test's own process stands in for a stranger that was given the server's old pid.
    writeFileSync(files.pid, `${process.pid}\n`);
    writeFileSync(files.state, 'running\n');
    writeFileSync(files.pidStart, `${procStat(process.pid)!.startTime}\n`);
    expect(processInfo(files)).toEqual({ state: 'running', pid: process.pid });
    writeFileSync(files.pidStart, '1\n');
    expect(processInfo(files)).toEqual({ state: 'crashed', pid: null });
    writeFileSync(files.state, 'stopped\n');
    expect(processInfo(files)).toEqual({ state: 'stopped', pid: null });
  });
});

interface CliRun { code: number | null; stdout: string; stderr: string }

function cli(...args: string[]): CliRun {
  const run = spawnSync(process.execPath, [builtCli, 'cluster', ...args], { encoding: 'utf8', timeout: 90_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe.skipIf(!haveBuiltCli)('zoolab cluster (the built command line)', () => {
  it('answers bad usage with exit code 2 and words', () => {
    const dir = newDir();
    expect(cli()).toMatchObject({ code: 2, stderr: expect.stringContaining('missing the command') });
    expect(cli('status')).toMatchObject({ code: 2, stderr: expect.stringContaining('missing --dir DIR') });
    expect(cli('status', '--dir', dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('holds no cluster') });
    expect(cli('frobnicate', '--dir', dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown command 'frobnicate'") });
    expect(cli('kill', '--dir', dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("'cluster kill' needs the server's number N") });
    expect(cli('up', '--dir', dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('missing --nodes N') });
    expect(cli('up', '--nodes', 'three', '--dir', dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("--nodes wants a whole number, not 'three'") });
    expect(cli('--help')).toMatchObject({ code: 0, stdout: expect.stringContaining('usage: zoolab cluster') });
  });

  it('up prints the connect string; status --json has the documented shape; kill, start, down', async () => {
    const dir = path.join(newDir(), 'cli');
    const up = cli('up', '--nodes', '1', '--dir', dir, '--tick-time', '500', '--timeout', '30');
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/^127\.0\.0\.1:\d+\n$/);
    const connect = up.stdout.trim();

    const status = JSON.parse(cli('status', '--dir', dir, '--json').stdout);
    expect(status).toEqual({
      connect,
      servers: [{ id: 1, pid: expect.any(Number), process: 'running', role: 'leader', clientPort: Number(connect.split(':')[1]), epoch: 0, lastZxid: expect.stringMatching(/^0x[0-9a-f]+$/) }],
    });
    expect(Object.keys(status.servers[0])).toEqual(['id', 'pid', 'process', 'role', 'clientPort', 'epoch', 'lastZxid']);

    const table = cli('status', '--dir', dir);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(`connect: ${connect}`);
    expect(table.stdout).toMatch(/^1\s+participant\s+running\s+\d+\s+leader\s+\d+\s+0\s+0x[0-9a-f]+$/m);

    const pid = status.servers[0].pid;
    expect(cli('pause', '1', '--dir', dir)).toMatchObject({ code: 0, stdout: `server 1: paused (SIGSTOP to pid ${pid})\n` });
    expect(JSON.parse(cli('status', '--dir', dir, '--json').stdout).servers[0]).toMatchObject({ pid, process: 'paused', role: 'down' });
    expect(cli('resume', '1', '--dir', dir)).toMatchObject({ code: 0, stdout: `server 1: resumed (SIGCONT to pid ${pid})\n` });
    // A thawed process may need a moment (on a loaded machine) before it answers srvr again.
    await vi.waitUntil(() => JSON.parse(cli('status', '--dir', dir, '--json').stdout).servers[0].role === 'leader', { timeout: 10_000, interval: 100 });
    expect(JSON.parse(cli('status', '--dir', dir, '--json').stdout).servers[0]).toMatchObject({ pid, process: 'running' });

    expect(cli('kill', '7', '--dir', dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('there is no server 7') });
    expect(cli('kill', '1', '--dir', dir)).toMatchObject({ code: 0, stdout: `server 1: killed (SIGKILL to pid ${pid})\n` });
    expect(JSON.parse(cli('status', '--dir', dir, '--json').stdout).servers[0]).toMatchObject({ pid: null, process: 'crashed', role: 'down', epoch: null, lastZxid: null });
    expect(cli('pause', '1', '--dir', dir)).toMatchObject({ code: 1, stderr: expect.stringContaining('cannot pause server 1: it is crashed') });

    expect(cli('start', '1', '--dir', dir)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^server 1: started \(pid \d+\)\n$/) });
    await vi.waitUntil(() => JSON.parse(cli('status', '--dir', dir, '--json').stdout).servers[0].role === 'leader', { timeout: 20_000, interval: 200 });
    expect(cli('up', '--nodes', '3', '--dir', dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('already holds a cluster') });

    expect(cli('down', '--dir', dir)).toMatchObject({ code: 0, stdout: 'server 1: stopped\n' });
    expect(JSON.parse(cli('status', '--dir', dir, '--json').stdout).servers[0]).toMatchObject({ pid: null, process: 'stopped', role: 'down' });
  });
});
