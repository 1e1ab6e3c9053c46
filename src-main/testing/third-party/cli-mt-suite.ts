// cli_mt sessions whose printed replies are checked against what cli_mt prints on Apache ZooKeeper
// 3.8: return codes, data, stats, children, watch events, ephemerals gone with a closed session,
// and the server's answer to an unknown auth scheme.

import { uniqueRoot, type CheckResult } from './common';
import { runCliMt, type CliMtRun } from './cli-mt';

/** Returns what is wrong with an output, or null when it is right. */
type Expect = (output: string, run: CliMtRun) => string | null;

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const time = String.raw`time = -?\d+ msec`;
/** cli_mt's dumpStat: ctime_r dates end in a newline of their own; versions and zxids in hex. */
const stat = (version: string, owner: string) =>
  String.raw`\tctime = .+\n\tczxid=[0-9a-f]+\n\tmtime=.+\n\tmzxid=[0-9a-f]+\n\tversion=${version}\taversion=0\n\tephemeralOwner = ${owner}`;

const exact = (want: string): Expect => (out) => (out === want ? null : `expected ${JSON.stringify(want)}`);
const pattern = (re: string): Expect => (out) => (new RegExp(`^${re}$`).test(out) ? null : `expected to match /^${re}$/`);

/** The children an "ls"/"ls2" reply lists, in any order (servers may list them in any order). */
const listed = (p: string, children: string[], withStat = false): Expect => (out) => {
  const m = new RegExp(`^${time}\\n${esc(p)}: rc = 0\\n((?:\\t.*\\n)*)${time}${withStat ? `\\n${stat('0', '0')}` : ''}$`).exec(out);
  if (!m) return `expected an ls reply with rc = 0${withStat ? ' and a stat' : ''}`;
  const got = m[1].split('\n').filter(Boolean).map((l) => l.slice(1)).sort();
  return got.join() === [...children].sort().join() ? null : `children ${got.join(', ')}, expected ${children.join(', ')}`;
};

export interface CliMtSuiteOptions {
  /** Expect TTL nodes to work (the server runs with extendedTypesEnabled); otherwise expect ZUNIMPLEMENTED (-6). Default true. */
  ttl?: boolean;
  root?: string;
  timeoutMs?: number;
}

interface Step {
  cmd: string;
  expect: Expect;
}

