import { describe, expect, test } from 'vitest';
import { NetConfigError, defaultNetConfig, netConfigFromProperties, resolveNetConfig } from './config';

describe('net config', () => {
  test('ZooKeeper 3.8 defaults', () => {
    const c = resolveNetConfig();
    expect([c.maxClientCnxns, c.juteMaxBuffer, c.globalOutstandingLimit, c.fourLetterWordWhitelist, c.sessionlessCnxnTimeoutMs]).toEqual([60, 1048575, 1000, null, 10000]);
    expect(c.admin).toEqual({ enableServer: true, serverAddress: '0.0.0.0', serverPort: 8080, commandURL: '/commands', idleTimeoutMs: 30000 });
    expect(c.ssl.clientAuth).toBe('need');
  });

  test('zoo.cfg keys and their zookeeper.-prefixed system property spellings', () => {
    const c = netConfigFromProperties({
      clientPort: '2181', secureClientPort: '2281', clientPortAddress: '127.0.0.1', maxClientCnxns: '0',
      '4lw.commands.whitelist': 'ruok, srvr', 'zookeeper.globalOutstandingLimit': '50', 'jute.maxbuffer': '4096',
      'ssl.keyStore.location': '/k.pem', 'ssl.keyStore.password': '', 'ssl.clientAuth': 'NONE',
      'admin.enableServer': 'false', 'admin.serverPort': '9090', 'zookeeper.admin.commandURL': '/c',
    });
    expect(c).toMatchObject({
      clientPort: 2181, secureClientPort: 2281, clientPortAddress: '127.0.0.1', maxClientCnxns: 0, fourLetterWordWhitelist: 'ruok, srvr',
      globalOutstandingLimit: 50, juteMaxBuffer: 4096,
      ssl: { keyStoreLocation: '/k.pem', keyStorePassword: '', clientAuth: 'none' },
      admin: { enableServer: false, serverPort: 9090, commandURL: '/c', serverAddress: defaultNetConfig.admin.serverAddress },
    });
  });

  test('bad values are named', () => {
    expect(() => netConfigFromProperties({ maxClientCnxns: 'lots' })).toThrow(new NetConfigError('maxClientCnxns must be an integer, not "lots"'));
    expect(() => netConfigFromProperties({ 'ssl.clientAuth': 'maybe' })).toThrow(/ssl.clientAuth must be none, want or need/);
  });
});
