// The AdminServer's HTTP shell (ZooKeeper 3.8's JettyAdminServer): GET <commandURL> lists the
// commands as links, GET <commandURL>/<name> answers the command as JSON with "command" and "error"
// after its own fields. The commands themselves are the core's.

import http from 'node:http';
import type { AdminConfig } from './config';
import { jacksonPretty } from './admin-json';
import { errorText } from './ops';
import type { NetLog, ServerCore } from './types';

const htmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Jetty's error page, trimmed: status, URI and message, as its clients see them. */
function errorPage(status: number, uri: string, message: string): string {
  return `<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html;charset=ISO-8859-1"/>\n` +
    `<title>Error ${status} ${htmlEscape(message)}</title>\n</head>\n<body><h2>HTTP ERROR ${status} ${htmlEscape(message)}</h2>\n` +
    `<table>\n<tr><th>URI:</th><td>${htmlEscape(uri)}</td></tr>\n<tr><th>STATUS:</th><td>${status}</td></tr>\n` +
    `<tr><th>MESSAGE:</th><td>${htmlEscape(message)}</td></tr>\n</table>\n\n</body>\n</html>\n`;
}

export class AdminHttpServer {
  private server: http.Server | null = null;
  private readonly base: string;

  constructor(private readonly core: ServerCore, private readonly config: AdminConfig, private readonly log: NetLog = () => {}) {
    this.base = config.commandURL.replace(/\/+$/, '');
  }

  /** The bound port, or null when disabled or not started. */
  get port(): number | null {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a.port : null;
  }

  /** Listen if enabled. Like ZooKeeper, a failure only logs: the server runs on without its admin port. */
  async start(): Promise<number | null> {
    if (!this.config.enableServer) return null;
    const server = http.createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = this.config.idleTimeoutMs;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.config.serverPort, this.config.serverAddress, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (e) {
      this.log('warn', `Problem starting AdminServer on ${this.config.serverAddress}:${this.config.serverPort}: ${errorText(e)}`);
      return null;
    }
    this.server = server;
    this.log('info', `Started AdminServer on address ${this.config.serverAddress}, port ${this.port} and command URL ${this.config.commandURL}`);
    return this.port;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://admin');
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      path = url.pathname;
    }
    if (path !== this.base && !path.startsWith(`${this.base}/`)) {
      this.sendError(req, res, 404, 'Not Found', url.pathname);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      this.sendError(req, res, 405, `HTTP method ${req.method} is not supported by this URL`, url.pathname);
      return;
    }
    const rest = path.slice(this.base.length);
    if (rest === '' || rest === '/') {
      this.send(req, res, 200, null, this.listing());
      return;
    }
    const name = rest.slice(1);
    // The servlet passes the first value of each parameter.
    const params = new URLSearchParams();
    for (const key of new Set(url.searchParams.keys())) params.set(key, url.searchParams.get(key) ?? '');
    let body: string;
    try {
      const result = await this.core.admin(name, params);
      const map = result === null
        ? { command: name, error: `Unknown command: ${name}` }
        : { ...result.data, command: result.command, error: result.error };
      body = jacksonPretty(map);
    } catch (e) {
      this.log('warn', `admin command ${name} failed: ${errorText(e)}`);
      this.sendError(req, res, 500, errorText(e), url.pathname);
      return;
    }
    this.send(req, res, 200, 'application/json', body);
  }

  private listing(): string {
    return [...this.core.adminCommands()].sort()
      .map((name) => `<a href="${this.base}/${name}">${name}</a>\n<br/>\n`).join('');
  }

  private send(req: http.IncomingMessage, res: http.ServerResponse, status: number, contentType: string | null, body: string): void {
    const bytes = Buffer.from(body, 'utf8');
    const headers: http.OutgoingHttpHeaders = { 'Content-Length': bytes.length };
    if (contentType) headers['Content-Type'] = contentType;
    res.writeHead(status, headers);
    res.end(req.method === 'HEAD' ? undefined : bytes);
  }

  private sendError(req: http.IncomingMessage, res: http.ServerResponse, status: number, message: string, uri: string): void {
    const body = Buffer.from(errorPage(status, uri, message), 'latin1');
    res.writeHead(status, {
      'Content-Type': 'text/html;charset=iso-8859-1',
      'Cache-Control': 'must-revalidate,no-cache,no-store',
      'Content-Length': body.length,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}
