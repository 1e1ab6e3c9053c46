// ZooKeeper's error codes (KeeperException.Code) with their names, and the one typed error that
// carries them. User-facing wording lives here and nowhere else.

export const ErrorCode = {
  OK: 0,
  SYSTEMERROR: -1,
  RUNTIMEINCONSISTENCY: -2,
  DATAINCONSISTENCY: -3,
  CONNECTIONLOSS: -4,
  MARSHALLINGERROR: -5,
  UNIMPLEMENTED: -6,
  OPERATIONTIMEOUT: -7,
  BADARGUMENTS: -8,
  UNKNOWNSESSION: -12,
  NEWCONFIGNOQUORUM: -13,
  RECONFIGINPROGRESS: -14,
  APIERROR: -100,
  NONODE: -101,
  NOAUTH: -102,
  BADVERSION: -103,
  NOCHILDRENFOREPHEMERALS: -108,
  NODEEXISTS: -110,
  NOTEMPTY: -111,
  SESSIONEXPIRED: -112,
  INVALIDCALLBACK: -113,
  INVALIDACL: -114,
  AUTHFAILED: -115,
  SESSIONMOVED: -118,
  NOTREADONLY: -119,
  EPHEMERALONLOCALSESSION: -120,
  NOWATCHER: -121,
  REQUESTTIMEOUT: -122,
  RECONFIGDISABLED: -123,
  SESSIONCLOSEDREQUIRESASLAUTH: -124,
  QUOTAEXCEEDED: -125,
  THROTTLEDOP: -127,
} as const;

export type ErrorName = keyof typeof ErrorCode;

const namesByCode = new Map<number, ErrorName>(
  Object.entries(ErrorCode).map(([name, code]) => [code, name as ErrorName]),
);

export function errorName(code: number): string {
  return namesByCode.get(code) ?? `UNKNOWN(${code})`;
}

/** What each error means, in words a user can act on. */
const descriptions: Partial<Record<ErrorName, string>> = {
  SYSTEMERROR: 'the server reported a system error',
  RUNTIMEINCONSISTENCY: 'the server found a runtime inconsistency',
  DATAINCONSISTENCY: 'the server found a data inconsistency',
  CONNECTIONLOSS: 'the connection to the server was lost',
  MARSHALLINGERROR: 'a request or reply could not be encoded or decoded',
  UNIMPLEMENTED: 'the server does not implement this operation',
  OPERATIONTIMEOUT: 'the operation timed out',
  BADARGUMENTS: 'the arguments are not valid',
  UNKNOWNSESSION: 'the session is not known to the server',
  NEWCONFIGNOQUORUM: 'the new configuration has no quorum',
  RECONFIGINPROGRESS: 'another reconfiguration is in progress',
  APIERROR: 'API error',
  NONODE: 'the node does not exist',
  NOAUTH: 'not authorized: the node\'s ACL does not allow this',
  BADVERSION: 'the node was changed by someone else (version mismatch)',
  NOCHILDRENFOREPHEMERALS: 'ephemeral nodes cannot have children',
  NODEEXISTS: 'the node already exists',
  NOTEMPTY: 'the node has children',
  SESSIONEXPIRED: 'the session has expired',
  INVALIDCALLBACK: 'invalid callback',
  INVALIDACL: 'the ACL is not valid',
  AUTHFAILED: 'authentication failed',
  SESSIONMOVED: 'the session moved to another server',
  NOTREADONLY: 'the server is read-only and cannot accept writes',
  EPHEMERALONLOCALSESSION: 'ephemeral nodes cannot be created by a local session',
  NOWATCHER: 'there is no such watcher',
  REQUESTTIMEOUT: 'the request timed out',
  RECONFIGDISABLED: 'dynamic reconfiguration is disabled',
  SESSIONCLOSEDREQUIRESASLAUTH: 'the session was closed: SASL authentication is required',
  QUOTAEXCEEDED: 'the quota was exceeded',
  THROTTLEDOP: 'the server throttled this operation; retry later',
};

export function describeError(code: number): string {
  const name = namesByCode.get(code);
  return (name && descriptions[name]) ?? `ZooKeeper error ${code}`;
}

/** An error the server (or the client on its behalf) reports with a ZooKeeper error code. */
export class ZooKeeperError extends Error {
  readonly code: number;
  readonly codeName: string;
  readonly path?: string;

  constructor(code: number, path?: string, detail?: string) {
    const name = errorName(code);
    super(`${name}: ${detail ?? describeError(code)}${path ? ` (${path})` : ''}`);
    this.name = 'ZooKeeperError';
    this.code = code;
    this.codeName = name;
    this.path = path;
  }
}
