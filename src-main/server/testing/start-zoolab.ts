// Starts ZooLab server nodes for tests: in-process (fast, for the core's own tests) or as a real
// child process running the built CLI (`zoolab server zoo.cfg`), the way users run it.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../config';
import type { MonitoringHandlers } from '../core/standalone-server';
import { StandaloneServer } from '../core/standalone-server';
import { EventLog } from '../events';
import { ClientPortServer } from '../net';
import { netConfigOf } from '../net-config-of';

export interface InProcessServer {
  server: StandaloneServer;
  connectString: string;
  port: number;
  dataDir: string;
  /** Stops the node; the data directory stays unless `wipe`. */
  stop(wipe?: boolean): Promise<void>;
}

const noMonitoring: MonitoringHandlers = {
  fourLetterWord: () => '',
  adminCommand: () => null,
  adminCommandNames: () => [],
};

/** A standalone node in this process on a free port, with zoo.cfg lines on top of test defaults. */
export async function startInProcess(cfg: Record<string, string> = {}, dataDir?: string, monitoring = noMonitoring): Promise<InProcessServer> {
  const dir = dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'zoolab-srv-'));
  const lines = { tickTime: '500', clientPort: '2181', dataDir: dir, maxClientCnxns: '0', 'admin.enableServer': 'false', '4lw.commands.whitelist': '*', ...cfg };
  const text = Object.entries(lines).map(([k, v]) => `${k}=${v}`).join('\n');
  writeFileSync(path.join(dir, 'zoo.cfg'), text);
  const config = parseConfig(text, path.join(dir, 'zoo.cfg'));
  const events = new EventLog(dir, 0);
  const server = new StandaloneServer(config, monitoring, events, () => {});
  await server.start();
  const ports = new ClientPortServer(server, { ...netConfigOf(config), clientPort: 0, clientPortAddress: '127.0.0.1' }, () => {});
  server.net = ports;
  await ports.start();
  const port = ports.clientPort!;
  return {
    server,
    port,
    connectString: `127.0.0.1:${port}`,
    dataDir: dir,
    async stop(wipe = true) {
      await ports.close();
      await server.stop();
      await events.close();
      if (wipe) rmSync(dir, { recursive: true, force: true });
    },
  };
}
