// The client-port layer's settings, taken from a parsed zoo.cfg.

import type { ServerConfig } from './config';
import { netConfigFromProperties, type NetConfigInput } from './net';

export function netConfigOf(config: ServerConfig): NetConfigInput {
  const fromProps = netConfigFromProperties(config.properties);
  return {
    ...fromProps,
    clientPort: config.clientPort,
    clientPortAddress: config.clientPortAddress,
    secureClientPort: config.secureClientPort,
    secureClientPortAddress: config.secureClientPortAddress,
    maxClientCnxns: config.maxClientCnxns,
    juteMaxBuffer: config.juteMaxBuffer,
    globalOutstandingLimit: config.globalOutstandingLimit,
    fourLetterWordWhitelist: config.fourLetterWords === '*' ? '*' : [...config.fourLetterWords].join(','),
    readOnlyModeEnabled: config.properties.get('readonlymode.enabled') === 'true',
    admin: {
      ...fromProps.admin,
      enableServer: config.adminEnabled,
      serverAddress: config.adminAddress,
      serverPort: config.adminPort,
      commandURL: config.adminCommandUrl,
    },
  };
}
