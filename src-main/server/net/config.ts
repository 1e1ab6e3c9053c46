// The net layer's settings, with Apache ZooKeeper 3.8's defaults, and how to read them from zoo.cfg
// keys (ZooKeeper turns unknown zoo.cfg keys into "zookeeper."-prefixed system properties, so both
// spellings are accepted).

export type ClientAuth = 'none' | 'want' | 'need';

export interface TlsConfig {
  keyStoreLocation: string | null;
  keyStorePassword: string | null;
  /** JKS, PEM, PKCS12; null → from the file name's extension, as ZooKeeper does. */
  keyStoreType: string | null;
  trustStoreLocation: string | null;
  trustStorePassword: string | null;
  trustStoreType: string | null;
  /** ZooKeeper's default is need. */
  clientAuth: ClientAuth;
}

export interface AdminConfig {
  enableServer: boolean;
  serverAddress: string;
  serverPort: number;
  commandURL: string;
  idleTimeoutMs: number;
}

export interface NetConfig {
  /** null: no plain client port (a secure-only server). 0 picks a free port. */
  clientPort: number | null;
  /** null: every address. */
  clientPortAddress: string | null;
  secureClientPort: number | null;
  secureClientPortAddress: string | null;
  /** Per client IP address and per port; 0 = unlimited. */
  maxClientCnxns: number;
  /** All connections of one port; 0 = unlimited. */
  maxCnxns: number;
  /** jute.maxbuffer: the largest frame a client may send. */
  juteMaxBuffer: number;
  globalOutstandingLimit: number;
  /** 4lw.commands.whitelist as written ("*", "ruok, stat"); null → ZooKeeper's default (srvr only). */
  fourLetterWordWhitelist: string | null;
  /** readonlymode.enabled: ZooKeeper then whitelists isro too. */
  readOnlyModeEnabled: boolean;
  /** zookeeper.nio.sessionlessCnxnTimeout: how long a connection may stay silent before its handshake. */
  sessionlessCnxnTimeoutMs: number;
  /** Replies queued for a client that does not read them, beyond which its connection is closed (zoolab.maxUnsentBytes; ZooKeeper has no bound). */
  maxUnsentBytes: number;
  /** clientPortListenBacklog; -1 = the OS default. */
  listenBacklog: number;
  ssl: TlsConfig;
  admin: AdminConfig;
}

export type NetConfigInput = Partial<Omit<NetConfig, 'ssl' | 'admin'>> & { ssl?: Partial<TlsConfig>; admin?: Partial<AdminConfig> };

export const defaultNetConfig: NetConfig = {
  clientPort: 2181,
  clientPortAddress: null,
  secureClientPort: null,
  secureClientPortAddress: null,
  maxClientCnxns: 60,
  maxCnxns: 0,
  juteMaxBuffer: 0xfffff,
  globalOutstandingLimit: 1000,
  fourLetterWordWhitelist: null,
  readOnlyModeEnabled: false,
  sessionlessCnxnTimeoutMs: 10_000,
  maxUnsentBytes: 64 * 1024 * 1024,
  listenBacklog: -1,
  ssl: {
    keyStoreLocation: null, keyStorePassword: null, keyStoreType: null,
    trustStoreLocation: null, trustStorePassword: null, trustStoreType: null,
    clientAuth: 'need',
  },
  admin: { enableServer: true, serverAddress: '0.0.0.0', serverPort: 8080, commandURL: '/commands', idleTimeoutMs: 30_000 },
};

export function resolveNetConfig(input: NetConfigInput = {}): NetConfig {
  return {
    ...defaultNetConfig,
    ...input,
    ssl: { ...defaultNetConfig.ssl, ...input.ssl },
    admin: { ...defaultNetConfig.admin, ...input.admin },
  };
}

export class NetConfigError extends Error {}

/** Read the net layer's keys from zoo.cfg properties (or system-property spellings of them). */
export function netConfigFromProperties(props: ReadonlyMap<string, string> | Readonly<Record<string, string>>): NetConfig {
  const map = props instanceof Map ? props : new Map(Object.entries(props));
  const get = (key: string): string | undefined => {
    const v = map.get(key) ?? map.get(`zookeeper.${key}`);
    return v === undefined ? undefined : v.trim();
  };
  const int = (key: string): number | undefined => {
    const v = get(key);
    if (v === undefined || v === '') return undefined;
    if (!/^-?\d+$/.test(v)) throw new NetConfigError(`${key} must be an integer, not "${v}"`);
    return Number(v);
  };
  const bool = (key: string): boolean | undefined => {
    const v = get(key);
    return v === undefined ? undefined : v.toLowerCase() === 'true';
  };
  const str = (key: string): string | undefined => {
    const v = get(key);
    return v === undefined || v === '' ? undefined : v;
  };
  const clientAuth = str('ssl.clientAuth')?.toLowerCase();
  if (clientAuth !== undefined && clientAuth !== 'none' && clientAuth !== 'want' && clientAuth !== 'need') {
    throw new NetConfigError(`ssl.clientAuth must be none, want or need, not "${clientAuth}"`);
  }
  const d = defaultNetConfig;
  return {
    clientPort: int('clientPort') ?? null,
    clientPortAddress: str('clientPortAddress') ?? null,
    secureClientPort: int('secureClientPort') ?? null,
    secureClientPortAddress: str('secureClientPortAddress') ?? null,
    maxClientCnxns: int('maxClientCnxns') ?? d.maxClientCnxns,
    maxCnxns: int('maxCnxns') ?? d.maxCnxns,
    juteMaxBuffer: int('jute.maxbuffer') ?? d.juteMaxBuffer,
    globalOutstandingLimit: int('globalOutstandingLimit') ?? d.globalOutstandingLimit,
    fourLetterWordWhitelist: get('4lw.commands.whitelist') ?? null,
    readOnlyModeEnabled: (map.get('readonlymode.enabled') ?? 'false').trim() === 'true',
    sessionlessCnxnTimeoutMs: int('nio.sessionlessCnxnTimeout') ?? d.sessionlessCnxnTimeoutMs,
    maxUnsentBytes: int('zoolab.maxUnsentBytes') ?? d.maxUnsentBytes,
    listenBacklog: int('clientPortListenBacklog') ?? d.listenBacklog,
    ssl: {
      keyStoreLocation: str('ssl.keyStore.location') ?? null,
      keyStorePassword: get('ssl.keyStore.password') ?? null,
      keyStoreType: str('ssl.keyStore.type') ?? null,
      trustStoreLocation: str('ssl.trustStore.location') ?? null,
      trustStorePassword: get('ssl.trustStore.password') ?? null,
      trustStoreType: str('ssl.trustStore.type') ?? null,
      clientAuth: (clientAuth as ClientAuth | undefined) ?? d.ssl.clientAuth,
    },
    admin: {
      enableServer: bool('admin.enableServer') ?? d.admin.enableServer,
      serverAddress: str('admin.serverAddress') ?? d.admin.serverAddress,
      serverPort: int('admin.serverPort') ?? d.admin.serverPort,
      commandURL: str('admin.commandURL') ?? d.admin.commandURL,
      idleTimeoutMs: int('admin.idleTimeout') ?? d.admin.idleTimeoutMs,
    },
  };
}
