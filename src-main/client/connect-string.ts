// Parses ZooKeeper connect strings: "host1:2181,host2:2182/chroot" (ConnectStringParser).

import { validatePath } from '../protocol/paths';

export interface HostAddress {
  host: string;
  port: number;
}

export interface ParsedConnectString {
  hosts: HostAddress[];
  /** The chroot prefix without a trailing slash, or '' for none. */
  chroot: string;
}

const DEFAULT_PORT = 2181;

export function parseConnectString(connectString: string): ParsedConnectString {
  const text = connectString.trim();
  if (!text) throw new Error('the connect string is empty: give host:port[,host:port...][/chroot]');
  const slash = text.indexOf('/');
  let chroot = '';
  let hostPart = text;
  if (slash >= 0) {
    chroot = text.slice(slash);
    hostPart = text.slice(0, slash);
    if (chroot === '/') chroot = '';
    else validatePath(chroot);
  }
  const hosts = hostPart
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(parseHost);
  if (hosts.length === 0) throw new Error(`no host in connect string "${connectString}"`);
  return { hosts, chroot };
}

function parseHost(text: string): HostAddress {
  // [v6addr]:port, v6addr alone, host:port, host
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracket) return { host: bracket[1], port: toPort(bracket[2], text) };
  const colon = text.lastIndexOf(':');
  if (colon < 0 || text.indexOf(':') !== colon) return { host: text, port: DEFAULT_PORT };
  return { host: text.slice(0, colon), port: toPort(text.slice(colon + 1), text) };
}

function toPort(value: string | undefined, where: string): number {
  if (value === undefined || value === '') return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`bad port in "${where}"`);
  return port;
}

export function formatHost(h: HostAddress): string {
  return h.host.includes(':') ? `[${h.host}]:${h.port}` : `${h.host}:${h.port}`;
}
