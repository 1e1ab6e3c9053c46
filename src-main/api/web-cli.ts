// `zoolab web [--port P] [--data-dir D] [--no-open]`: the headless host, until SIGINT or SIGTERM.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { resolveDataDir } from '../store/data-dir';
import { openStore } from '../store/store';
import { ZooLabService } from './service';
import { startWebHost } from './web-host';

const usage = `usage: zoolab web [--port P] [--data-dir D] [--no-open]

  --port P      listen on 127.0.0.1:P (default: a free port)
  --data-dir D  where saved connections live (default: $ZOOLAB_DATA_DIR or ~/.config/zoolab)
  --no-open     do not open a browser
`;

interface WebArgs {
  port: number;
  dataDir?: string;
  open: boolean;
}

export function parseWebArgs(args: string[]): WebArgs | string {
  const out: WebArgs = { port: 0, open: true };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].startsWith('--') && args[i].includes('=') ? args[i].split(/=(.*)/s, 2) : [args[i], undefined];
    const value = (): string | undefined => inline ?? args[++i];
    if (flag === '--no-open') out.open = false;
    else if (flag === '--port') {
      const p = Number(value());
      if (!Number.isInteger(p) || p < 0 || p > 65535) return 'the port must be a number from 0 to 65535';
      out.port = p;
    } else if (flag === '--data-dir') {
      const d = value();
      if (!d) return '--data-dir needs a directory';
      out.dataDir = d;
    } else return `unknown option '${args[i]}'`;
  }
  return out;
}

/** The built renderer: out/renderer beside out/main (this code may sit in out/main/chunks). */
function rendererDir(): string {
  const mainDir = basename(__dirname) === 'chunks' ? dirname(__dirname) : __dirname;
  return resolve(mainDir, '../renderer');
}

function openBrowser(url: string): void {
  const [cmd, ...args] =
    process.platform === 'darwin' ? ['open', url] : process.platform === 'win32' ? ['cmd', '/c', 'start', '""', url] : ['xdg-open', url];
  try {
    spawn(cmd, args, { detached: true, stdio: 'ignore' }).on('error', () => undefined).unref();
  } catch {
    // No browser opener: the printed URL is enough.
  }
}

export async function main(args: string[]): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    process.stdout.write(usage);
    return 0;
  }
  const parsed = parseWebArgs(args);
  if (typeof parsed === 'string') {
    process.stderr.write(`zoolab web: ${parsed}\n\n${usage}`);
    return 2;
  }

  const store = openStore(resolveDataDir({ explicit: parsed.dataDir }));
  const service = new ZooLabService(store);
  const renderer = rendererDir();
  if (!existsSync(join(renderer, 'index.html'))) {
    process.stderr.write(`zoolab web: the UI is not built (no ${join(renderer, 'index.html')}): run npm run build\n`);
  }
  let host;
  try {
    host = await startWebHost({ service, rendererDir: renderer, port: parsed.port });
  } catch (err) {
    store.close();
    throw err;
  }
  process.stdout.write(`ZooLab web: ${host.url}\n`);
  if (parsed.open) openBrowser(host.url);

  const signal = await new Promise<NodeJS.Signals>((resolveSignal) => {
    const stop = (sig: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolveSignal(sig);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  process.stderr.write(`zoolab web: ${signal}, closing sessions\n`);
  await host.close();
  await service.close();
  store.close();
  return 0;
}
