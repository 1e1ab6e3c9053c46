// Real Apache ZooKeeper 3.8 (Debian's jars) for tests: standalone servers and ensembles, each in
// its own temp directory with free ports, so suites can run side by side and compare ZooLab with
// the real thing.

import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface ApacheZooKeeperOptions {
  /** 4lw.commands.whitelist; srvr is always added because readiness is judged by it. Default '*'. */
  fourLetterWords?: string;
  /** Run the admin HTTP server (Jetty) on a free port. Default false. */
  adminServer?: boolean;
  /** The super user's digest, 'super:base64(sha1(super:password))', e.g. digestId('super:secret'). */
  superDigest?: string;
  /** JVM flags in place of the fast-start ones (benchmarks want a normally tuned JVM). */
  jvmFlags?: string[];
  /** zoo.cfg keys, applied last (they override the defaults here). */
  extraConfig?: Record<string, string>;
  /** Default 500 ms, so sessions and elections are quick; the minimum session timeout is 2 ticks. */
  tickTime?: number;
  /** How long to wait for the server(s) to serve. Default 45 s (JVMs start slowly on a busy machine). */
  startTimeoutMs?: number;
}

export interface ApacheZooKeeperServer {
  /** myid in an ensemble (1..n); 0 for a standalone server. */
  readonly id: number;
  readonly clientPort: number;
  readonly adminPort: number | undefined;
  readonly connectString: string;
  readonly dataDir: string;
  /** True from start until kill() or stop() (or the JVM dying on its own). */
  readonly running: boolean;
  /** SIGKILL: a crash. Data stays; start() brings the server back. */
  kill(): void;
  /** SIGTERM, then wait for the JVM to exit. Data stays. */
  stop(): Promise<void>;
  /** Restart a killed or stopped server with the same config and data; resolves when it serves. */
  start(): Promise<void>;
  /** What `srvr` reports: 'leader', 'follower', 'standalone', ... or null when not serving. */
  mode(): Promise<string | null>;
}

export interface ApacheZooKeeper extends Omit<ApacheZooKeeperServer, 'stop'> {
  /** Stop the server and delete its temp directory. */
  stop(): Promise<void>;
}

export interface ApacheEnsemble {
  readonly connectString: string;
  readonly servers: ApacheZooKeeperServer[];
  /** Stop every server and delete the ensemble's temp directory. */
  stop(): Promise<void>;
}

const javaDir = '/usr/share/java';
// zookeeper.jar's manifest names most of its dependencies (and Jetty for the admin server), but not
// netty-codec, netty-resolver, netty-transport-native-unix-common, a logging binding or the servlet API.
const jars = [
  'zookeeper.jar', 'zookeeper-jute.jar', 'netty-handler.jar', 'netty-common.jar', 'netty-buffer.jar',
  'netty-transport.jar', 'netty-codec.jar', 'netty-resolver.jar', 'netty-transport-native-epoll.jar',
  'netty-transport-native-unix-common.jar', 'slf4j-api.jar', 'slf4j-log4j12.jar', 'log4j-1.2.jar',
  'metrics-core.jar', 'snappy-java.jar', 'servlet-api.jar',
].map((j) => path.join(javaDir, j));

// C1 only, serial GC and no perf-data file: a JVM that starts fast and stays small.
const fastStartJvmFlags = ['-Xmx256m', '-Xms16m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xshare:auto', '-XX:-UsePerfData',
  '-Dzookeeper.jmx.log4j.disable=true'];

function onPath(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, cmd);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch { /* not in this directory */ }
  }
  return null;
}

let warnedMissing = false;

/**
 * True when java and ZooKeeper's jars are here. When they are missing: in CI (CI=true) it throws,
 * because no suite may be skipped there; elsewhere it warns once and returns false (describe.skipIf).
 */
