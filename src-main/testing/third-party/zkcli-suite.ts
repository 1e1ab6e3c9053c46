// A scripted zkCli session whose printed output is checked line by line against what zkCli prints
// on Apache ZooKeeper 3.8: data, stats, ACLs, error messages, watch events, a session closed and
// a new one opened.

import { digestId } from '../../protocol';
import { uniqueRoot, type CheckResult } from './common';
import { parseZkCliStat, runZkCliScript, statKeys, type ZkCliEvent } from './zkcli';

/** Returns what is wrong with an output, or null when it is right. */
type Expect = (output: string) => string | null;

const exact = (want: string): Expect => (out) => (out === want ? null : `expected ${JSON.stringify(want)}`);

const matches = (re: RegExp): Expect => (out) => (re.test(out) ? null : `expected to match ${re}`);

/** Lines before the stat block (data or a children list), then a stat with every key in order. */
function withStat(before: string | null, fields: Partial<Record<string, string | RegExp>>): Expect {
  return (out) => {
    const lines = out.split('\n');
    const head = lines.slice(0, lines.length - statKeys.length).join('\n');
    if (before !== null && head !== before) return `expected ${JSON.stringify(before)} before the stat`;
    const stat = parseZkCliStat(lines.slice(-statKeys.length).join('\n'));
    if (stat.map(([k]) => k).join() !== statKeys.join()) return `stat keys are not ${statKeys.join(', ')}`;
    for (const [k, want] of Object.entries(fields)) {
      const got = stat.find(([key]) => key === k)?.[1] ?? '';
      if (typeof want === 'string' ? got !== want : !want!.test(got)) return `${k} = ${got}, expected ${want}`;
    }
    return null;
  };
}

/** "[a, b]" with these items in any order (servers may list children in any order). */
const list = (items: string[]): Expect => (out) => {
  const m = /^\[(.*)\]$/.exec(out.split('\n')[0]);
  const got = m ? (m[1] === '' ? [] : m[1].split(', ')) : null;
  return got && got.sort().join() === [...items].sort().join() ? null : `expected the list [${items.join(', ')}]`;
};

const lines = (items: string[]): Expect => (out) =>
  (out.split('\n').sort().join() === [...items].sort().join() ? null : `expected the lines ${items.join(', ')}`);

interface Step {
  cmd: string;
  expect: Expect;
}

export interface ZkCliSuiteOptions {
  /** Expect TTL nodes to work (the server runs with extendedTypesEnabled); otherwise expect Unimplemented. Default true. */
  ttl?: boolean;
  root?: string;
  timeoutMs?: number;
}

