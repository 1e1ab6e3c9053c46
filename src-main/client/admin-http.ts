// The AdminServer (Jetty, ZooKeeper 3.5+): GET <base>/commands/<name> answers JSON, over HTTP or
// HTTPS. Every failure is an AdminCommandError; typed helpers return the same shapes as the
// 4-letter-word parsers.

import http from 'node:http';
import https from 'node:https';
import { AdminCommandError, type AdminCommandErrorInit, type AdminCommandErrorKind } from './admin-errors';
import { parseJsonExact } from './admin-json';
import {
  isObject,
  toConnections,
  toEnvironment,
  toIsReadOnly,
  toLeaderInfo,
  toServerMetrics,
  toServerStats,
  toVotingView,
  toWatchSummary,
  withoutEnvelope,
  type Fail,
  type JsonObject,
  type LeaderInfo,
} from './admin-responses';
import { NOT_SERVING_TEXT, formatHostPort } from './four-letter-errors';
import type { ServerMetrics } from './four-letter-mntr';
import type { ConnectionInfo, QuorumServerConfig, ServerStats, WatchSummary } from './four-letter-parse';
import { tlsConnectOptions, tlsErrorIn, tlsFailure, type ClientTlsOptions } from './tls-options';

export { AdminCommandError, type AdminCommandErrorKind } from './admin-errors';
export type { JsonObject, LeaderInfo } from './admin-responses';
export type { JsonValue } from './admin-json';

export interface AdminCommandOptions {
  /** Budget for the whole request, answer included; default 5000 ms. */
  timeoutMs?: number;
  /** Query parameters, e.g. { session: '0x1' } for commands that take them. */
  params?: Record<string, string>;
  /** admin.commandURL on the server; default "/commands". */
  commandPath?: string;
  /** CA, client certificate and hostname check for an https:// base URL (admin.forceHttps or admin.portUnification). */
  tls?: ClientTlsOptions;
}

const DEFAULT_TIMEOUT_MS = 5000;
/** https:// without TLS options: the system's CAs and the hostname check (one object, so its context is built once). */
const SYSTEM_CAS: ClientTlsOptions = {};

/** The AdminServer's base URL; ZooKeeper's default admin.serverPort is 8080. */
export function adminBaseUrl(host: string, port = 8080): string {
  return `http://${formatHostPort(host, port)}`;
}

/**
 * Runs one admin command and resolves with its JSON answer (64-bit integers as bigint). Rejects
 * with AdminCommandError: refused, timeout, http, not-serving, command, malformed, network.
 */
export async function adminCommand(
  baseUrl: string,
  name: string,
  options: AdminCommandOptions = {},
): Promise<JsonObject> {
  const url = commandUrl(baseUrl, name, options);
  const fail = (kind: AdminCommandErrorKind, extra: Omit<AdminCommandErrorInit, 'url'> = {}) =>
    new AdminCommandError(kind, name, { url, ...extra });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  let status: number;
  let text: string;
  try {
    ({ status, text } = await get(new URL(url), timeoutMs, options.tls ?? SYSTEM_CAS));
  } catch (error) {
    if (error instanceof TimedOut) throw fail('timeout', { detail: `after ${timeoutMs} ms`, cause: error });
    const secure = tlsErrorIn(error);
    if (secure) throw fail('network', { detail: secure.message, cause: secure });
    const code = (error as NodeJS.ErrnoException).code;
    throw fail(code === 'ECONNREFUSED' ? 'refused' : 'network', { detail: code ?? String(error), cause: error });
  }

  let body: JsonObject | undefined;
  try {
    const parsed = parseJsonExact(text);
    if (isObject(parsed)) body = parsed;
  } catch {
    // Jetty's own error pages are HTML; the status and page title below say what went wrong.
  }
  const serverError = body && typeof body.error === 'string' ? body.error : undefined;
  if (serverError === NOT_SERVING_TEXT) throw fail('not-serving', { status, serverMessage: serverError });
  if (status < 200 || status > 299) {
    throw fail('http', { status, serverMessage: serverError ?? htmlTitle(text) });
  }
  if (!body) throw fail('malformed', { status, detail: `not a JSON object: "${text.slice(0, 80)}"` });
  if (serverError !== undefined) throw fail('command', { status, serverMessage: serverError });
  return body;
}

function commandUrl(baseUrl: string, name: string, options: AdminCommandOptions): string {
  if (!/^[a-z0-9_]+$/.test(name)) throw new RangeError(`"${name}" is not an admin command name`);
  const base = baseUrl.replace(/\/+$/, '');
  const path = `/${(options.commandPath ?? '/commands').replace(/^\/+|\/+$/g, '')}`;
  const url = new URL(`${base}${path}/${name}`);
  for (const [key, value] of Object.entries(options.params ?? {})) url.searchParams.set(key, value);
  return url.toString();
}

