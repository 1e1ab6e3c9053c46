export { ZooKeeperClient, OPEN_ACL_UNSAFE, type ClientOptions, type CreateOptions, type ClientState, type Watcher } from './client';
export { parseConnectString, formatHost, type HostAddress, type ParsedConnectString } from './connect-string';
export * from './four-letter';
export * from './four-letter-errors';
export * from './admin-http';
export * from './admin-errors';