export function requireApacheZooKeeper(): boolean {
  const missing = [...(onPath('java') ? [] : ['java']), ...jars.filter((j) => !existsSync(j))];
  if (missing.length === 0) return true;
  const msg = `Apache ZooKeeper is not available (missing ${missing.join(', ')}): install the Debian packages zookeeper and default-jre-headless`;
  if (process.env.CI === 'true') throw new Error(msg);
  if (!warnedMissing) console.warn(`skipping suites against real ZooKeeper: ${msg}`);
  warnedMissing = true;
  return false;
}

// Whatever a test leaves behind is killed and deleted when this process exits; setpriv's
// parent-death signal also kills the JVMs if this process is killed outright.
const liveChildren = new Set<ChildProcess>();
const tempDirs = new Set<string>();
let exitHookInstalled = false;
function trackForExit(dir: string): void {
  tempDirs.add(dir);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of liveChildren) c.kill('SIGKILL');
    for (const d of tempDirs) rmSync(d, { recursive: true, force: true, maxRetries: 3 });
  });
}
function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  tempDirs.delete(dir);
}

/** Ports the kernel picks as free: all bound at once so they differ, then released for the JVMs. */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise<net.Server>((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => resolve(s));
  })));
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

/** Send a four-letter word and return the whole answer ('' when the server closes without one). */
export function fourLetterWord(port: number, word: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    sock.setTimeout(timeoutMs, () => sock.destroy(new Error(`${word} on port ${port} timed out`)));
    sock.once('connect', () => sock.write(word));
    sock.on('data', (c) => chunks.push(c));
    sock.once('error', reject);
    sock.once('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    sock.once('connect', () => { sock.destroy(); resolve(true); });
    sock.once('error', () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

class StartError extends Error {
  constructor(message: string, readonly addressInUse: boolean) {
    super(message);
  }
}

interface ProcessSpec {
  id: number;
  dir: string;
  mainClass: string;
  clientPort: number;
  adminPort: number | undefined;
  readyModes: string[];
  superDigest?: string;
  jvmFlags?: string[];
  startTimeoutMs: number;
}

/** One ZooKeeper JVM: its config is written once; it can be killed, stopped and started again. */
class ZooKeeperProcess implements ApacheZooKeeperServer {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private starting: Promise<void> | null = null;

  constructor(private readonly spec: ProcessSpec) {}

  get id(): number { return this.spec.id; }
  get clientPort(): number { return this.spec.clientPort; }
  get adminPort(): number | undefined { return this.spec.adminPort; }
  get connectString(): string { return `127.0.0.1:${this.spec.clientPort}`; }
  get dataDir(): string { return path.join(this.spec.dir, 'data'); }
  get running(): boolean { return this.child !== null; }
  private get logFile(): string { return path.join(this.spec.dir, 'zookeeper.log'); }
  private get outFile(): string { return path.join(this.spec.dir, 'stdout.log'); }

  private spawnJvm(): void {
    const s = this.spec;
    const args = [...(s.jvmFlags ?? fastStartJvmFlags), '-Djava.net.preferIPv4Stack=true', `-Dlog4j.configuration=file:${path.join(s.dir, 'log4j.properties')}`];
    if (s.superDigest) args.push(`-Dzookeeper.DigestAuthenticationProvider.superDigest=${s.superDigest}`);
    args.push('-cp', jars.join(':'), s.mainClass, path.join(s.dir, 'zoo.cfg'));
    const setpriv = onPath('setpriv');
    const out = openSync(this.outFile, 'a');
    const child = setpriv
      ? spawn(setpriv, ['--pdeathsig', 'KILL', 'java', ...args], { stdio: ['ignore', out, out] })
      : spawn('java', args, { stdio: ['ignore', out, out] });
    closeSync(out);
    liveChildren.add(child);
    this.child = child;
    this.exited = new Promise((resolve) => {
      const done = () => {
        liveChildren.delete(child);
        if (this.child === child) this.child = null;
        resolve();
      };
      child.once('exit', done);
      child.once('error', done);
    });
  }

  async mode(): Promise<string | null> {
    try {
      return /^Mode: (\S+)/m.exec(await fourLetterWord(this.spec.clientPort, 'srvr', 1000))?.[1] ?? null;
    } catch {
      return null;
    }
  }

  /** Resolves when srvr reports one of the ready modes (and the admin port listens, if any). */
  private async waitReady(): Promise<void> {
    const deadline = Date.now() + this.spec.startTimeoutMs;
    while (Date.now() < deadline) {
      if (!this.child) throw this.startError('exited during start');
      const mode = await this.mode();
      if (mode && this.spec.readyModes.includes(mode)) {
        if (this.spec.adminPort === undefined || await canConnect(this.spec.adminPort)) return;
        // A failing admin server is only a warning to ZooKeeper; for a test that asked for one it is fatal.
        if (/AdminServer/.test(tail(this.logFile, 200))) {
          this.kill();
          throw this.startError('started without its admin server');
        }
      }
      await sleep(100);
    }
    this.kill();
    throw this.startError(`did not serve within ${this.spec.startTimeoutMs} ms`);
  }

  private startError(what: string): StartError {
    const log = `${tail(this.outFile, 10)}\n${tail(this.logFile, 30)}`.trim();
    return new StartError(`ZooKeeper server${this.id ? ` ${this.id}` : ''} (client port ${this.clientPort}) ${what}; last log lines (${this.spec.dir}):\n${log}`,
      /Address already in use|BindException/.test(log));
  }

  kill(): void {
    this.child?.kill('SIGKILL');
    this.child = null;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await this.exited;
      clearTimeout(timer);
    }
    this.child = null;
    await this.exited;
  }

  start(): Promise<void> {
    // Concurrent calls share one start rather than racing to spawn two JVMs on the same ports.
    this.starting ??= (async () => {
      // A killed JVM may still hold its ports until it is reaped.
      await this.exited;
      if (this.child) return;
      this.spawnJvm();
      await this.waitReady();
    })().finally(() => { this.starting = null; });
    return this.starting;
  }
}

function writeServerFiles(dir: string, cfg: Map<string, string>, myid?: number): void {
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  if (myid !== undefined) writeFileSync(path.join(dir, 'data', 'myid'), `${myid}\n`);
  writeFileSync(path.join(dir, 'zoo.cfg'), [...cfg].map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  writeFileSync(path.join(dir, 'log4j.properties'), [
    'log4j.rootLogger=WARN, FILE',
    'log4j.appender.FILE=org.apache.log4j.FileAppender',
    `log4j.appender.FILE.File=${path.join(dir, 'zookeeper.log')}`,
    'log4j.appender.FILE.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.FILE.layout.ConversionPattern=%d{ISO8601} %-5p [%t] %c{1}: %m%n',
    '',
  ].join('\n'));
}

function baseConfig(dir: string, clientPort: number, adminPort: number | undefined, opts: ApacheZooKeeperOptions): Map<string, string> {
  const words = opts.fourLetterWords ?? '*';
  const cfg = new Map<string, string>([
    ['tickTime', String(opts.tickTime ?? 500)],
    ['initLimit', '20'],
    ['syncLimit', '10'],
    // A short tick would cap sessions at 20 ticks; keep the stock server's 40 s maximum.
    ['maxSessionTimeout', '40000'],
    ['dataDir', path.join(dir, 'data')],
    ['clientPort', String(clientPort)],
    ['clientPortAddress', '127.0.0.1'],
    // Tests open many connections from one address; the stock limit is 60.
    ['maxClientCnxns', '0'],
    ['4lw.commands.whitelist', words === '*' || words.split(',').includes('srvr') ? words : `${words},srvr`],
    ['admin.enableServer', adminPort === undefined ? 'false' : 'true'],
    // Tests crash processes, not machines: skipping fsync keeps a shared disk calm.
    ['forceSync', 'no'],
    ['preAllocSize', '1024'],
  ]);
  if (adminPort !== undefined) {
    cfg.set('admin.serverAddress', '127.0.0.1');
    cfg.set('admin.serverPort', String(adminPort));
  }
  for (const [k, v] of Object.entries(opts.extraConfig ?? {})) cfg.set(k, v);
  return cfg;
}

// Ports come from binding port 0 and are released before the JVM binds them, so another process
// can occasionally take one in between: a start that fails that way is retried with fresh ports.
async function withPortRetry<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof StartError && e.addressInUse) || i >= 3) throw e;
    }
  }
}

