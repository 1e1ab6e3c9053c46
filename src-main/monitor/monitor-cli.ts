// `zoolab monitor <connect> [--interval s] [--json] [--once] [--auth user:password] [--tls...]`: every
// server of an ensemble polled like the app's Ensemble view, for hosts without a desktop.
import type { Writable } from 'node:stream';
import { defaultThresholds, type EnsembleTls } from '../api/monitor-types';
import { formatHost, parseConnectString } from '../client/connect-string';
import { TlsError } from '../client/tls-options';
import { discoverMembers } from './discovery';
import { EnsemblePoller, type PollResult } from './ensemble-poller';
import type { DigestAuth } from './latency-probe';
import { probeTlsOf, type ProbeTls } from './monitor-tls';
import { formatAlert, formatTable, jsonPoll } from './monitor-table';

const usage = `usage: zoolab monitor <connect> [--interval s] [--json] [--once] [--auth user:password]
                      [--tls] [--tls-ca file] [--tls-cert file --tls-key file] [--tls-port n] [--no-hostname-check]

Polls every server of the ensemble (members from /zookeeper/config or conf, else the connect
string's hosts): mntr, srvr, cons and a timed exists('/') each, and prints a table per poll.

  --interval s       seconds between polls (default 5)
  --json             one JSON object per poll: { ts, servers: [{ address, state, reason, role, mntr }] }
  --once             poll once and exit: 0 when every server answered, 1 otherwise
  --auth user:pass   digest login for the latency probes

TLS to the servers' secure client ports (any --tls option turns it on):
  --tls              TLS, trusting the system's CAs
  --tls-ca file      PEM file of the CA certificates to trust
  --tls-cert file    PEM client certificate, with --tls-key (for ssl.clientAuth=need)
  --tls-key file     its PEM private key (unencrypted)
  --tls-port n       every server's secureClientPort (default: the ports in <connect>)
  --no-hostname-check  accept a certificate that does not name the host
`;

export interface MonitorIO {
  stdout: Writable;
  stderr: Writable;
  /** Redraw the table in place (a terminal) rather than append each poll. */
  isTTY: boolean;
  /** Ends a continuous run (SIGINT and SIGTERM do, by default). */
  signal?: AbortSignal;
}

interface MonitorArgs {
  connect: string;
  intervalSec: number;
  json: boolean;
  once: boolean;
  auth: DigestAuth | null;
  tls: EnsembleTls | null;
}

class UsageError extends Error {}

function parseArgs(args: string[]): MonitorArgs | 'help' {
  const out: Partial<MonitorArgs> = { intervalSec: 5, json: false, once: false, auth: null };
  const tls: EnsembleTls = { securePort: null, caFile: null, certFile: null, keyFile: null, verifyHostname: true };
  let useTls = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '-h' || flag === '--help') return 'help';
    else if (flag === '--json') out.json = true;
    else if (flag === '--once') out.once = true;
    else if (flag === '--interval') {
      const v = value();
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0 || n > 3600) throw new UsageError(`--interval wants seconds (above 0, at most 3600), not '${v}'`);
      out.intervalSec = n;
    } else if (flag === '--auth') {
      const v = value();
      const colon = v.indexOf(':');
      if (colon <= 0) throw new UsageError('--auth wants user:password');
      out.auth = { user: v.slice(0, colon), password: v.slice(colon + 1) };
    } else if (flag === '--tls') useTls = true;
    else if (flag === '--tls-ca') [tls.caFile, useTls] = [value(), true];
    else if (flag === '--tls-cert') [tls.certFile, useTls] = [value(), true];
    else if (flag === '--tls-key') [tls.keyFile, useTls] = [value(), true];
    else if (flag === '--no-hostname-check') [tls.verifyHostname, useTls] = [false, true];
    else if (flag === '--tls-port') {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`--tls-port wants a port number, not '${v}'`);
      [tls.securePort, useTls] = [n, true];
    } else if (flag.startsWith('-')) throw new UsageError(`unknown option '${arg}'`);
    else if (out.connect === undefined) out.connect = arg;
    else throw new UsageError(`unexpected argument '${arg}'`);
  }
  if (out.connect === undefined) throw new UsageError('missing <connect> (host:port[,host:port...])');
  if ((tls.certFile === null) !== (tls.keyFile === null)) throw new UsageError('--tls-cert and --tls-key go together');
  out.tls = useTls ? tls : null;
  try {
    parseConnectString(out.connect);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return out as MonitorArgs;
}

function processIO(): MonitorIO {
  return { stdout: process.stdout, stderr: process.stderr, isTTY: process.stdout.isTTY === true };
}

export async function main(args: string[], io: MonitorIO = processIO()): Promise<number> {
  let parsed: MonitorArgs | 'help';
  try {
    parsed = parseArgs(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`zoolab monitor: ${err.message}\n\n${usage}`);
    return 2;
  }
  if (parsed === 'help') {
    io.stdout.write(usage);
    return 0;
  }
  const { connect, intervalSec, json, once, auth } = parsed;
  let tls: ProbeTls | null;
  try {
    tls = probeTlsOf(parsed.tls);
  } catch (err) {
    if (!(err instanceof TlsError)) throw err;
    io.stderr.write(`zoolab monitor: ${err.message}\n`);
    return 2;
  }

  // When TLS keeps every server from answering, poll the connect string's hosts: each shows down with why.
  const { members, source } = await discoverMembers(connect, { auth, tls }).catch((err: unknown) => {
    if (!(err instanceof TlsError)) throw err;
    return { members: parseConnectString(connect).hosts.map((h) => ({ address: formatHost(h), adminUrl: null })), source: 'connect-string' };
  });
  if (!json && !once) io.stderr.write(`zoolab monitor: ${members.length} servers (from ${source}), polling every ${intervalSec} s; Ctrl-C ends\n`);
  const recentAlerts: string[] = [];
  const print = (result: PollResult): void => {
    if (json) {
      io.stdout.write(`${JSON.stringify(jsonPoll(result))}\n`);
      return;
    }
    const table = formatTable(result, connect);
    // A single poll's alerts would only repeat the table.
    const alerts = once ? [] : result.alerts.map(formatAlert);
    if (io.isTTY && !once) {
      recentAlerts.push(...alerts);
      recentAlerts.splice(0, Math.max(0, recentAlerts.length - 10));
      // Home, clear the screen: the newest poll replaces the last, the latest alerts below it.
      io.stdout.write(`\x1b[H\x1b[2J${table}${recentAlerts.length ? `\n${recentAlerts.join('')}` : ''}`);
    } else {
      io.stdout.write(`${table}${alerts.join('')}\n`);
    }
  };

  const poller = new EnsemblePoller({
    ensembleId: connect, members, intervalSec, thresholds: defaultThresholds, auth, tls, onPoll: once ? undefined : print,
  });
  try {
    if (once) {
      const result = await poller.pollOnce();
      print(result);
      return result.samples.every((s) => s.up) ? 0 : 1;
    }
    poller.start();
    await untilStopped(io.signal);
    return 0;
  } finally {
    await poller.stop();
  }
}

function untilStopped(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    if (signal?.aborted) return resolve();
    signal?.addEventListener('abort', done);
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}
