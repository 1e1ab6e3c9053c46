// The zkCli commands that talk to ZooKeeper, each as zkCli 3.8 parses, runs and prints it
// (org.apache.zookeeper.cli.*Command).

import type { Watcher, ZooKeeperClient } from '../client';
import { OPEN_ACL_UNSAFE } from '../client';
import { AddWatchMode, CreateMode, WatcherType } from '../protocol/constants';
import { ErrorCode, ZooKeeperError } from '../protocol/errors';
import { OpCode } from '../protocol/opcodes';
import type { MultiOp } from '../protocol/multi';
import { validatePath } from '../protocol/paths';
import { parseJavaInt, parseJavaLong, parseOptions, type OptionSpec, type ParsedArgs } from './args';
import { cliErrorMessage, formatAcl, formatStat, keeperMessage, parseAclString, pathProblem } from './format';
import { listSubTreeBFS, visitSubTreeDFS } from './tree-walk';

/** A command that did not succeed: its message is the last line printed; exitCode as zkCli's. */
export class ShellFailure extends Error {
  constructor(message: string, readonly errorName?: string, readonly exitCode = 1) {
    super(message);
    this.name = 'ShellFailure';
  }
}

/** What a command gets to work with. */
export interface CommandRun {
  zk: ZooKeeperClient;
  /** Raw words, the command name first (some commands reparse them). */
  words: string[];
  parsed: ParsedArgs;
  /** The session's one watcher, passed where zkCli would set a watch. */
  watcher: Watcher;
  timeZone?: string;
  print(line: string): void;
}

export interface ShellCommand {
  name: string;
  /** zkCli's option string: usage is `name options`. */
  options: string;
  spec: OptionSpec;
  /** zkCli parses no options for this command: every word is positional. */
  takesAnyWords?: boolean;
  run(c: CommandRun): Promise<void>;
}

export const usageOf = (cmd: ShellCommand): string => `${cmd.name} ${cmd.options}`;

const usageFailure = (cmd: ShellCommand) => new ShellFailure(usageOf(cmd));

function requireArgs(c: CommandRun, cmd: ShellCommand, n: number): void {
  if (c.parsed.args.length < n) throw usageFailure(cmd);
}

function versionOption(c: CommandRun): number {
  const v = c.parsed.options.get('v');
  if (v === undefined || v === true) return -1;
  const n = parseJavaInt(v);
  if (n === null) throw new ShellFailure('-v argument must be an int value');
  return n;
}

/**
 * zkCli 3.8 still accepts `ls path watch` (and get, stat): it warns, turns the third raw word
 * into -w and parses again.
 */
function retainWatchCompatibility(c: CommandRun, cmd: ShellCommand, usage: string): void {
  if (c.parsed.args.length <= 2) return;
  c.print(`'${cmd.name} path [watch]' has been deprecated. Please use '${usage}' instead.`);
  c.words[2] = '-w';
  c.parsed = parseOptions(c.words, cmd.spec);
}

const javaList = (items: string[]) => `[${items.join(', ')}]`;

const ls: ShellCommand = {
  name: 'ls', options: '[-s] [-w] [-R] path', spec: { flags: 'swR', valued: '' },
  async run(c) {
    retainWatchCompatibility(c, ls, 'ls [-w] path');
    requireArgs(c, ls, 2);
    const path = c.parsed.args[1];
    const watcher = c.parsed.options.has('w') ? c.watcher : undefined;
    if (c.parsed.options.has('R')) {
      await visitSubTreeDFS(c.zk, path, watcher, (p) => c.print(p));
      return;
    }
    const { children, stat } = await c.zk.getChildren(path, watcher);
    c.print(javaList([...children].sort()));
    if (c.parsed.options.has('s')) formatStat(stat, c.timeZone).forEach((l) => c.print(l));
  },
};

