// zkCli's text for stats, ACLs, paths and errors, so its users read the same lines here.

import { eventTypeName, keeperStateName, parsePerms, permsToString } from '../protocol/constants';
import { ErrorCode, errorName } from '../protocol/errors';
import { InvalidPathError, validatePath } from '../protocol/paths';
import type { ACL, Stat } from '../protocol/records';

/** Java's Long.toHexString: the 64-bit two's complement, unsigned, without leading zeros. */
export function javaHex(v: bigint): string {
  return BigInt.asUintN(64, v).toString(16);
}

const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * Java's Date.toString() in the local time zone: `Thu Jan 01 00:00:00 UTC 1970`. The zone's short
 * name comes from ICU, which lacks some that Java knows (NPT, BRT); those print as `GMT-03:00`.
 */
export function javaDateString(ms: number, timeZone?: string): string {
  const d = new Date(ms);
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: 'numeric', day: 'numeric',
    hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(d);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const weekday = days.indexOf(get('weekday'));
  const year = Number(get('year'));
  return `${days[weekday]} ${months[Number(get('month')) - 1]} ${pad2(Number(get('day')))} ${pad2(Number(get('hour')))}:` +
    `${pad2(Number(get('minute')))}:${pad2(Number(get('second')))} ${zoneName(d, timeZone)} ${String(year).padStart(4, '0')}`;
}

// Each of these knows abbreviations the others print as GMT+n (CET, IST, AEDT, JST).
const abbreviatingLocales = ['en-US', 'en-GB', 'en-IN', 'en-AU', 'ja-JP'];

function zoneName(d: Date, timeZone?: string): string {
  for (const locale of abbreviatingLocales) {
    const name = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' }).formatToParts(d)
      .find((p) => p.type === 'timeZoneName')?.value ?? '';
    if (/^[A-Z]{2,5}$/.test(name)) return name;
  }
  return new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(d)
    .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
}

/** zkCli's StatPrinter, one line per field. */
export function formatStat(stat: Stat, timeZone?: string): string[] {
  return [
    `cZxid = 0x${javaHex(stat.czxid)}`,
    `ctime = ${javaDateString(stat.ctime, timeZone)}`,
    `mZxid = 0x${javaHex(stat.mzxid)}`,
    `mtime = ${javaDateString(stat.mtime, timeZone)}`,
    `pZxid = 0x${javaHex(stat.pzxid)}`,
    `cversion = ${stat.cversion}`,
    `dataVersion = ${stat.version}`,
    `aclVersion = ${stat.aversion}`,
    `ephemeralOwner = 0x${javaHex(stat.ephemeralOwner)}`,
    `dataLength = ${stat.dataLength}`,
    `numChildren = ${stat.numChildren}`,
  ];
}

// jute's ToStringOutputArchive escapes these so a record's text stays one CSV line.
function juteString(s: string): string {
  return `'${s.replace(/[\0\n\r,}%]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)}`;
}

/**
 * getAcl's lines for one entry. zkCli prints Id.toString(), which ends in a newline, then
 * `: perms`, so every entry takes two lines: `'digest,'user:hash` and `: cdrwa`.
 */
export function formatAcl(acl: ACL): string[] {
  return [`${juteString(acl.id.scheme)},${juteString(acl.id.id)}`, `: ${permsToString(acl.perms)}`];
}

/**
 * zkCli's AclParser: comma-separated `scheme:id:perms`, where id runs from the first to the last
 * colon (`digest:user:hash:cdrwa`, `auth::cdrwa`). A malformed entry or letter is reported and
 * skipped, as zkCli does; an empty result is left for the server's (or client's) INVALIDACL.
 */
export function parseAclString(text: string): { acl: ACL[]; warnings: string[] } {
  const acl: ACL[] = [];
  const warnings: string[] = [];
  for (const entry of javaSplit(text, ',')) {
    const first = entry.indexOf(':');
    const last = entry.lastIndexOf(':');
    if (first === -1 || first === last) {
      warnings.push(`${entry} does not have the form scheme:id:perm`);
      continue;
    }
    let perms = 0;
    for (const ch of entry.slice(last + 1)) {
      try {
        perms |= parsePerms(ch);
      } catch {
        warnings.push(`Unknown perm type: ${ch}`);
      }
    }
    acl.push({ perms, id: { scheme: entry.slice(0, first), id: entry.slice(first + 1, last) } });
  }
  return { acl, warnings };
}