/** Runs three cli_mt sessions against connect; one result per command, plus events and processes. */
export async function runCliMtSuite(connect: string, opts: CliMtSuiteOptions = {}): Promise<CheckResult[]> {
  const R = opts.root ?? uniqueRoot('climt');
  const ttl = opts.ttl ?? true;
  const E = esc(R);
  // cli_mt always creates with the data "new" and an open ACL; mode is the CreateMode number.
  const creating = (p: string, mode: number) => `Creating [${R}${p}] node (mode: ${mode})\n[${R}${p}]: rc = `;
  const created = (p: string, mode = 0, name = p) => exact(`${creating(p, mode)}0\n\tname = ${R}${name}`);
  const notCreated = (p: string, rc: number, mode = 0) => exact(`${creating(p, mode)}${rc}`);
  const got = (p: string, value: string, version: string) =>
    pattern(`${time}\\n${E}${esc(p)}: rc = 0\\n value_len = ${value.length}\\n${esc(value)}\\nStat:\\n${stat(version, '0')}`);
  const rc = (p: string, code: number) => exact(`${R}${p}: rc = ${code}`);
  const missing = (p: string) => exact(`Error -101 for ${R}${p}`);

  const main: Step[] = [
    { cmd: `create ${R}`, expect: created('') },
    { cmd: `create ${R}/a`, expect: created('/a') },
    { cmd: `create ${R}/a`, expect: notCreated('/a', -110) },
    { cmd: `create ${R}/missing/x`, expect: notCreated('/missing/x', -101) },
    // "get" and "ls" always leave a watch (watch=1), so the events below follow from them.
    { cmd: `get ${R}/a`, expect: got('/a', 'new', '0') },
    { cmd: `set ${R}/a hello world`, expect: pattern(`${E}\\/a: rc = 0 Stat:\\n${stat('1', '0')}`) },
    { cmd: `get ${R}/a`, expect: got('/a', 'hello world', '1') },
    { cmd: `set ${R}/missing x`, expect: exact(`${R}/missing: rc = -101 Stat:\nnull`) },
    { cmd: `get ${R}/missing`, expect: pattern(`${time}\\n${E}\\/missing: rc = -101\\n\\nStat:\\nnull`) },
    { cmd: `create +e ${R}/e`, expect: created('/e', 1) },
    // The sequence number is the parent's cversion: /a and /e so far.
    { cmd: `create +s ${R}/s`, expect: created('/s', 2, '/s0000000002') },
    { cmd: `create +es ${R}/es`, expect: created('/es', 3, '/es0000000003') },
    { cmd: `create2 ${R}/c2`, expect: pattern(`${esc(creating('/c2', 0))}0\\n\\tname = ${E}\\/c2\\n${stat('0', '0')}`) },
    {
      cmd: `create2 +e ${R}/c2e`,
      expect: (out, run) => pattern(`${esc(creating('/c2e', 1))}0\\n\\tname = ${E}\\/c2e\\n${stat('0', run.sessionId ?? 'no session')}`)(out, run),
    },
    { cmd: `ls ${R}`, expect: listed(R, ['a', 'e', 's0000000002', 'es0000000003', 'c2', 'c2e']) },
    { cmd: `ls2 ${R}`, expect: listed(R, ['a', 'e', 's0000000002', 'es0000000003', 'c2', 'c2e'], true) },
    { cmd: `ls ${R}/missing`, expect: pattern(`${time}\\n${E}\\/missing: rc = -101\\n${time}`) },
    // exists and wexists are synchronous in cli_mt and print only errors.
    { cmd: `exists ${R}/a`, expect: exact('') },
    { cmd: `exists ${R}/missing`, expect: missing('/missing') },
    { cmd: `wexists ${R}/later`, expect: missing('/later') },
    { cmd: `create ${R}/later`, expect: created('/later') },
    { cmd: `sync ${R}`, expect: exact(`[${R}]: rc = 0\n\tname = ${R}`) },
    { cmd: `delete ${R}`, expect: rc('', -111) },
    { cmd: `delete ${R}/a`, expect: rc('/a', 0) },
    { cmd: `delete ${R}/a`, expect: rc('/a', -101) },
    { cmd: `create +c ${R}/cont`, expect: created('/cont', 4) },
    { cmd: `create +t=60000 ${R}/ttl`, expect: ttl ? created('/ttl', 5) : notCreated('/ttl', -6, 5) },
    { cmd: 'config', expect: pattern(`${time}\\n\\/zookeeper\\/config: rc = 0\\n value_len = \\d+\\n[^]*`) },
    { cmd: 'addauth digest bob:pw', expect: exact('') },
    { cmd: `get ${R}/c2`, expect: got('/c2', 'new', '0') },
  ];
  // A new session: the first one's ephemerals are gone; clean up with plain deletes.
  const after: Step[] = [
    ...['/e', '/es0000000003', '/c2e'].map((p) => ({ cmd: `exists ${R}${p}`, expect: missing(p) })),
    ...['/s0000000002', '/c2', '/later', '/cont', ...(ttl ? ['/ttl'] : []), ''].map((p) => ({ cmd: `delete ${R}${p}`, expect: rc(p, 0) })),
    { cmd: `exists ${R}`, expect: exact(`Error -101 for ${R}`) },
  ];

  const timeoutMs = opts.timeoutMs;
  const results: CheckResult[] = [];
  const check = (steps: Step[], run: CliMtRun, session: string) => {
    steps.forEach((step, i) => {
      const output = run.outputs[i].output;
      const problem = output === null ? 'cli_mt never got to this command' : step.expect(output, run);
      results.push({ check: `cli_mt ${step.cmd.replaceAll(R, 'R')}`, ok: problem === null, detail: problem === null ? output : { problem, output } });
    });
    const ok = run.exitCode === 0 && !run.timedOut && run.sessionId !== null;
    results.push({ check: `cli_mt ${session} process`, ok, detail: { exitCode: run.exitCode, signal: run.signal, timedOut: run.timedOut, ms: run.ms, log: run.log } });
  };

  const first = await runCliMt(connect, main.map((s) => s.cmd), { timeoutMs });
  check(main, first, 'first session');
  const nodeEvents = first.events.filter((e) => e.type !== 'SESSION_EVENT').map((e) => `${e.type} ${e.path?.replaceAll(R, 'R')}`);
  // A create fires the node's own watches before its parent's child watches.
  const wantEvents = ['CHANGED_EVENT R/a', 'CREATED_EVENT R/later', 'CHILD_EVENT R', 'DELETED_EVENT R/a'];
  results.push({ check: 'cli_mt watch events', ok: nodeEvents.join() === wantEvents.join(), detail: nodeEvents });
  results.push({
    check: 'cli_mt session events',
    ok: first.events.filter((e) => e.type === 'SESSION_EVENT').map((e) => e.state).join() === 'CONNECTED_STATE',
    detail: first.events.filter((e) => e.type === 'SESSION_EVENT'),
  });

  const second = await runCliMt(connect, after.map((s) => s.cmd), { timeoutMs });
  check(after, second, 'second session');
  results.push({
    check: 'cli_mt new session after close',
    ok: second.sessionId !== null && second.sessionId !== first.sessionId,
    detail: { first: first.sessionId, second: second.sessionId },
  });

  // The server refuses an unknown scheme with AUTHFAILED and closes the connection (cli_mt then
  // crashes on its null handle, so only the event and the library's log line are checked).
  const refused = await runCliMt(connect, ['addauth nosuchscheme x'], { timeoutMs, settleMs: 1000 });
  const authFailed = refused.events.some((e) => e.state === 'AUTH_FAILED_STATE');
  results.push({
    check: 'cli_mt addauth with an unknown scheme',
    ok: authFailed && refused.log.some((l) => /Authentication scheme nosuchscheme failed/.test(l)) && !refused.timedOut,
    detail: { events: refused.events, log: refused.log, output: refused.outputs[0].output, signal: refused.signal },
  });
  return results;
}
