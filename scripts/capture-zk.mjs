// Captures the bytes real third-party clients (kazoo, then the C client cli_mt) exchange with real
// Apache ZooKeeper 3.8, through a recording proxy, into src-main/protocol/testdata/zk-3.8-capture.json.
// The codec tests read that file; run this again only to refresh it: node scripts/capture-zk.mjs

import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runnerImport } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const load = async (file) => (await runnerImport(path.join(root, file), { configFile: false, logLevel: 'warn' })).module;
const { startZooKeeper } = await load('src-main/testing/apache-zk.ts');
const { startRecordingProxy } = await load('src-main/testing/recording-proxy.ts');
const P = await load('src-main/protocol/index.ts');

const out = path.join(root, 'src-main/protocol/testdata/zk-3.8-capture.json');
const cliMt = '/usr/lib/zookeeper/bin/cli_mt';

// TTL nodes exist only with extended types on.
const zk = await startZooKeeper({ extraConfig: { extendedTypesEnabled: 'true' } });
const proxy = await startRecordingProxy({ port: zk.clientPort });
let captured;
try {
  const py = await run('/usr/bin/python3', [path.join(root, 'scripts/capture-zk.py'), proxy.connectString, zk.connectString]);
  const { steps } = JSON.parse(py.trim().split('\n').pop());
  const kazooFrames = proxy.frames.filter((f) => f.conn === 1);

  // cli_mt runs one command then closes its session; /app is still world-readable.
  await run(cliMt, ['-h', proxy.connectString, '-c', 'get /app']);
  const cliFrames = proxy.frames.filter((f) => f.conn === 2);

  captured = [...label(kazooFrames, 'kazoo', steps), ...label(cliFrames, 'cli_mt', null)];
} finally {
  await proxy.close();
  await zk.stop();
}
writeFileSync(out, JSON.stringify(captured, null, 1) + '\n');
console.log(`wrote ${captured.length} frames to ${path.relative(root, out)}`);

/** Runs a client asynchronously (the proxy lives on this event loop); its stdout, or an error with its output. */
async function run(file, args) {
  try {
    return (await promisify(execFile)(file, args, { encoding: 'utf8', timeout: 60_000 })).stdout;
  } catch (e) {
    throw new Error(`${path.basename(file)} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

/** Names each frame's op and says what it was; keeps one ping exchange of the several a session makes. */
function label(frames, client, steps) {
  const requests = new Map();
  let stepIndex = 0;
  let pings = 0;
  let connectNote;
  const kept = [];
  for (const f of frames) {
    const r = new P.JuteReader(f.bytes, 4);
    let op;
    let note;
    if (f.seq === 0) {
      op = 'connect';
      if (f.dir === 'request') {
        if (steps && steps[0].op !== 'connect') throw new Error('steps do not start with connect');
        connectNote = steps?.[stepIndex++].note ?? 'opens a new session';
        note = connectNote;
      } else {
        note = `reply to: ${connectNote}`;
      }
    } else if (f.dir === 'request') {
      const h = P.RequestHeaderCodec.read(r);
      op = P.opName(h.type);
      if (op === 'ping') {
        note = 'ping (the session was idle)';
      } else if (steps) {
        const step = steps[stepIndex++];
        if (step?.op !== op) throw new Error(`request ${op} xid ${h.xid} does not match step ${JSON.stringify(step)}`);
        note = step.note;
      } else {
        note = `${op} ${op === 'closeSession' ? '' : P.PathRequestCodec.read(r).path}`.trim();
      }
      requests.set(h.xid, { op, note });
    } else {
      const h = P.ReplyHeaderCodec.read(r);
      if (h.xid === P.Xid.notification) {
        const ev = P.WatcherEventCodec.read(r);
        op = 'notification';
        note = `watch event ${P.eventTypeName(ev.type)} for ${ev.path} (another session's write)`;
      } else {
        const req = requests.get(h.xid);
        if (!req) throw new Error(`reply xid ${h.xid} answers no request`);
        op = req.op;
        note = `reply to: ${req.note}${h.err ? ` -> ${P.errorName(h.err)}` : ''}`;
      }
    }
    if (op === 'ping' && pings++ >= 2) continue;
    kept.push({ dir: f.dir, hex: f.bytes.toString('hex'), op, note: `${client}: ${note}` });
  }
  if (steps && stepIndex !== steps.length) throw new Error(`only ${stepIndex} of ${steps.length} steps were seen on the wire`);
  return kept;
}