/** Java's String.split: trailing empty strings are dropped ("a,,".split(",") is ["a"]). */
function javaSplit(s: string, sep: string): string[] {
  const parts = s.split(sep);
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** KeeperException.getCodeMessage: the words in `KeeperErrorCode = ...`. */
const codeMessages: Record<number, string> = {
  [ErrorCode.OK]: 'ok',
  [ErrorCode.SYSTEMERROR]: 'SystemError',
  [ErrorCode.RUNTIMEINCONSISTENCY]: 'RuntimeInconsistency',
  [ErrorCode.DATAINCONSISTENCY]: 'DataInconsistency',
  [ErrorCode.CONNECTIONLOSS]: 'ConnectionLoss',
  [ErrorCode.MARSHALLINGERROR]: 'MarshallingError',
  [ErrorCode.NEWCONFIGNOQUORUM]: 'NewConfigNoQuorum',
  [ErrorCode.RECONFIGINPROGRESS]: 'ReconfigInProgress',
  [ErrorCode.UNIMPLEMENTED]: 'Unimplemented',
  [ErrorCode.OPERATIONTIMEOUT]: 'OperationTimeout',
  [ErrorCode.BADARGUMENTS]: 'BadArguments',
  [ErrorCode.APIERROR]: 'APIError',
  [ErrorCode.NONODE]: 'NoNode',
  [ErrorCode.NOAUTH]: 'NoAuth',
  [ErrorCode.BADVERSION]: 'BadVersion',
  [ErrorCode.NOCHILDRENFOREPHEMERALS]: 'NoChildrenForEphemerals',
  [ErrorCode.NODEEXISTS]: 'NodeExists',
  [ErrorCode.INVALIDACL]: 'InvalidACL',
  [ErrorCode.AUTHFAILED]: 'AuthFailed',
  [ErrorCode.NOTEMPTY]: 'Directory not empty',
  [ErrorCode.SESSIONEXPIRED]: 'Session expired',
  [ErrorCode.INVALIDCALLBACK]: 'Invalid callback',
  [ErrorCode.SESSIONMOVED]: 'Session moved',
  [ErrorCode.NOTREADONLY]: 'Not a read-only call',
  [ErrorCode.EPHEMERALONLOCALSESSION]: 'Ephemeral node on local session',
  [ErrorCode.NOWATCHER]: 'No such watcher',
  [ErrorCode.RECONFIGDISABLED]: 'Reconfig is disabled',
  [ErrorCode.SESSIONCLOSEDREQUIRESASLAUTH]: 'Session closed because client failed to authenticate',
  [ErrorCode.QUOTAEXCEEDED]: 'Quota has exceeded',
  [ErrorCode.THROTTLEDOP]: 'Op throttled due to high load',
};

/** KeeperException.getMessage(): `KeeperErrorCode = NoNode for /x`. */
export function keeperMessage(code: number, path?: string): string {
  const words = codeMessages[code] ?? `Unknown error ${errorName(code)}`;
  return path ? `KeeperErrorCode = ${words} for ${path}` : `KeeperErrorCode = ${words}`;
}

/** zkCli's CliWrapperException: its own sentence for common errors, the KeeperException text otherwise. */
export function cliErrorMessage(code: number, path?: string): string {
  const p = path ?? 'null';
  switch (code) {
    case ErrorCode.NONODE: return `Node does not exist: ${p}`;
    case ErrorCode.NOCHILDRENFOREPHEMERALS: return `Ephemerals cannot have children: ${p}`;
    case ErrorCode.NODEEXISTS: return `Node already exists: ${p}`;
    case ErrorCode.NOTEMPTY: return `Node not empty: ${p}`;
    case ErrorCode.NOTREADONLY: return `Not a read-only call: ${p}`;
    case ErrorCode.INVALIDACL: return `Acl is not valid : ${p}`;
    case ErrorCode.NOAUTH: return `Insufficient permission : ${p}`;
    case ErrorCode.BADARGUMENTS: return `Arguments are not valid : ${p}`;
    case ErrorCode.BADVERSION: return `version No is not valid : ${p}`;
    case ErrorCode.RECONFIGINPROGRESS: return 'Another reconfiguration is in progress -- concurrent reconfigs not supported (yet)';
    case ErrorCode.NEWCONFIGNOQUORUM:
      return 'No quorum of new config is connected and up-to-date with the leader of last commmitted config - try invoking reconfiguration after new servers are connected and synced';
    case ErrorCode.QUOTAEXCEEDED: return `Quota has exceeded : ${p}`;
    default: return keeperMessage(code, path);
  }
}

/**
 * The Java client's path check message: the first checks give a bare reason ("Path must start
 * with / character"), the rest `Invalid path string "..." caused by ...`. Null when valid.
 */
export function pathProblem(path: string, sequential = false): string | null {
  try {
    validatePath(path, sequential);
    return null;
  } catch (err) {
    if (!(err instanceof InvalidPathError)) throw err;
    return invalidPathMessage(err);
  }
}

const bareReasons = ['Path length must be > 0', 'Path must start with / character', 'Path must not end with / character'];

export function invalidPathMessage(err: InvalidPathError): string {
  const reason = bareReasons.find((r) => err.message.endsWith(`caused by ${r}`));
  return reason ?? err.message;
}

/** WatchedEvent.toString() in 3.8: `WatchedEvent state:SyncConnected type:NodeDataChanged path:/a`. */
export function formatWatchedEvent(event: { type: number; state: number; path: string | null | undefined }): string {
  return `WatchedEvent state:${keeperStateName(event.state)} type:${eventTypeName(event.type)} path:${event.path || 'null'}`;
}