/** One standalone server (ZooKeeperServerMain). */
export async function startZooKeeper(opts: ApacheZooKeeperOptions = {}): Promise<ApacheZooKeeper> {
  return withPortRetry(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'zoolab-zk-'));
    trackForExit(dir);
    const [clientPort, adminPort] = await freePorts(opts.adminServer ? 2 : 1);
    writeServerFiles(dir, baseConfig(dir, clientPort, adminPort, opts));
    const server = new ZooKeeperProcess({
      id: 0, dir, mainClass: 'org.apache.zookeeper.server.ZooKeeperServerMain', clientPort, adminPort,
      readyModes: ['standalone'], superDigest: opts.superDigest, jvmFlags: opts.jvmFlags, startTimeoutMs: opts.startTimeoutMs ?? 45_000,
    });
    try {
      await server.start();
    } catch (e) {
      await server.stop();
      removeTempDir(dir);
      throw e;
    }
    return {
      get id() { return server.id; },
      get clientPort() { return server.clientPort; },
      get adminPort() { return server.adminPort; },
      get connectString() { return server.connectString; },
      get dataDir() { return server.dataDir; },
      get running() { return server.running; },
      kill: () => server.kill(),
      start: () => server.start(),
      mode: () => server.mode(),
      async stop() {
        await server.stop();
        removeTempDir(dir);
      },
    };
  });
}

