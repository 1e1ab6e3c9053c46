// `cluster status` as people read it (an aligned table) and as scripts read it (one JSON object).

import type { ClusterStatus } from './cluster';
import type { ProcessState } from './process-control';
import type { ServerRole } from './server-status';

/** The JSON shape scripts rely on: exactly these fields per server. */
export interface JsonClusterStatus {
  connect: string;
  servers: {
    id: number;
    pid: number | null;
    process: ProcessState;
    role: ServerRole;
    clientPort: number;
    epoch: number | null;
    lastZxid: string | null;
  }[];
}

export function jsonStatus(status: ClusterStatus): JsonClusterStatus {
  return {
    connect: status.connect,
    servers: status.servers.map(({ id, pid, process, role, clientPort, epoch, lastZxid }) => ({ id, pid, process, role, clientPort, epoch, lastZxid })),
  };
}

export function formatStatusTable(status: ClusterStatus): string {
  const header = ['server', 'type', 'process', 'pid', 'role', 'client port', 'epoch', 'last zxid'];
  const rows = status.servers.map((s) => [
    String(s.id), s.peerType, s.process, s.pid === null ? '-' : String(s.pid), s.role, String(s.clientPort),
    s.epoch === null ? '-' : String(s.epoch), s.lastZxid ?? '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [`connect: ${status.connect}`, line(header), ...rows.map(line)].join('\n') + '\n';
}
