// Assembles one server node from a zoo.cfg: the database and request pipeline (core/), the client
// ports and admin HTTP (net/), the monitoring outputs (monitor/) and the event log.

import { mkdirSync } from 'node:fs';
import type { ServerConfig } from './config';
import { StandaloneServer, type ServerLog } from './core/standalone-server';
import { EnsembleServer } from './ensemble/ensemble-server';
import { EventLog } from './events';
import { adminCommand, adminCommandNames, fourLetterWord } from './monitor';
import { AdminHttpServer, ClientPortServer } from './net';
import { netConfigOf } from './net-config-of';

export interface RunningNode {
  readonly server: StandaloneServer | EnsembleServer;
  readonly clientPort: number | null;
  readonly secureClientPort: number | null;
  readonly adminPort: number | null;
  stop(): Promise<void>;
}

export async function startNode(config: ServerConfig, log: ServerLog): Promise<RunningNode> {
  mkdirSync(config.dataDir, { recursive: true });
  mkdirSync(config.dataLogDir, { recursive: true });
  for (const key of config.ignoredKeys) log('info', `zoo.cfg: ${key} is not used by ZooLab; ignored`);
  const events = new EventLog(config.dataDir, config.myid ?? 0);
  const monitoring = { fourLetterWord, adminCommand, adminCommandNames };
  const server = quorumMode(config) ? new EnsembleServer(config, monitoring, events, log) : new StandaloneServer(config, monitoring, events, log);
  const netLog = (level: string, message: string) => log(level === 'debug' ? 'info' : (level as 'info' | 'warn' | 'error'), message);
  const ports = new ClientPortServer(server, clientPortsOf(config), netLog);
  server.net = ports;
  await server.start();
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

/** QuorumPeerConfig: more than one server line, or one with standaloneEnabled=false, runs ZAB. */
export function quorumMode(config: ServerConfig): boolean {
  return config.servers.length > 1 || (config.servers.length === 1 && !config.standaloneEnabled);
}

/** In an ensemble a server's client address may come from its own server line instead of clientPort. */
function clientPortsOf(config: ServerConfig) {
  const net = netConfigOf(config);
  const me = config.servers.find((s) => s.id === config.myid);
  if (net.clientPort === null && me?.clientPort) return { ...net, clientPort: me.clientPort, clientPortAddress: me.clientHost ?? '0.0.0.0' };
  return net;
}
