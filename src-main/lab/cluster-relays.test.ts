// A relayed cluster's files and relays: every server dials the others through a relay port of its
// own, and the relays that Cluster.startRelays starts are the ports the configs name.

import net from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../server/config';
import { DEFAULT_SPEC, clusterFile, defineCluster, readClusterDefinition, serverFiles, writeClusterFiles } from './cluster-config';
import { Cluster } from './cluster';
import { cleanUpClusterDir, labCommand, tempClusterDir } from './test-support';

const used: string[] = [];
const tempDir = () => {
  const dir = tempClusterDir('zoolab-lab-relays-');
  used.push(dir);
  return dir;
};

afterEach(async () => {
  for (const dir of used.splice(0)) await cleanUpClusterDir(dir);
});

describe('a relayed cluster', () => {
  it('has a relay port for every ordered pair and kind, and each zoo.cfg dials the others through its own', async () => {
    const dir = tempDir();
    const def = await defineCluster({ ...DEFAULT_SPEC, nodes: 3, observers: 1, relayed: true });
    expect(def.relays).toHaveLength(4 * 3 * 2);
    const serverPorts = def.servers.flatMap((s) => [s.clientPort, s.quorumPort, s.electionPort]);
    const allPorts = [...serverPorts, ...def.relays!.map((r) => r.port)];
    expect(new Set(allPorts).size).toBe(allPorts.length);

    writeClusterFiles(dir, def);
    const relayOf = (from: number, to: number, kind: 'quorum' | 'election') => def.relays!.find((r) => r.from === from && r.to === to && r.kind === kind)!.port;
    for (const me of def.servers) {
      const parsed = loadConfig(serverFiles(dir, me.id).zooCfg, {});
      expect(parsed.servers).toEqual(def.servers.map((s) => ({
        id: s.id, host: '127.0.0.1', role: s.role, clientHost: '127.0.0.1', clientPort: s.clientPort,
        quorumPort: s.id === me.id ? s.quorumPort : relayOf(me.id, s.id, 'quorum'),
        electionPort: s.id === me.id ? s.electionPort : relayOf(me.id, s.id, 'election'),
      })));
    }
    expect(readClusterDefinition(dir)).toEqual(def);
  });

  it('refuses a cluster.json whose relays do not cover every pair', async () => {
    const dir = tempDir();
    const def = await defineCluster({ ...DEFAULT_SPEC, nodes: 3, relayed: true });
    writeClusterFiles(dir, def);
    writeFileSync(clusterFile(dir), JSON.stringify({ ...def, relays: def.relays!.slice(1) }));
    expect(() => readClusterDefinition(dir)).toThrow('a relayed cluster without a valid relay port for every pair of servers');
  });

  it('starts relays on the ports the configs name, each forwarding to the real port', async () => {
    const dir = tempDir();
    const cluster = await Cluster.create(dir, { ...DEFAULT_SPEC, nodes: 3, relayed: true }, { command: labCommand });
    const relays = await cluster.startRelays();
    try {
      expect(relays.describe().map((l) => [l.a, l.b, l.aToB, l.bToA])).toEqual([[1, 2, 'open', 'open'], [1, 3, 'open', 'open'], [2, 3, 'open', 'open']]);
      // What is on disk names the relays that listen now.
      const onDisk = readClusterDefinition(dir);
      expect(onDisk.relays).toEqual(cluster.definition.relays);
      const zooCfg = readFileSync(serverFiles(dir, 1).zooCfg, 'utf8');
      const toTwo = onDisk.relays!.find((r) => r.from === 1 && r.to === 2 && r.kind === 'election')!.port;
      expect(zooCfg).toContain(`:${toTwo};`);

      // Server 2's election port, as a plain listener: a connection to the relay 1->2 arrives there.
      const target = net.createServer();
      await new Promise<void>((resolve) => target.listen(cluster.server(2).electionPort, '127.0.0.1', resolve));
      const arrived = new Promise<string>((resolve) => target.once('connection', (s) => s.once('data', (d) => resolve(d.toString()))));
      const socket = net.connect(toTwo, '127.0.0.1', () => socket.write('hello 2'));
      expect(await arrived).toBe('hello 2');
      socket.destroy();
      await new Promise<void>((resolve) => target.close(() => resolve()));
    } finally {
      await relays.closeAll();
    }
  });

  it('cannot start relays for a cluster made without them', async () => {
    const cluster = await Cluster.create(tempDir(), { ...DEFAULT_SPEC, nodes: 3 }, { command: labCommand });
    await expect(cluster.startRelays()).rejects.toThrow('has no relays: it was made without relayed: true');
  });
});
