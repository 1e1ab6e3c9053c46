// Serves the built renderer (out/renderer) read-only. Files hold no data, so no token is needed;
// every path is confined to the renderer directory, symlinks included.
import { createReadStream, realpathSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Headers every response carries: no sniffing, no framing, and the token never leaks as a referrer. */
export function securityHeaders(port: number): Record<string, string> {
  return {
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy':
      `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; ` +
      `font-src 'self' data:; connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}; ` +
      `object-src 'none'; base-uri 'none'; frame-ancestors 'none'`,
  };
}

export function createStaticHandler(rootDir: string, port: () => number): (req: IncomingMessage, res: ServerResponse) => void {
  const root = resolve(rootDir);
  return (req, res) => {
    const send = (status: number, body: string): void => {
      res.writeHead(status, { ...securityHeaders(port()), 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(405, 'method not allowed\n');
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://host').pathname);
    } catch {
      return send(400, 'bad request path\n');
    }
    if (pathname.includes('\0') || pathname.includes('\\')) return send(400, 'bad request path\n');
    if (pathname.endsWith('/')) pathname += 'index.html';

    const file = confine(root, pathname);
    if (!file) return send(403, 'forbidden\n');
    let size: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) return send(404, 'not found\n');
      size = st.size;
    } catch {
      return send(404, pathname === '/index.html' ? 'the ZooLab UI is not built: run npm run build\n' : 'not found\n');
    }
    res.writeHead(200, {
      ...securityHeaders(port()),
      'Content-Type': contentTypeOf(file),
      'Content-Length': size,
      'Cache-Control': 'no-cache',
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  };
}

/** The file a URL path names inside root, or null when it (or its real path) would leave root. */
function confine(root: string, pathname: string): string | null {
  const file = resolve(root, `.${pathname}`);
  if (!isInside(root, file)) return null;
  try {
    const realRoot = realpathSync(root);
    const real = realpathSync(file);
    return isInside(realRoot, real) ? real : null;
  } catch {
    return file; // Missing: the caller answers 404.
  }
}

function isInside(root: string, file: string): boolean {
  return file === root || file.startsWith(root + sep);
}
