// The AdminServer (Jetty, ZooKeeper 3.5+): GET <base>/commands/<name> answers JSON. Every failure
// is an AdminCommandError; typed helpers return the same shapes as the 4-letter-word parsers.

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
}

const DEFAULT_TIMEOUT_MS = 5000;

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
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    status = response.status;
    text = await response.text();
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') {
      throw fail('timeout', { detail: `after ${timeoutMs} ms`, cause: error });
    }
    const code = networkCode(error);
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

/** fetch wraps socket errors as TypeError('fetch failed') with the errno on the cause. */
function networkCode(error: unknown): string | undefined {
  const cause = error instanceof Error ? (error.cause as { code?: unknown; errors?: { code?: unknown }[] } | undefined) : undefined;
  const code = cause?.code ?? cause?.errors?.find((e) => typeof e.code === 'string')?.code;
  return typeof code === 'string' ? code : undefined;
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
