// `zoolab` command line: each subcommand lives with the code it drives and is loaded on demand.

const usage = `usage: zoolab <command> [options]

commands:
  shell <connect> [command ...]   zkCli-style shell against any ZooKeeper (one command, or interactive)
  web [--port P]                  serve the ZooLab UI on 127.0.0.1 (prints a URL with a one-run token)
  server <zoo.cfg>                run a ZooLab ZooKeeper server in the foreground (standalone)
  monitor <connect> [--interval s] [--json] [--once] [--auth user:pass] [--tls --tls-ca F --tls-cert F --tls-key F --tls-port P]
                                  poll every server of an ensemble: role, zxid, latency, mntr figures
  bench --connect C --op create|set|get|mixed [--concurrency N] [--ops N] [--size B] [--json]
                                  load any ZooKeeper; report ops/s and p50/p99/max latency
  cluster up|status|kill|pause|resume|stop|start|restart|down [N] --dir DIR [options]
                                  a local ensemble of ZooLab servers as background processes
`;

type Main = (args: string[]) => Promise<number>;

const commands: Record<string, () => Promise<{ main: Main }>> = {
  shell: () => import('./shell/shell-cli'),
  web: () => import('./api/web-cli'),
  server: () => import('./server/server-cli'),
  monitor: () => import('./monitor/monitor-cli'),
  bench: () => import('./bench/bench-cli'),
  cluster: () => import('./lab/cluster-cli'),
};

async function run(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(usage);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`zoolab: unknown command '${name}'\n\n${usage}`);
    return 2;
  }
  return (await load()).main(args);
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`zoolab: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
