// Assembles one server node from a zoo.cfg: the database and request pipeline (core/), the client
// ports and admin HTTP (net/), the monitoring outputs (monitor/) and the event log.

import { mkdirSync } from 'node:fs';
import type { ServerConfig } from './config';
import { StandaloneServer, type ServerLog } from './core/standalone-server';
import { EventLog } from './events';
import { adminCommand, adminCommandNames, fourLetterWord } from './monitor';
import { AdminHttpServer, ClientPortServer } from './net';
import { netConfigOf } from './net-config-of';

export interface RunningNode {
  readonly server: StandaloneServer;
  readonly clientPort: number | null;
  readonly secureClientPort: number | null;
  readonly adminPort: number | null;
  stop(): Promise<void>;
}

export async function startNode(config: ServerConfig, log: ServerLog): Promise<RunningNode> {
  const participants = config.servers.filter((s) => s.role === 'participant');
  if (participants.length > 1) {
    throw new Error(`zoo.cfg lists ${participants.length} servers: the replicated ensemble (election and ZAB) is not available yet; run one server per zoo.cfg`);
  }
  mkdirSync(config.dataDir, { recursive: true });
  mkdirSync(config.dataLogDir, { recursive: true });
  for (const key of config.ignoredKeys) log('info', `zoo.cfg: ${key} is not used by ZooLab; ignored`);
  const events = new EventLog(config.dataDir, config.myid ?? 0);
  const server = new StandaloneServer(config, { fourLetterWord, adminCommand, adminCommandNames }, events, log);
  await server.start();
  const netLog = (level: string, message: string) => log(level === 'debug' ? 'info' : (level as 'info' | 'warn' | 'error'), message);
  const ports = new ClientPortServer(server, netConfigOf(config), netLog);
  server.net = ports;
  await ports.start();
  const admin = config.adminEnabled ? new AdminHttpServer(server, ports.config.admin, netLog) : null;
  let adminPort: number | null = null;
  try {
    adminPort = (await admin?.start()) ?? null;
  } catch (err) {
    // As ZooKeeper does: a dead admin server is logged, the node keeps serving.
    log('warn', `admin server did not start: ${(err as Error).message}`);
  }
  if (ports.secureClientPortError) log('warn', `secure client port disabled: ${ports.secureClientPortError}`);
  events.emit('listening', { clientPort: ports.clientPort, secureClientPort: ports.secureClientPort, adminPort });
  return {
    server,
    clientPort: ports.clientPort,
    secureClientPort: ports.secureClientPort,
    adminPort,
    async stop() {
      await admin?.close();
      await ports.close();
      await server.stop();
      await events.close();
    },
  };
}
