// `zoolab server <zoo.cfg>`: one node in the foreground, like `zkServer.sh start-foreground`.

import { ConfigError, loadConfig } from './config';
import { startNode } from './server-node';

export async function main(args: string[]): Promise<number> {
  const file = args.find((a) => !a.startsWith('-'));
  if (!file) {
    process.stderr.write('usage: zoolab server <path/to/zoo.cfg>\n');
    return 2;
  }
  let config;
  try {
    config = loadConfig(file);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`zoolab server: invalid config: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const log = (level: string, message: string) => process.stderr.write(`${new Date().toISOString()} [${level.toUpperCase()}] ${message}\n`);
  let node;
  try {
    node = await startNode(config, log);
  } catch (err) {
    process.stderr.write(`zoolab server: cannot start: ${(err as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`ZooLab server: serving clients on port ${node.clientPort ?? node.secureClientPort} (data in ${config.dataDir})\n`);
  return new Promise<number>((resolve) => {
    const shutdown = (signal: string) => {
      log('info', `${signal}: shutting down`);
      void node.stop().then(() => resolve(0), (err) => {
        log('error', `shutdown failed: ${(err as Error).message}`);
        resolve(1);
      });
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
}