const get: ShellCommand = {
  name: 'get', options: '[-s] [-w] path', spec: { flags: 'sw', valued: '' },
  async run(c) {
    requireArgs(c, get, 2);
    retainWatchCompatibility(c, get, 'get [-s] [-w] path');
    const { data, stat } = await c.zk.getData(c.parsed.args[1], c.parsed.options.has('w') ? c.watcher : undefined);
    c.print(data === null ? 'null' : data.toString('utf8'));
    if (c.parsed.options.has('s')) formatStat(stat, c.timeZone).forEach((l) => c.print(l));
  },
};

const stat: ShellCommand = {
  name: 'stat', options: '[-w] path', spec: { flags: 'w', valued: '' },
  async run(c) {
    requireArgs(c, stat, 2);
    retainWatchCompatibility(c, stat, 'stat [-w] path');
    const path = c.parsed.args[1];
    const s = await c.zk.exists(path, c.parsed.options.has('w') ? c.watcher : undefined);
    if (!s) throw new ZooKeeperError(ErrorCode.NONODE, path);
    formatStat(s, c.timeZone).forEach((l) => c.print(l));
  },
};

const set: ShellCommand = {
  name: 'set', options: '[-s] [-v version] path data', spec: { flags: 's', valued: 'v' },
  async run(c) {
    requireArgs(c, set, 3);
    const [, path, data] = c.parsed.args;
    const s = await c.zk.setData(path, Buffer.from(data, 'utf8'), versionOption(c));
    if (c.parsed.options.has('s')) formatStat(s, c.timeZone).forEach((l) => c.print(l));
  },
};

// EphemeralType.TTL.maxValue(): a TTL lives in the low 40 bits of ephemeralOwner.
const MAX_TTL = 0xffffffffffn;

const create: ShellCommand = {
  name: 'create', options: '[-s] [-e] [-c] [-t ttl] path [data] [acl]', spec: { flags: 'sec', valued: 't' },
  async run(c) {
    requireArgs(c, create, 2);
    const o = c.parsed.options;
    const [hasE, hasS, hasC, hasT] = ['e', 's', 'c', 't'].map((k) => o.has(k));
    if (hasC && (hasE || hasS)) throw new ShellFailure('-c cannot be combined with -s or -e. Containers cannot be ephemeral or sequential.');
    const ttlText = o.get('t');
    const ttl = hasT ? parseJavaLong(typeof ttlText === 'string' ? ttlText : '') : 0n;
    if (ttl === null) throw new ShellFailure('-t argument must be a long value');
    if (hasT && hasE) throw new ShellFailure('TTLs cannot be used with Ephemeral znodes');
    if (hasT && hasC) throw new ShellFailure('TTLs cannot be used with Container znodes');
    const mode = hasE ? (hasS ? CreateMode.EPHEMERAL_SEQUENTIAL : CreateMode.EPHEMERAL)
      : hasS ? (hasT ? CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL : CreateMode.PERSISTENT_SEQUENTIAL)
        : hasC ? CreateMode.CONTAINER
          : hasT ? CreateMode.PERSISTENT_WITH_TTL : CreateMode.PERSISTENT;
    if (hasT && (ttl <= 0n || ttl > MAX_TTL)) throw new ShellFailure(`ttl must be positive and cannot be larger than: ${MAX_TTL}`);

    const [, path, data, aclText] = c.parsed.args;
    let acl = OPEN_ACL_UNSAFE;
    if (aclText !== undefined) {
      const parsed = parseAclString(aclText);
      parsed.warnings.forEach((w) => c.print(w));
      acl = parsed.acl;
    }
    // The Java client checks the path, then rejects an empty ACL list itself, with no path.
    const problem = pathProblem(path, hasS);
    if (problem) throw new ShellFailure(problem);
    if (acl.length === 0) {
      c.print(keeperMessage(ErrorCode.INVALIDACL));
      throw new ShellFailure(cliErrorMessage(ErrorCode.INVALIDACL), 'INVALIDACL');
    }
    try {
      const created = await c.zk.create(path, data === undefined ? null : Buffer.from(data, 'utf8'),
        { mode, acl, ttl: hasT ? Number(ttl) : undefined });
      c.print(`Created ${created.path}`);
    } catch (err) {
      if (err instanceof ZooKeeperError && err.code === ErrorCode.INVALIDACL) c.print(keeperMessage(err.code, err.path));
      if (err instanceof ZooKeeperError && err.code === ErrorCode.EPHEMERALONLOCALSESSION) {
        c.print('Unable to create ephemeral node on a local session');
      }
      throw err;
    }
  },
};

