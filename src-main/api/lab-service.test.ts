// The lab through the API: bad arguments refused in words before anything runs, a lab's faults on
// a lab that is not running refused, and `zoolab web` stopping the servers of its labs when it is
// told to quit.

import { afterAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { Cluster } from '../lab/cluster';
import { cleanUpClusterDir, tempClusterDir } from '../lab/test-support';
import { haveBuiltCli } from '../server/testing/server-process';
import { openStore } from '../store/store';
import type { LabDefinition, LabStatus } from './lab-types';
import { ZooLabService } from './service';
import type { ApiError, ApiResponse } from './types';
import { main } from './web-cli';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await cleanUpClusterDir(dir);
});

function dataDir(): string {
  const dir = tempClusterDir('zoolab-lab-api-');
  dirs.push(dir);
  return dir;
}

const spec = { name: 'lab', participants: 3, observers: 0, tickTime: 100, initLimit: 10, syncLimit: 5 };

describe('lab calls', () => {
  it('refuses bad arguments in words, and faults on a lab that is not running', async () => {
    const store = openStore(dataDir());
    const service = new ZooLabService(store);
    const api = service.connect(() => {});
    const error = async (method: string, ...params: unknown[]): Promise<ApiError> => {
      const out = await api.call(method, params);
      if (!out.error) throw new Error(`${method} should have failed`);
      return out.error;
    };
    try {
      expect(await error('lab.create', { ...spec, participants: 4 })).toMatchObject({
        codeName: 'BADARGUMENTS', message: 'participants must be 1, 3, 5 or 7 (an odd number, so a majority is always clear), not 4',
      });
      expect((await error('lab.create', { ...spec, observers: 4 })).message).toBe('the number of observers must be a whole number from 0 to 3, not 4');
      expect((await error('lab.create', { ...spec, tickTime: 5 })).message).toBe('the tickTime (ms) must be a whole number from 10 to 60000, not 5');
      expect((await error('lab.create', { ...spec, name: ' ' })).message).toBe('a lab name is 1 to 100 characters');
      expect((await error('lab.create', null)).message).toMatch(/^a lab needs a name/);
      expect((await error('lab.start', 'nope')).message).toBe('there is no lab with id "nope"');

      const created = await api.call('lab.create', [spec]);
      const def = created.result as LabDefinition;
      expect(def).toMatchObject({ ...spec, id: expect.any(String) });
      expect((await api.call('lab.list', [])).result).toEqual([def]);
      const status = (await api.call('lab.status', [def.id])).result as LabStatus;
      expect(status).toMatchObject({ labId: def.id, running: false });
      expect(status.servers.map((s) => [s.id, s.process, s.role])).toEqual([[1, 'stopped', 'down'], [2, 'stopped', 'down'], [3, 'stopped', 'down']]);

      expect((await error('lab.serverFault', def.id, 4, 'kill')).message).toBe('the server id must be a server of the lab: 1 to 3, not 4');
      expect((await error('lab.serverFault', def.id, 1, 'explode')).message).toBe('the server fault must be one of kill, pause, resume, stop, start, restart, wipe, not "explode"');
      expect((await error('lab.cutLink', def.id, 2, 2, 'both')).message).toBe('a link joins two different servers, not server 2 and itself');
      expect((await error('lab.cutLink', def.id, 1, 2, 'sideways')).message).toBe('the direction must be one of both, a->b, b->a, not "sideways"');
      expect((await error('lab.slowLink', def.id, 1, 2, -1)).message).toBe('the delay in ms must be a whole number from 0 to 60000, not -1');
      expect((await error('lab.partition', def.id, 'everything')).message).toMatch(/^the partition preset must be one of isolate-leader, split-minority/);
      const load = { mix: { read: 1, write: 0, create: 0 }, rate: 0, valueSize: 10, clients: 1 };
      expect((await error('lab.startLoad', def.id, { ...load, mix: { read: 0, write: 0, create: 0 } })).message).toBe('the load mix needs at least one weight above 0');
      expect((await error('lab.startLoad', def.id, { ...load, clients: 0 })).message).toBe('the number of clients must be a whole number from 1 to 64, not 0');
      expect((await error('lab.events', def.id, { types: 'zab.sent' })).message).toBe('types is a list of event types, e.g. ["zab.sent"]');
      expect((await error('lab.cutLink', def.id, 1, 2, 'both')).message).toBe('the lab "lab" is not running: start it first');
      expect((await api.call('lab.events', [def.id, {}])).result).toEqual([]);

      expect((await api.call('lab.remove', [def.id])).error).toBeUndefined();
      expect(Cluster.exists(def.dir)).toBe(false);
    } finally {
      await service.close();
      store.close();
    }
  });
});

describe.skipIf(!haveBuiltCli)('zoolab web and its labs', () => {
  it('stops the servers of a running lab on SIGTERM', async () => {
    const dir = dataDir();
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const exit = main(['--no-open', '--data-dir', dir]);
      await vi.waitFor(() => expect(stdout).toContain('\n'), { timeout: 10_000 });
      const [, port, token] = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\S+)/.exec(stdout)!;
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${token}`);
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      const replies = new Map<number, (r: ApiResponse) => void>();
      ws.on('message', (d) => {
        const message = JSON.parse(String(d)) as ApiResponse;
        replies.get(message.id)?.(message);
      });
      let nextId = 1;
      const call = <T>(method: string, ...params: unknown[]): Promise<T> => new Promise((resolve, reject) => {
        const id = nextId++;
        replies.set(id, (r) => (r.error ? reject(new Error(r.error.message)) : resolve(r.result as T)));
        ws.send(JSON.stringify({ id, method, params }));
      });

      const def = await call<LabDefinition>('lab.create', spec);
      const started = await call<LabStatus>('lab.start', def.id);
      expect(started.servers.every((s) => s.process === 'running')).toBe(true);

      process.emit('SIGTERM');
      expect(await exit).toBe(0);
      expect(Cluster.load(def.dir).liveServers()).toEqual([]);
      expect((await Cluster.load(def.dir).status()).servers.map((s) => s.process)).toEqual(['stopped', 'stopped', 'stopped']);
    } finally {
      vi.restoreAllMocks();
    }
  });
});
