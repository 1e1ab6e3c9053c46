import net from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { AdminHttpServer } from './admin-server';
import { resolveNetConfig, type AdminConfig } from './config';
import { FakeCore, RawClient, startFakeServer, type LogLine } from './test-support';

let admin: AdminHttpServer | null = null;
let logs: LogLine[] = [];

async function startAdmin(overrides: Partial<AdminConfig> = {}, core = new FakeCore()): Promise<string> {
  logs = [];
  const config = resolveNetConfig({ admin: { serverAddress: '127.0.0.1', serverPort: 0, ...overrides } }).admin;
  admin = new AdminHttpServer(core, config, (level, message) => logs.push({ level, message }));
  const port = await admin.start();
  return `http://127.0.0.1:${port}`;
}

afterEach(async () => {
  await admin?.close();
  admin = null;
});

describe('the admin HTTP shell', () => {
  test('GET /commands lists the commands as ZooKeeper does (sorted links, no content type)', async () => {
    const base = await startAdmin();
    for (const path of ['/commands', '/commands/']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBeNull();
      expect(await res.text()).toBe(
        '<a href="/commands/connections">connections</a>\n<br/>\n' +
        '<a href="/commands/ruok">ruok</a>\n<br/>\n' +
        '<a href="/commands/server_stats">server_stats</a>\n<br/>\n');
    }
  });

  test('a command answers JSON with "command" and "error" after its fields, Jackson-printed', async () => {
    const base = await startAdmin();
    const ruok = await fetch(`${base}/commands/ruok`);
    expect(ruok.headers.get('content-type')).toBe('application/json');
    expect(await ruok.text()).toBe('{\n  "command" : "ruok",\n  "error" : null\n}');
    const stats = await (await fetch(`${base}/commands/server_stats`)).text();
    expect(stats).toBe([
      '{',
      '  "avg_latency" : 1.0,',
      '  "big" : 72057614716174336,',
      '  "nested" : {',
      '    "a" : [ 1, 2 ],',
      '    "e" : { }',
      '  },',
      '  "command" : "server_stats",',
      '  "error" : null',
      '}',
    ].join('\n'));
  });

  test('an alias answers under the primary name; connections lists real connections', async () => {
    const { server, core } = await startFakeServer();
    try {
      core.net = server;
      const client = await RawClient.connect(server.clientPort!);
      await client.handshake();
      const base = await startAdmin({}, core);
      const body = await (await fetch(`${base}/commands/cons`)).text();
      expect(body).toMatch(new RegExp([
        '^\\{', '  "connections" : \\[ \\{',
        `    "remote_socket_address" : "127\\.0\\.0\\.1:${client.localPort}",`,
        '    "interest_ops" : 1,', '    "outstanding_requests" : 0,', '    "packets_received" : 1,', '    "packets_sent" : 1,',
        '    "session_id" : 256,', '    "last_operation" : null,', '    "established" : \\d{13},', '    "session_timeout" : 30000,',
        '    "last_cxid" : 0,', '    "last_zxid" : 0,', '    "last_response_time" : 0,', '    "last_latency" : 0,',
        '    "min_latency" : 0,', '    "avg_latency" : 0,', '    "max_latency" : 0',
        '  \\} \\],', '  "secure_connections" : \\[ \\],', '  "command" : "connections",', '  "error" : null', '\\}$',
      ].join('\n')));
      client.destroy();
    } finally {
      await server.close();
    }
  });

  test('an unknown command gets ZooKeeper\'s error shape, with status 200', async () => {
    const base = await startAdmin();
    for (const name of ['nosuch', 'RUOK', 'ruok/extra']) {
      const res = await fetch(`${base}/commands/${name}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(`{\n  "command" : "${name}",\n  "error" : "Unknown command: ${name}"\n}`);
    }
  });

  test('HEAD, POST, other paths and a failing command behave like Jetty', async () => {
    const base = await startAdmin();
    const head = await fetch(`${base}/commands/ruok`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('42');
    const post = await fetch(`${base}/commands/ruok`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(await post.text()).toContain('HTTP ERROR 405 HTTP method POST is not supported by this URL');
    const other = await fetch(`${base}/`);
    expect(other.status).toBe(404);
    expect(other.headers.get('content-type')).toBe('text/html;charset=iso-8859-1');
    expect((await fetch(`${base}/commandsx`)).status).toBe(404);
    const failing = await fetch(`${base}/commands/fail`);
    expect(failing.status).toBe(500);
    expect(await failing.text()).toContain('no server here');
    expect(logs.some((l) => /admin command fail failed: no server here/.test(l.message))).toBe(true);
  });

  test('commandURL is configurable; disabled means no port', async () => {
    const base = await startAdmin({ commandURL: '/zk/cmds' });
    expect(await (await fetch(`${base}/zk/cmds/ruok`)).text()).toContain('"command" : "ruok"');
    expect((await fetch(`${base}/commands/ruok`)).status).toBe(404);
    await admin!.close();
    admin = new AdminHttpServer(new FakeCore(), resolveNetConfig({ admin: { enableServer: false } }).admin);
    expect(await admin.start()).toBeNull();
  });

  test('a port in use only logs: the server runs on without its admin port', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      admin = new AdminHttpServer(new FakeCore(), resolveNetConfig({ admin: { serverAddress: '127.0.0.1', serverPort: port } }).admin,
        (level, message) => logs.push({ level, message }));
      expect(await admin.start()).toBeNull();
      expect(logs.some((l) => l.level === 'warn' && /Problem starting AdminServer on 127\.0\.0\.1:\d+: .*EADDRINUSE/.test(l.message))).toBe(true);
    } finally {
      blocker.close();
    }
  });
});
