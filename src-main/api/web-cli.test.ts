import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { openStore } from '../store/store';
import { main, parseWebArgs } from './web-cli';

describe('zoolab web arguments', () => {
  it('parses --port, --data-dir and --no-open, in both spellings', () => {
    expect(parseWebArgs([])).toEqual({ port: 0, open: true });
    expect(parseWebArgs(['--port', '8080', '--data-dir', '/d', '--no-open'])).toEqual({ port: 8080, dataDir: '/d', open: false });
    expect(parseWebArgs(['--port=9', '--data-dir=/x=y'])).toEqual({ port: 9, dataDir: '/x=y', open: true });
    expect(parseWebArgs(['--port', 'abc'])).toMatch(/port must be a number/);
    expect(parseWebArgs(['--data-dir'])).toMatch(/needs a directory/);
    expect(parseWebArgs(['--bogus'])).toMatch(/unknown option '--bogus'/);
  });
});

describe('zoolab web', () => {
  let dir: string;
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints one URL line, serves the API with its token, and exits 0 on SIGTERM', async () => {
    dir = mkdtempSync(join(tmpdir(), 'zoolab-webcli-'));
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);

    const exit = main(['--no-open', '--data-dir', dir]);
    await vi.waitFor(() => expect(stdout).toContain('\n'), { timeout: 10_000 });
    const m = /^ZooLab web: http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{32})\n$/.exec(stdout);
    expect(m, stdout).not.toBeNull();
    const [, port, token] = m!;

    const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${token}`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const reply = new Promise<{ id: number; result: { id: string } }>((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)))));
    ws.send(JSON.stringify({ id: 7, method: 'connections.save', params: [{ name: 'kept', connectString: 'h:1', sessionTimeoutMs: 5000 }] }));
    expect((await reply).id).toBe(7);

    const closed = new Promise((resolve) => ws.once('close', resolve));
    process.emit('SIGTERM');
    expect(await exit).toBe(0);
    await closed;
    const store = openStore(dir);
    expect(store.connections.list().map((c) => c.name)).toEqual(['kept']);
    store.close();
  });

  it('says so when the port is taken', async () => {
    dir = mkdtempSync(join(tmpdir(), 'zoolab-webcli-'));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as net.AddressInfo).port;
    await expect(main(['--no-open', '--port', String(port), '--data-dir', dir])).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use`);
    busy.close();
  });
});
