import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openStore, type Store } from '../store/store';
import { ZooLabService } from './service';
import type { ApiResponse } from './types';
import { startWebHost, type WebHost } from './web-host';

let dir: string;
let store: Store;
let service: ZooLabService;
let host: WebHost;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zoolab-web-'));
  const renderer = join(dir, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>ZooLab marker</title>');
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log("app")');
  writeFileSync(join(renderer, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(dir, 'outside.txt'), 'TOP-SECRET');
  symlinkSync(join(dir, 'outside.txt'), join(renderer, 'link.txt'));
  store = openStore(join(dir, 'data'));
  service = new ZooLabService(store);
  host = await startWebHost({ service, rendererDir: renderer });
});

afterAll(async () => {
  await host?.close();
  await service?.close();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(path: string): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port: host.port, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], body: Buffer.concat(chunks).toString() }));
    })
      .on('error', reject)
      .end();
  });
}

/** Opens a WebSocket; resolves with the socket, or with the HTTP status of a refused upgrade. */
function openSocket(path: string, origin?: string): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}${path}`, origin ? { origin } : {});
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode!);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

function connectRefused(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: address, port: host.port });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

describe('web host', () => {
  it('prints a 127.0.0.1 URL with a fresh base64url token', async () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const other = await startWebHost({ service, rendererDir: join(dir, 'renderer') });
    expect(other.token).not.toBe(host.token);
    await other.close();
  });

  it('listens on 127.0.0.1 only', async () => {
    expect(await connectRefused('127.0.0.1')).toBe(false);
    // Any other address of this machine (127.0.0.2 is still loopback) must not answer.
    expect(await connectRefused('127.0.0.2')).toBe(true);
    expect(await connectRefused('::1')).toBe(true);
  });

  it('serves the renderer with the right content types', async () => {
    const index = await get('/?token=whatever');
    expect(index).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    expect(index.body).toContain('ZooLab marker');
    expect(await get('/assets/app.js')).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8' });
    expect(await get('/assets/app.css')).toMatchObject({ status: 200, type: 'text/css; charset=utf-8' });
    expect((await get('/assets/nope.js')).status).toBe(404);
  });

  it('refuses paths that leave the renderer directory', async () => {
    for (const path of ['/..%2foutside.txt', '/assets/..%2f..%2foutside.txt', '/../outside.txt', '/%2e%2e/outside.txt', '/link.txt', '/..%5coutside.txt']) {
      const res = await get(path);
      expect([400, 403, 404], path).toContain(res.status);
      expect(res.body).not.toContain('TOP-SECRET');
    }
    expect((await get('/..%2foutside.txt')).status).toBe(403);
    expect((await get('/link.txt')).status).toBe(403);
  });

  it('refuses the API without the token (401), with a wrong one (403) or from another origin (403)', async () => {
    expect(await openSocket('/api')).toBe(401);
    expect(await openSocket('/api?token=')).toBe(401);
    expect(await openSocket('/api?token=wrong')).toBe(403);
    expect(await openSocket(`/api?token=${host.token}x`)).toBe(403);
    expect(await openSocket(`/api?token=${host.token}`, 'http://evil.example')).toBe(403);
    expect(await openSocket(`/other?token=${host.token}`)).toBe(404);
    const ok = await openSocket(`/api?token=${host.token}`, `http://127.0.0.1:${host.port}`);
    expect(ok).toBeInstanceOf(WebSocket);
    (ok as WebSocket).close();
  });

  it('answers API calls over the WebSocket, and survives bad messages', async () => {
    const ws = (await openSocket(`/api?token=${host.token}`)) as WebSocket;
    const replies = new Map<number, (r: ApiResponse) => void>();
    const errors: ApiResponse[] = [];
    ws.on('message', (raw) => {
      const msg = JSON.parse(raw.toString()) as ApiResponse;
      if (msg.id === -1) errors.push(msg);
      else replies.get(msg.id)?.(msg);
    });
    let nextId = 1;
    const call = (method: string, ...params: unknown[]): Promise<ApiResponse> => {
      const id = nextId++;
      return new Promise((resolve) => {
        replies.set(id, resolve);
        ws.send(JSON.stringify({ id, method, params }));
      });
    };

    ws.send('this is not json');
    ws.send(JSON.stringify({ method: 'connections.list', params: [] }));
    expect((await call('no.such.method')).error).toMatchObject({ message: 'unknown method "no.such.method"' });
    expect((await call('connections.save', { name: '' })).error?.message).toMatch(/needs a name/);

    const saved = await call('connections.save', { name: 'local', connectString: '127.0.0.1:2181', sessionTimeoutMs: 10000 });
    expect(saved.error).toBeUndefined();
    const list = await call('connections.list');
    expect(list.result).toEqual([saved.result]);
    expect(errors.map((e) => e.error?.message)).toEqual(['the message is not JSON text', 'a request needs an id: a whole number, 0 or more']);
    expect((await call('session.info', 'nope')).error).toMatchObject({ codeName: 'NOSESSION' });
    ws.close();
  });
});
