// A cluster's files: ports by either scheme, and zoo.cfg/myid that the ZooLab server's own config
// reader (the same keys as Apache ZooKeeper's) understands as intended.

import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../server/config';
import {
  DEFAULT_SPEC, clusterFile, connectStringOf, defineCluster, readClusterDefinition, serverFiles, validateSpec,
  writeClusterFiles, type ClusterSpec,
} from './cluster-config';
import { ClusterError } from './cluster-error';
import { Cluster } from './cluster';
import { assertDistinct, freePorts, portsFromBase } from './ports';
import { cleanUpClusterDir, labCommand, tempClusterDir } from './test-support';

const spec = (over: Partial<ClusterSpec>): ClusterSpec => ({ ...DEFAULT_SPEC, nodes: 3, ...over });
const used: string[] = [];
const tempDir = () => {
  const dir = tempClusterDir('zoolab-lab-cfg-');
  used.push(dir);
  return dir;
};

afterEach(async () => {
  for (const dir of used.splice(0)) await cleanUpClusterDir(dir);
});

describe('ports', () => {
  it('--port-base P: client P+i-1, quorum P+100+i-1, election P+200+i-1', () => {
    expect(portsFromBase(2181, 3)).toEqual([
      { clientPort: 2181, quorumPort: 2281, electionPort: 2381 },
      { clientPort: 2182, quorumPort: 2282, electionPort: 2382 },
      { clientPort: 2183, quorumPort: 2283, electionPort: 2383 },
    ]);
    expect(() => portsFromBase(65400, 2)).toThrow('would need port 65601');
    expect(() => portsFromBase(1000, 101)).toThrow('has room for 100 servers');
  });

  it('free ports are three per server, all different and bindable', async () => {
    const ports = await freePorts(5);
    expect(ports).toHaveLength(5);
    expect(() => assertDistinct(ports)).not.toThrow();
    for (const p of ports.flatMap((x) => [x.clientPort, x.quorumPort, x.electionPort])) {
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThanOrEqual(65535);
    }
    expect(() => assertDistinct([{ clientPort: 1, quorumPort: 2, electionPort: 1 }])).toThrow('port 1 was chosen twice');
  });
});

describe('the cluster definition', () => {
  it('numbers participants first, observers after them, with the port-base scheme', async () => {
    const def = await defineCluster(spec({ nodes: 3, observers: 2, portBase: 30000 }));
    expect(def.servers.map((s) => [s.id, s.role, s.clientPort, s.quorumPort, s.electionPort])).toEqual([
      [1, 'participant', 30000, 30100, 30200],
      [2, 'participant', 30001, 30101, 30201],
      [3, 'participant', 30002, 30102, 30202],
      [4, 'observer', 30003, 30103, 30203],
      [5, 'observer', 30004, 30104, 30204],
    ]);
    expect(connectStringOf(def)).toBe('127.0.0.1:30000,127.0.0.1:30001,127.0.0.1:30002,127.0.0.1:30003,127.0.0.1:30004');
  });

  it('refuses impossible specs in words', async () => {
    expect(validateSpec(spec({ nodes: 0 }))).toBe('--nodes wants 1 to 25 servers, not 0');
    expect(validateSpec(spec({ observers: -1 }))).toBe('--observers wants 0 to 25, not -1');
    expect(validateSpec(spec({ tickTime: 0 }))).toBe('--tick-time wants milliseconds (1 or more), not 0');
    expect(validateSpec(spec({ initLimit: 0 }))).toBe('--init-limit wants ticks (1 or more), not 0');
    expect(validateSpec(spec({ syncLimit: 0 }))).toBe('--sync-limit wants ticks (1 or more), not 0');
    expect(validateSpec(spec({ portBase: 65500 }))).toMatch(/highest port is 65535/);
    await expect(defineCluster(spec({ nodes: 0 }))).rejects.toMatchObject({ name: 'ClusterError', usage: true });
  });
});