class TimedOut extends Error {}

/** One GET on a fresh connection (no pooling: each poll stands alone, as a 4-letter word does). */
function get(url: URL, timeoutMs: number, tlsOptions: ClientTlsOptions): Promise<{ status: number; text: string }> {
  const secure = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    let secured = false;
    let settled = false;
    const headers = { accept: 'application/json' };
    const request = secure
      ? https.request(url, { ...tlsConnectOptions(url.hostname.replace(/^\[|\]$/g, ''), Number(url.port || 443), tlsOptions), agent: false, headers })
      : http.request(url, { agent: false, headers });
    const settle = (error: Error | null, answer?: { status: number; text: string }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        request.destroy();
        reject(secure && !(error instanceof TimedOut) ? tlsFailure(error, tlsOptions, secured) ?? error : error);
      } else resolve(answer!);
    };
    const timer = setTimeout(() => settle(new TimedOut(`no answer in ${timeoutMs} ms`)), timeoutMs);
    request.on('socket', (socket) => socket.once('secureConnect', () => (secured = true)));
    request.on('error', (error) => settle(error));
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => settle(null, { status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', (error) => settle(error));
    });
    request.end();
  });
}

function htmlTitle(text: string): string | undefined {
  const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
  return title ? decodeEntities(title) : text.trim().slice(0, 200) || undefined;
}

function decodeEntities(text: string): string {
  const named: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" };
  return text.replace(/&(quot|amp|lt|gt|apos|#\d+);/g, (_, entity: string) =>
    entity.startsWith('#') ? String.fromCharCode(Number(entity.slice(1))) : named[entity],
  );
}

async function typedCommand<T>(
  baseUrl: string,
  name: string,
  options: AdminCommandOptions | undefined,
  convert: (body: JsonObject, fail: Fail) => T,
): Promise<T> {
  const body = await adminCommand(baseUrl, name, options);
  const url = commandUrl(baseUrl, name, options ?? {});
  return convert(body, (detail) => new AdminCommandError('malformed', name, { url, detail }));
}

/** `monitor`: every metric mntr gives (keys without the zk_ prefix) and the same typed fields. */
export function adminMonitor(baseUrl: string, options?: AdminCommandOptions): Promise<ServerMetrics> {
  return typedCommand(baseUrl, 'monitor', options, toServerMetrics);
}

/** `server_stats`: what srvr says (no client list). */
export function adminServerStats(baseUrl: string, options?: AdminCommandOptions): Promise<ServerStats> {
  return typedCommand(baseUrl, 'server_stats', options, toServerStats);
}

/** `connections`: what cons says. */
export function adminConnections(baseUrl: string, options?: AdminCommandOptions): Promise<ConnectionInfo[]> {
  return typedCommand(baseUrl, 'connections', options, toConnections);
}

/** `watch_summary`: what wchs says. */
export function adminWatchSummary(baseUrl: string, options?: AdminCommandOptions): Promise<WatchSummary> {
  return typedCommand(baseUrl, 'watch_summary', options, toWatchSummary);
}

/** `configuration`: the server's settings as it reports them (snake_case keys, unlike conf). */
export function adminConfiguration(baseUrl: string, options?: AdminCommandOptions): Promise<JsonObject> {
  return typedCommand(baseUrl, 'configuration', options, withoutEnvelope);
}

/** `environment`: what envi says. */
export function adminEnvironment(baseUrl: string, options?: AdminCommandOptions): Promise<Record<string, string>> {
  return typedCommand(baseUrl, 'environment', options, toEnvironment);
}

/** `is_read_only`: what isro says, as a boolean. */
export function adminIsReadOnly(baseUrl: string, options?: AdminCommandOptions): Promise<boolean> {
  return typedCommand(baseUrl, 'is_read_only', options, toIsReadOnly);
}

/** `leader`: who leads. A standalone server answers with a 'command' error ("server is not initialized"). */
export function adminLeader(baseUrl: string, options?: AdminCommandOptions): Promise<LeaderInfo> {
  return typedCommand(baseUrl, 'leader', options, toLeaderInfo);
}

/** `voting_view`: the voting members; empty for a standalone server. */
export function adminVotingView(baseUrl: string, options?: AdminCommandOptions): Promise<QuorumServerConfig[]> {
  return typedCommand(baseUrl, 'voting_view', options, toVotingView);
}