const del: ShellCommand = {
  name: 'delete', options: '[-v version] path', spec: { flags: '', valued: 'v' },
  async run(c) {
    requireArgs(c, del, 2);
    let version = versionOption(c);
    if (c.parsed.args.length > 2) {
      c.print(`'delete path [version]' has been deprecated. Please use 'delete [-v version] path' instead.`);
      // zkCli 3.8 warns and then ignores the version; honouring it is what the old form meant.
      if (!c.parsed.options.has('v')) {
        const n = parseJavaInt(c.parsed.args[2]);
        if (n === null) throw new ShellFailure('version must be an int value');
        version = n;
      }
    }
    await c.zk.delete(c.parsed.args[1], version);
  },
};

const deleteall: ShellCommand = {
  name: 'deleteall', options: 'path [-b batch size]', spec: { flags: '', valued: 'b' },
  async run(c) {
    requireArgs(c, deleteall, 2);
    const b = c.parsed.options.get('b');
    const batchSize = typeof b === 'string' ? parseJavaInt(b) : 1000;
    if (batchSize === null) throw new ShellFailure('-b argument must be an int value');
    const root = c.parsed.args[1];
    validatePath(root);
    const tree = await listSubTreeBFS(c.zk, root);
    // Leaves first, in multi batches, stopping at the first batch that fails (as ZKUtil does).
    let ops: MultiOp[] = [];
    for (let i = tree.length - 1; i >= 0; i--) {
      ops.push({ type: OpCode.delete, path: tree[i], version: -1 });
      if (ops.length === batchSize || i === 0) {
        try {
          await c.zk.multi(ops);
        } catch (err) {
          if (!(err instanceof ZooKeeperError)) throw err;
          throw new ShellFailure('Failed to delete some node(s) in the subtree!', err.codeName);
        }
        ops = [];
      }
    }
  },
};

const getAcl: ShellCommand = {
  name: 'getAcl', options: '[-s] path', spec: { flags: 's', valued: '' },
  async run(c) {
    requireArgs(c, getAcl, 2);
    const { acl, stat: s } = await c.zk.getACL(c.parsed.args[1]);
    for (const entry of acl) formatAcl(entry).forEach((l) => c.print(l));
    if (c.parsed.options.has('s')) formatStat(s, c.timeZone).forEach((l) => c.print(l));
  },
};

const setAcl: ShellCommand = {
  name: 'setAcl', options: '[-s] [-v version] [-R] path acl', spec: { flags: 'sR', valued: 'v' },
  async run(c) {
    requireArgs(c, setAcl, 3);
    const [, path, aclText] = c.parsed.args;
    const { acl, warnings } = parseAclString(aclText);
    warnings.forEach((w) => c.print(w));
    const version = versionOption(c);
    if (c.parsed.options.has('R')) {
      // Per-node failures are reported and the walk goes on, as zkCli does.
      await visitSubTreeDFS(c.zk, path, undefined, async (p) => {
        if (acl.length === 0) return c.print(keeperMessage(ErrorCode.INVALIDACL));
        try {
          await c.zk.setACL(p, acl, version);
        } catch (err) {
          if (!(err instanceof ZooKeeperError)) throw err;
          c.print(keeperMessage(err.code, err.path ?? p));
        }
      });
      return;
    }
    const problem = pathProblem(path);
    if (problem) throw new ShellFailure(problem);
    if (acl.length === 0) throw new ShellFailure(cliErrorMessage(ErrorCode.INVALIDACL), 'INVALIDACL');
    const s = await c.zk.setACL(path, acl, version);
    if (c.parsed.options.has('s')) formatStat(s, c.timeZone).forEach((l) => c.print(l));
  },
};