/** Runs the scripted session against connect; one result per command, plus the watch events and the run. */
export async function runZkCliSuite(connect: string, opts: ZkCliSuiteOptions = {}): Promise<CheckResult[]> {
  const R = opts.root ?? uniqueRoot('zkcli');
  const ttl = opts.ttl ?? true;
  const bob = digestId('bob:pw');
  const noNode = (p: string) => exact(`Node does not exist: ${R}${p}`);
  const noAuth = (p: string) => exact(`Insufficient permission : ${R}${p}`);
  const badVersion = (p: string) => exact(`version No is not valid : ${R}${p}`);
  const created = (p: string) => exact(`Created ${R}${p}`);
  const none = exact('');
  const children = ['cont', 'eph', 'es-0000000003', 'seq-0000000002', ...(ttl ? ['ttl'] : [])];

  const steps: Step[] = [
    { cmd: `create ${R}`, expect: exact(`Created ${R}`) },
    { cmd: `create ${R}/p data1`, expect: created('/p') },
    { cmd: `create ${R}/p again`, expect: exact(`Node already exists: ${R}/p`) },
    { cmd: `create ${R}/missing/child x`, expect: noNode('/missing/child') },
    { cmd: `get ${R}/p`, expect: exact('data1') },
    { cmd: `get -s ${R}/p`, expect: withStat('data1', { dataVersion: '0', dataLength: '5', numChildren: '0', ephemeralOwner: '0x0' }) },
    { cmd: `set ${R}/p data2`, expect: none },
    { cmd: `set -v 0 ${R}/p data3`, expect: badVersion('/p') },
    { cmd: `set -s -v 1 ${R}/p data3`, expect: withStat('', { dataVersion: '2', dataLength: '5' }) },
    { cmd: `get ${R}/p`, expect: exact('data3') },
    { cmd: `get ${R}/missing`, expect: noNode('/missing') },
    { cmd: `stat ${R}/p`, expect: withStat('', { dataVersion: '2', cversion: '0', aclVersion: '0', pZxid: /^0x[0-9a-f]+$/ }) },
    { cmd: `stat ${R}/missing`, expect: noNode('/missing') },
    { cmd: `create -e ${R}/eph edata`, expect: created('/eph') },
    { cmd: `stat ${R}/eph`, expect: withStat('', { ephemeralOwner: /^0x[1-9a-f][0-9a-f]*$/ }) },
    // The sequence number is the parent's cversion: /p and /eph were created, the failed creates count for nothing.
    { cmd: `create -s ${R}/seq- s`, expect: created('/seq-0000000002') },
    { cmd: `create -s -e ${R}/es- x`, expect: created('/es-0000000003') },
    { cmd: `create -c ${R}/cont`, expect: created('/cont') },
    // Containers and TTL nodes report ephemeralOwner 0 although the server keeps a marker there.
    { cmd: `stat ${R}/cont`, expect: withStat('', { ephemeralOwner: '0x0', dataLength: '0' }) },
    ...(ttl
      ? [{ cmd: `create -t 60000 ${R}/ttl tdata`, expect: created('/ttl') },
        { cmd: `stat ${R}/ttl`, expect: withStat('', { ephemeralOwner: '0x0', dataLength: '5' }) }]
      : [{ cmd: `create -t 60000 ${R}/ttl tdata`, expect: exact(`KeeperErrorCode = Unimplemented for ${R}/ttl`) }]),
    { cmd: `ls ${R}`, expect: list(['p', ...children]) },
    { cmd: `ls -s ${R}`, expect: withStat(null, { numChildren: String(children.length + 1), cversion: String(children.length + 1) }) },
    { cmd: `ls ${R}/missing`, expect: noNode('/missing') },
    { cmd: `create ${R}/tree`, expect: created('/tree') },
    { cmd: `create ${R}/tree/a`, expect: created('/tree/a') },
    { cmd: `create ${R}/tree/a/b`, expect: created('/tree/a/b') },
    { cmd: `ls -R ${R}/tree`, expect: lines([`${R}/tree`, `${R}/tree/a`, `${R}/tree/a/b`]) },
    { cmd: `delete ${R}`, expect: exact(`Node not empty: ${R}`) },
    { cmd: `delete -v 7 ${R}/p`, expect: badVersion('/p') },
    { cmd: `delete -v 2 ${R}/p`, expect: none },
    { cmd: `delete ${R}/p`, expect: noNode('/p') },
    { cmd: `deleteall ${R}/tree`, expect: none },
    { cmd: `stat ${R}/tree`, expect: noNode('/tree') },
    { cmd: `sync ${R}`, expect: exact('Sync is OK') },
    { cmd: `getAcl ${R}`, expect: exact("'world,'anyone\n: cdrwa") },
    { cmd: `getAcl -s ${R}`, expect: withStat("'world,'anyone\n: cdrwa", { aclVersion: '0' }) },
    { cmd: `create ${R}/secret s3cret digest:${bob}:cdrwa`, expect: created('/secret') },
    { cmd: `get ${R}/secret`, expect: noAuth('/secret') },
    { cmd: `getAcl ${R}/secret`, expect: noAuth('/secret') },
    // A digest id without its hash is an invalid ACL; zkCli prints the error code, then its own line.
    { cmd: `create ${R}/bad x digest:bob:cdrwa`, expect: exact(`KeeperErrorCode = InvalidACL for ${R}/bad\nAcl is not valid : ${R}/bad`) },
    { cmd: `addauth digest bob:pw`, expect: none },
    { cmd: `get ${R}/secret`, expect: exact('s3cret') },
    { cmd: `getAcl ${R}/secret`, expect: exact(`'digest,'${bob}\n: cdrwa`) },
    { cmd: 'whoami', expect: matches(/^Auth scheme: User\n(.*\n)*digest: bob$/m) },
    { cmd: `create ${R}/mine m auth::cdrwa`, expect: created('/mine') },
    { cmd: `getAcl ${R}/mine`, expect: exact(`'digest,'${bob}\n: cdrwa`) },
    { cmd: `setAcl ${R}/secret world:anyone:r`, expect: none },
    { cmd: `getAcl -s ${R}/secret`, expect: withStat("'world,'anyone\n: r", { aclVersion: '1' }) },
    { cmd: `set ${R}/secret nope`, expect: noAuth('/secret') },
    { cmd: `setAcl -v 5 ${R}/cont world:anyone:cdrwa`, expect: badVersion('/cont') },
    { cmd: `getEphemerals ${R}`, expect: list([`${R}/eph`, `${R}/es-0000000003`]) },
    { cmd: `getAllChildrenNumber ${R}`, expect: exact(String(children.length + 2)) },
    // Watches: each is set by one command and fired by the next; the events are checked below.
    { cmd: `get -w ${R}/cont`, expect: exact('null') },
    { cmd: `set ${R}/cont x`, expect: none },
    { cmd: `ls -w ${R}`, expect: list([...children, 'secret', 'mine']) },
    { cmd: `create ${R}/later`, expect: created('/later') },
    { cmd: `stat -w ${R}/gone`, expect: noNode('/gone') },
    { cmd: `create ${R}/gone`, expect: created('/gone') },
    { cmd: `stat -w ${R}/gone`, expect: withStat('', { dataLength: '0' }) },
    { cmd: `delete ${R}/gone`, expect: none },
    // A closed session takes its ephemerals and its auth with it.
    { cmd: 'close', expect: none },
    // zkCli 3.8 prints "Not connected" for connect itself (it checks the old handle); no server is involved.
    { cmd: `connect ${connect}`, expect: matches(/^(Not connected)?$/) },
    { cmd: `stat ${R}/eph`, expect: noNode('/eph') },
    { cmd: `getEphemerals ${R}`, expect: exact('[]') },
    { cmd: `get ${R}/secret`, expect: exact('s3cret') },
    { cmd: `set ${R}/mine x`, expect: noAuth('/mine') },
    { cmd: `addauth digest bob:pw`, expect: none },
    { cmd: `deleteall ${R}`, expect: none },
    { cmd: `stat ${R}`, expect: exact(`Node does not exist: ${R}`) },
  ];

  const run = await runZkCliScript(connect, steps.map((s) => s.cmd), { timeoutMs: opts.timeoutMs });
  const short = (s: string) => s.replaceAll(R, 'R');
  const results: CheckResult[] = steps.map((step, i) => {
    const output = run.outputs[i].output;
    const problem = output === null ? 'zkCli never got to this command' : step.expect(output);
    return { check: `zkCli ${short(step.cmd)}`, ok: problem === null, detail: problem === null ? output : { problem, output } };
  });

  // Node events in the order the server sent them; session events (two sessions, two event threads) in any order.
  const fmt = (e: ZkCliEvent) => `${e.state} ${e.type} ${e.path === null ? '-' : short(e.path)}`;
  const nodeEvents = run.events.filter((e) => e.type !== 'None').map(fmt);
  const wantNodeEvents = ['NodeDataChanged R/cont', 'NodeChildrenChanged R', 'NodeCreated R/gone', 'NodeDeleted R/gone']
    .map((e) => `SyncConnected ${e}`);
  results.push({ check: 'zkCli watch events', ok: nodeEvents.join() === wantNodeEvents.join(), detail: nodeEvents });
  const sessionEvents = run.events.filter((e) => e.type === 'None').map((e) => e.state).sort();
  results.push({
    check: 'zkCli session events', ok: sessionEvents.join() === 'Closed,Closed,SyncConnected,SyncConnected', detail: sessionEvents,
  });
  results.push({
    check: 'zkCli process',
    ok: run.exitCode === 0 && !run.timedOut,
    detail: { exitCode: run.exitCode, timedOut: run.timedOut, ms: run.ms, ...(run.exitCode === 0 ? {} : { raw: run.raw.slice(-3000) }) },
  });
  return results;
}