/** An ensemble of n servers (QuorumPeerMain) on 127.0.0.1; resolves when every one is leader or follower. */
export async function startEnsemble(n: number, opts: ApacheZooKeeperOptions = {}): Promise<ApacheEnsemble> {
  return withPortRetry(async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'zoolab-zk-ensemble-'));
    trackForExit(root);
    const perServer = opts.adminServer ? 4 : 3;
    const ports = await freePorts(n * perServer);
    const serverLines = Array.from({ length: n }, (_, i) =>
      [`server.${i + 1}`, `127.0.0.1:${ports[i * perServer + 1]}:${ports[i * perServer + 2]}`] as const);
    const servers = Array.from({ length: n }, (_, i) => {
      const id = i + 1;
      const dir = path.join(root, `server${id}`);
      const clientPort = ports[i * perServer];
      const adminPort = opts.adminServer ? ports[i * perServer + 3] : undefined;
      const cfg = baseConfig(dir, clientPort, adminPort, { ...opts, extraConfig: undefined });
      for (const [k, v] of serverLines) cfg.set(k, v);
      for (const [k, v] of Object.entries(opts.extraConfig ?? {})) cfg.set(k, v);
      writeServerFiles(dir, cfg, id);
      return new ZooKeeperProcess({
        id, dir, mainClass: 'org.apache.zookeeper.server.quorum.QuorumPeerMain', clientPort, adminPort,
        // QuorumPeerMain runs a one-server "ensemble" as standalone.
        readyModes: n === 1 ? ['standalone'] : ['leader', 'follower'],
        superDigest: opts.superDigest, jvmFlags: opts.jvmFlags, startTimeoutMs: opts.startTimeoutMs ?? 45_000,
      });
    });
    const stopAll = async () => {
      await Promise.all(servers.map((s) => s.stop()));
      removeTempDir(root);
    };
    try {
      await Promise.all(servers.map((s) => s.start()));
    } catch (e) {
      await stopAll();
      throw e;
    }
    return { connectString: servers.map((s) => s.connectString).join(','), servers, stop: stopAll };
  });
}
