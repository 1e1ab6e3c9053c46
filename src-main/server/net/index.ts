// The client-facing network layer of one server node: client ports (plain and TLS), 4lw, admin HTTP.

export type { AdminCommandResult, ClientConnection, LogLevel, NetLog, NetServer, PeerAddress, ServerCore } from './types';
export { defaultNetConfig, netConfigFromProperties, resolveNetConfig, NetConfigError } from './config';
export type { AdminConfig, ClientAuth, NetConfig, NetConfigInput, TlsConfig } from './config';
export { ClientPortServer } from './client-port';
export { AdminHttpServer } from './admin-server';
export { JavaDouble, javaDouble, javaDoubleString, jacksonPretty } from './admin-json';
export { FOUR_LETTER_WORDS, parseFourLetterWhitelist } from './four-letter';
export { ServerStats, ConnectionStats, elapsedMs, javaLongHex, javaSocketAddress, jacksonSocketAddress } from './stats';