describe('the files of a cluster', () => {
  it('gives every server a zoo.cfg and myid that the server reads as a member of the ensemble', async () => {
    const dir = tempDir();
    const def = await defineCluster(spec({ nodes: 3, observers: 1, tickTime: 200, initLimit: 7, syncLimit: 3 }));
    writeClusterFiles(dir, def);
    const lines = def.servers.map((s) => `server.${s.id}=127.0.0.1:${s.quorumPort}:${s.electionPort}${s.id === 4 ? ':observer' : ''};127.0.0.1:${s.clientPort}`);
    for (const server of def.servers) {
      const files = serverFiles(dir, server.id);
      const text = readFileSync(files.zooCfg, 'utf8');
      for (const line of lines) expect(text).toContain(`${line}\n`);
      expect(text.includes('peerType=observer')).toBe(server.role === 'observer');
      expect(readFileSync(files.myid, 'utf8').trim()).toBe(String(server.id));

      const parsed = loadConfig(files.zooCfg, {});
      expect(parsed).toMatchObject({
        tickTime: 200, initLimit: 7, syncLimit: 3, dataDir: files.dataDir, clientPort: server.clientPort,
        clientPortAddress: '127.0.0.1', fourLetterWords: '*', adminEnabled: false, myid: server.id,
      });
      expect(parsed.dataDir.startsWith('/')).toBe(true);
      expect(parsed.servers).toEqual(def.servers.map((s) => ({
        id: s.id, host: '127.0.0.1', quorumPort: s.quorumPort, electionPort: s.electionPort, role: s.role, clientHost: '127.0.0.1', clientPort: s.clientPort,
      })));
    }
    expect(readClusterDefinition(dir)).toEqual(def);
  });

  it('writes no server lines for a single server: it runs standalone', async () => {
    const dir = tempDir();
    const def = await defineCluster(spec({ nodes: 1 }));
    writeClusterFiles(dir, def);
    const files = serverFiles(dir, 1);
    const text = readFileSync(files.zooCfg, 'utf8');
    expect(text).not.toMatch(/^server\./m);
    expect(loadConfig(files.zooCfg, {})).toMatchObject({ servers: [], myid: 1, tickTime: 2000, initLimit: 10, syncLimit: 5, standaloneEnabled: true });
  });

  it('one participant with observers is replicated: standaloneEnabled=false', async () => {
    const dir = tempDir();
    const def = await defineCluster(spec({ nodes: 1, observers: 1 }));
    writeClusterFiles(dir, def);
    const observer = loadConfig(serverFiles(dir, 2).zooCfg, {});
    expect(observer).toMatchObject({ standaloneEnabled: false, myid: 2 });
    expect(observer.servers.map((s) => s.role)).toEqual(['participant', 'observer']);
    expect(observer.ignoredKeys).toContain('peerType');
  });

  it('says when a directory holds no cluster, or a broken one', async () => {
    const dir = tempDir();
    expect(() => readClusterDefinition(dir)).toThrow(/holds no cluster \(no cluster.json\)/);
    try {
      readClusterDefinition(dir);
    } catch (err) {
      expect(err).toBeInstanceOf(ClusterError);
      expect((err as ClusterError).usage).toBe(true);
    }
    writeFileSync(clusterFile(dir), '{"format": 1, "servers": []}');
    expect(() => readClusterDefinition(dir)).toThrow('does not describe a cluster: no servers');
    writeFileSync(clusterFile(dir), 'nonsense');
    expect(() => readClusterDefinition(dir)).toThrow('is not JSON');
  });

  it('will not overwrite a cluster, and names the servers it has', async () => {
    const dir = tempDir();
    const cluster = await Cluster.create(dir, spec({ nodes: 2 }), { command: labCommand });
    await expect(Cluster.create(dir, spec({ nodes: 2 }), { command: labCommand })).rejects.toMatchObject({ usage: true, message: expect.stringContaining('already holds a cluster') });
    expect(() => cluster.server(3)).toThrow(`there is no server 3 in the cluster at ${dir} (its servers are 1..2)`);
    expect(Cluster.load(dir, { command: labCommand }).definition).toEqual(cluster.definition);
  });
});