const addauth: ShellCommand = {
  name: 'addauth', options: 'scheme auth', spec: { flags: '', valued: '' },
  async run(c) {
    // zkCli sends an empty credential when auth is missing, which ends the session; refuse instead.
    requireArgs(c, addauth, 3);
    await c.zk.addAuth(c.parsed.args[1], Buffer.from(c.parsed.args[2], 'utf8'));
  },
};

const sync: ShellCommand = {
  name: 'sync', options: 'path', spec: { flags: '', valued: '' },
  async run(c) {
    requireArgs(c, sync, 2);
    try {
      await c.zk.sync(c.parsed.args[1]);
    } catch (err) {
      if (!(err instanceof ZooKeeperError)) throw err;
      throw new ShellFailure(`Sync has failed. rc=${err.code}`, err.codeName);
    }
    c.print('Sync is OK');
  },
};

const getEphemerals: ShellCommand = {
  name: 'getEphemerals', options: 'path', spec: { flags: '', valued: '' },
  async run(c) {
    const list = await c.zk.getEphemerals(c.parsed.args[1] ?? '/');
    c.print(javaList(list));
  },
};

const getAllChildrenNumber: ShellCommand = {
  name: 'getAllChildrenNumber', options: 'path', spec: { flags: '', valued: '' },
  async run(c) {
    requireArgs(c, getAllChildrenNumber, 2);
    c.print(String(await c.zk.getAllChildrenNumber(c.parsed.args[1])));
  },
};

const whoami: ShellCommand = {
  name: 'whoami', options: '', spec: { flags: '', valued: '' }, takesAnyWords: true,
  async run(c) {
    const infos = await c.zk.whoAmI();
    c.print('Auth scheme: User');
    for (const info of infos) c.print(`${info.authScheme}: ${info.user}`);
  },
};

const watchModes: Record<string, number> = { PERSISTENT: AddWatchMode.PERSISTENT, PERSISTENT_RECURSIVE: AddWatchMode.PERSISTENT_RECURSIVE };

const addWatch: ShellCommand = {
  name: 'addWatch',
  options: '[-m mode] path # optional mode is one of [PERSISTENT, PERSISTENT_RECURSIVE] - default is PERSISTENT_RECURSIVE',
  spec: { flags: '', valued: 'm' },
  async run(c) {
    if (c.parsed.args.length !== 2) throw usageFailure(addWatch);
    const m = c.parsed.options.get('m');
    const mode = typeof m === 'string' ? watchModes[m.toUpperCase()] : AddWatchMode.PERSISTENT_RECURSIVE;
    if (mode === undefined) throw usageFailure(addWatch);
    await c.zk.addWatch(c.parsed.args[1], c.watcher, mode);
  },
};

const removewatches: ShellCommand = {
  name: 'removewatches', options: 'path [-c|-d|-a] [-l]', spec: { flags: 'cdal', valued: '' },
  async run(c) {
    requireArgs(c, removewatches, 2);
    const o = c.parsed.options;
    const type = o.has('c') ? WatcherType.Children : o.has('d') ? WatcherType.Data : WatcherType.Any;
    // Only this shell's watches: the client may be shared with the app's other views.
    await c.zk.removeWatches(c.parsed.args[1], c.watcher, type, o.has('l'));
  },
};

/** The commands that need a live session, by name. */
export const zkCommands: ReadonlyMap<string, ShellCommand> = new Map(
  [ls, get, stat, set, create, del, deleteall, getAcl, setAcl, addauth, sync, getEphemerals, getAllChildrenNumber, whoami,
    addWatch, removewatches]
    .map((cmd) => [cmd.name, cmd]),
);
