import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig, parseJvmFlags } from './config';

describe('zoo.cfg', () => {
  it('reads ZooKeeper defaults the way ZooKeeper does', () => {
    const c = parseConfig('dataDir=/tmp/zk\nclientPort=2181\n', '/etc/zoo.cfg');
    expect(c).toMatchObject({
      tickTime: 3000, minSessionTimeout: 6000, maxSessionTimeout: 60000, maxClientCnxns: 60, snapCount: 100000,
      dataLogDir: '/tmp/zk', juteMaxBuffer: 0xfffff, adminEnabled: true, adminPort: 8080, standaloneEnabled: true,
    });
    expect(c.fourLetterWords).toEqual(new Set(['srvr']));
  });

  it('parses server lines with roles and client addresses', () => {
    const c = parseConfig([
      'dataDir=d', 'tickTime=200',
      'server.1=127.0.0.1:2888:3888;2181',
      'server.2=h2:2889:3889:participant;0.0.0.0:2182',
      'server.3=h3:2890:3890:observer',
      'server.4=[::1]:2891:3891;2184',
    ].join('\n'), '/x/zoo.cfg');
    expect(c.dataDir).toBe('/x/d');
    expect(c.servers).toEqual([
      { id: 1, host: '127.0.0.1', quorumPort: 2888, electionPort: 3888, role: 'participant', clientHost: null, clientPort: 2181 },
      { id: 2, host: 'h2', quorumPort: 2889, electionPort: 3889, role: 'participant', clientHost: '0.0.0.0', clientPort: 2182 },
      { id: 3, host: 'h3', quorumPort: 2890, electionPort: 3890, role: 'observer', clientHost: null, clientPort: null },
      { id: 4, host: '::1', quorumPort: 2891, electionPort: 3891, role: 'participant', clientHost: null, clientPort: 2184 },
    ]);
  });

  it('turns unknown keys into zookeeper. properties and honours SERVER_JVMFLAGS', () => {
    const props = parseJvmFlags('-Xmx1g -Dzookeeper.snapCount=50 -Djute.maxbuffer=2000000 -Dreadonlymode.enabled=true');
    const c = parseConfig('dataDir=/d\nclientPort=1\nDigestAuthenticationProvider.superDigest=super:abc\n4lw.commands.whitelist=*\nsyncEnabled=true', '/z', props);
    expect(c.properties.get('zookeeper.DigestAuthenticationProvider.superDigest')).toBe('super:abc');
    expect(c.properties.get('readonlymode.enabled')).toBe('true');
    expect(c.snapCount).toBe(50);
    expect(c.juteMaxBuffer).toBe(2000000);
    expect(c.fourLetterWords).toBe('*');
    expect(c.ignoredKeys).toEqual(['syncEnabled']);
  });

  it.each([
    ['clientPort=2181', /dataDir is not set/],
    ['dataDir=/d', /clientPort is not set/],
    ['dataDir=/d\nclientPort=abc', /clientPort: "abc" is not a whole number/],
    ['dataDir=/d\nclientPort=70000', /clientPort: 70000 is out of range/],
    ['dataDir=/d\nclientPort=1\nminSessionTimeout=9000\nmaxSessionTimeout=4000', /minSessionTimeout \(9000\) must not be larger/],
    ['dataDir=/d\nclientPort=1\nserver.1=h:1', /server.1=h:1: expected host:quorumPort:electionPort/],
    ['dataDir=/d\nclientPort=1\nserver.1=h:1:2:leader', /role "leader"/],
    ['dataDir=/d\nclientPort=1\nadmin.enableServer=yes', /admin.enableServer: "yes" is not true or false/],
  ])('names the key and the problem: %j', (text, message) => {
    expect(() => parseConfig(text, '/z')).toThrow(message);
  });

  it('reads myid from dataDir and reports a missing file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'zoolab-cfg-'));
    mkdirSync(path.join(dir, 'data'));
    writeFileSync(path.join(dir, 'data', 'myid'), '3\n');
    writeFileSync(path.join(dir, 'zoo.cfg'), 'dataDir=data\nclientPort=2181\n');
    expect(loadConfig(path.join(dir, 'zoo.cfg'), {}).myid).toBe(3);
    expect(() => loadConfig(path.join(dir, 'missing.cfg'), {})).toThrow(ConfigError);
    expect(() => loadConfig(path.join(dir, 'missing.cfg'), {})).toThrow(/cannot read config file .*missing.cfg: ENOENT/);
  });
});
