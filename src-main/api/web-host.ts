// The headless host: the renderer's files and the API over a WebSocket, on 127.0.0.1 only. The API
// needs the per-run token, the host's own Host header and (when a browser sends one) its own Origin.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { ApiClient, ZooLabService } from './service';
import { createStaticHandler } from './static-files';
import type { ApiPush, ApiResponse } from './types';

export const HOST = '127.0.0.1';
export const API_PATH = '/api';
/** Largest API message accepted: a znode's 1 MB of data as base64, with room to spare. */
const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

export interface WebHostOptions {
  service: ZooLabService;
  rendererDir: string;
  /** 0 or undefined: a free port. */
  port?: number;
  /** Fixed only by tests; normally fresh per run. */
  token?: string;
}

export interface WebHost {
  readonly port: number;
  readonly token: string;
  readonly url: string;
  close(): Promise<void>;
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const token = opts.token ?? newToken();
  let port = 0;
  const server = createServer(createStaticHandler(opts.rendererDir, () => port));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const clients = new Set<ApiClient>();

  server.on('clientError', (_err, socket) => socket.destroy());
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const refusal = checkUpgrade(req, token, port);
    if (refusal) return refuse(socket, refusal.status, refusal.reason);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const client = opts.service.connect((event, data) => send(ws, { event, data } satisfies ApiPush));
      clients.add(client);
      ws.on('message', (raw, isBinary) => void handleMessage(ws, client, raw, isBinary));
      ws.on('close', () => {
        clients.delete(client);
        void client.dispose();
      });
      ws.on('error', () => ws.terminate());
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new Error(`port ${opts.port} on ${HOST} is already in use`) : err),
    );
    server.listen(opts.port ?? 0, HOST, () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    token,
    url: `http://${HOST}:${port}/?token=${token}`,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await Promise.all([...clients].map((c) => c.dispose()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** Why an upgrade is refused, or null to accept it. */
function checkUpgrade(req: IncomingMessage, token: string, port: number): { status: number; reason: string } | null {
  const url = new URL(req.url ?? '/', 'http://host');
  if (url.pathname !== API_PATH) return { status: 404, reason: 'not found' };
  const given = url.searchParams.get('token');
  if (!given) return { status: 401, reason: 'the API needs the token from the URL zoolab web printed' };
  if (!sameSecret(given, token)) return { status: 403, reason: 'wrong token: use the URL of this zoolab web run' };
  // A page on another site (or a DNS-rebound name) must not reach the API even with a guessed token.
  const own = [`${HOST}:${port}`, `localhost:${port}`];
  if (!own.includes(req.headers.host ?? '')) return { status: 403, reason: 'wrong Host header' };
  const origin = req.headers.origin;
  if (origin !== undefined && !own.some((h) => origin === `http://${h}`)) return { status: 403, reason: 'wrong Origin' };
  return null;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function refuse(socket: Duplex, status: number, reason: string): void {
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

async function handleMessage(ws: WebSocket, client: ApiClient, raw: RawData, isBinary: boolean): Promise<void> {
  let msg: unknown;
  try {
    if (isBinary) throw new Error('binary');
    msg = JSON.parse(raw.toString());
  } catch {
    return send(ws, { id: -1, error: { code: null, codeName: null, message: 'the message is not JSON text' } });
  }
  const req = (typeof msg === 'object' && msg !== null ? msg : {}) as Record<string, unknown>;
  const id = req.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
    return send(ws, { id: -1, error: { code: null, codeName: null, message: 'a request needs an id: a whole number, 0 or more' } });
  }
  send(ws, { id, ...(await client.call(req.method, req.params)) });
}

function send(ws: WebSocket, msg: ApiResponse | ApiPush): void {
  if (ws.readyState !== ws.OPEN) return;
  let text: string;
  try {
    text = JSON.stringify(msg);
  } catch {
    text = JSON.stringify({ id: 'id' in msg ? msg.id : -1, error: { code: null, codeName: null, message: 'the reply could not be encoded' } });
  }
  ws.send(text);
}
