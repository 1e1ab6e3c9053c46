// `zoolab bench --connect C --op create|set|get|mixed --concurrency N --ops N --size BYTES
// [--clients N] [--json]`: load any ZooKeeper and report throughput and latency.

import { loadOps, runLoad, validateLoadOptions, type LoadOp, type LoadOptions, type LoadResult } from './load';

const usage = `usage: zoolab bench --connect <connect> --op create|set|get|mixed --concurrency N --ops N --size BYTES [--clients N] [--json]

  --connect C       host:port[,host:port...][/chroot] of any ZooKeeper
  --op OP           create, set, get, or mixed (8 get : 1 set : 1 create)
  --concurrency N   requests in flight at every moment
  --ops N           requests in total
  --size BYTES      bytes in each value written
  --clients N       sessions the requests are spread over (default 1)
  --json            print one JSON object instead of a table

It works under a fresh node /zoolab-bench-*, which it removes when done.
`;

export interface BenchIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

interface BenchArgs {
  options: LoadOptions;
  json: boolean;
}

function parseArgs(args: string[]): BenchArgs | 'help' | string {
  const given = new Map<string, string>();
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '--json') {
      json = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const [flag, inline] = arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    if (!['--connect', '--op', '--concurrency', '--ops', '--size', '--clients'].includes(flag)) return `unknown option '${arg}'`;
    const v = inline ?? args[++i];
    if (v === undefined) return `${flag} needs a value`;
    given.set(flag, v);
  }
  for (const required of ['--connect', '--op', '--concurrency', '--ops', '--size']) {
    if (!given.has(required)) return `missing ${required}`;
  }
  const whole = (flag: string) => {
    const v = given.get(flag);
    return v === undefined ? undefined : /^\d+$/.test(v) ? Number(v) : NaN;
  };
  const options: LoadOptions = {
    connect: given.get('--connect')!,
    op: given.get('--op') as LoadOp,
    concurrency: whole('--concurrency')!,
    ops: whole('--ops')!,
    size: whole('--size')!,
    clients: whole('--clients'),
  };
  return validateLoadOptions(options) ?? { options, json };
}

const ms = (v: number) => (Number.isNaN(v) ? '-' : v.toFixed(2));

/** One header row and one value row, columns aligned. */
export function formatTable(o: LoadOptions, r: LoadResult): string {
  const cells: [string, string][] = [
    ['op', o.op], ['concurrency', String(o.concurrency)], ['clients', String(o.clients ?? 1)], ['size', `${o.size} B`],
    ['ops', String(r.ops)], ['seconds', r.seconds.toFixed(2)], ['ops/s', Math.round(r.opsPerSec).toString()],
    ['p50 ms', ms(r.p50Ms)], ['p99 ms', ms(r.p99Ms)], ['max ms', ms(r.maxMs)], ['errors', String(r.errors)],
  ];
  const widths = cells.map(([h, v]) => Math.max(h.length, v.length));
  const row = (pick: 0 | 1) => cells.map((c, i) => c[pick].padStart(widths[i])).join('  ').trimEnd();
  const lines = [row(0), row(1)];
  if (r.firstError) lines.push(`first error: ${r.firstError}`);
  return lines.join('\n') + '\n';
}

export async function main(args: string[], io: BenchIO = process): Promise<number> {
  const parsed = parseArgs(args);
  if (parsed === 'help') {
    io.stdout.write(usage);
    return 0;
  }
  if (typeof parsed === 'string') {
    io.stderr.write(`zoolab bench: ${parsed}\n\n${usage}`);
    return 2;
  }
  let result: LoadResult;
  try {
    result = await runLoad(parsed.options);
  } catch (err) {
    io.stderr.write(`zoolab bench: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const { connect, op, concurrency, ops, size, clients = 1 } = parsed.options;
  io.stdout.write(parsed.json
    ? JSON.stringify({ connect, op, concurrency, requested: ops, size, clients, ...result }) + '\n'
    : formatTable(parsed.options, result));
  return result.errors > 0 ? 1 : 0;
}
