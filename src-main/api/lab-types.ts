// The cluster lab part of the renderer's API: local ensembles of ZooLab servers run by the host as
// child processes, faults injected on purpose, and what happens inside them (ZAB messages,
// election rounds, load latencies) streamed live and kept in history. JSON-safe like the rest of
// the API: zxids as 0x hex strings, times as µs (events) or ms (load) since the epoch.

export interface LabSpec {
  name: string;
  /** Participants: 1, 3, 5 or 7. */
  participants: number;
  /** Observers: 0 to 3. */
  observers: number;
  tickTime: number;
  initLimit: number;
  syncLimit: number;
}

export interface LabDefinition extends LabSpec {
  id: string;
  /** Where its servers' data, logs and event logs live. */
  dir: string;
  createdAt: number;
}

export type LabProcessState = 'running' | 'paused' | 'stopped' | 'crashed';
export type LabRole = 'leader' | 'follower' | 'observer' | 'looking' | 'down';

export interface LabServerView {
  id: number;
  peerType: 'participant' | 'observer';
  pid: number | null;
  process: LabProcessState;
  role: LabRole;
  clientPort: number;
  quorumPort: number;
  electionPort: number;
  epoch: number | null;
  lastZxid: string | null;
  /** Open client connections (from mntr), null when it does not answer. */
  connections: number | null;
  outstanding: number | null;
  /** The txn log's fsyncs since the server started (mntr's zk_cnt_fsynctime, zk_sum_fsynctime). */
  fsync: { count: number; sumMs: number } | null;
  /** For a crashed server: how it ended and what it logged last. */
  exit: { code: number | null; signal: string | null } | null;
  logTail: string[];
}

export type LinkDirection = 'both' | 'a->b' | 'b->a';

export interface LabLinkView {
  /** a < b */
  a: number;
  b: number;
  /** Whether a's messages reach b, and b's reach a. */
  aToB: 'open' | 'cut';
  bToA: 'open' | 'cut';
  delayMs: number;
}

export interface LabStatus {
  labId: string;
  running: boolean;
  connectString: string;
  servers: LabServerView[];
  links: LabLinkView[];
}

export type ServerFault = 'kill' | 'pause' | 'resume' | 'stop' | 'start' | 'restart' | 'wipe';
export type PartitionPreset = 'isolate-leader' | 'split-minority';

/** One line of a server's events.jsonl, as the server wrote it (see server/events.ts). */
export interface LabEvent {
  ts: number;
  node: number;
  type: string;
  [field: string]: unknown;
}

/** One start of a lab, until it stopped (null while it runs, or if ZooLab died meanwhile); µs. */
export interface LabRunRecord {
  id: number;
  startedAt: number;
  endedAt: number | null;
}

export interface LabFault {
  /** µs since the epoch, like event timestamps, so faults can be drawn on the same time axis. */
  ts: number;
  kind: ServerFault | 'cut' | 'heal' | 'delay' | PartitionPreset;
  /** "server 2" or "link 1-3". */
  target: string;
  detail: string;
}

export interface LoadSpec {
  /** Fractions of reads, writes (setData) and creates; they need not sum to 1 (they are weights). */
  mix: { read: number; write: number; create: number };
  /** Requests per second over all clients; 0 = as fast as they go. */
  rate: number;
  valueSize: number;
  clients: number;
}

export interface LoadSample {
  /** ms since the epoch when the request completed. */
  at: number;
  op: 'read' | 'write' | 'create';
  latencyMs: number;
  ok: boolean;
}

/** What a run's metrics charts are drawn from: every load request, and the servers' figures each second. */
export interface LabMetricsHistory {
  load: LoadSample[];
  figures: Array<{ at: number; servers: Array<Pick<LabServerView, 'id' | 'outstanding' | 'connections' | 'fsync'>> }>;
}

export interface LabApi {
  'lab.list': () => LabDefinition[];
  'lab.create': (spec: LabSpec) => LabDefinition;
  'lab.remove': (labId: string) => void;
  /** Starts every server (first start, or again after the app restarted: data kept). */
  'lab.start': (labId: string) => LabStatus;
  'lab.stop': (labId: string) => void;
  'lab.status': (labId: string) => LabStatus;
  'lab.serverFault': (labId: string, serverId: number, fault: ServerFault) => LabStatus;
  'lab.cutLink': (labId: string, a: number, b: number, direction: LinkDirection) => LabStatus;
  'lab.slowLink': (labId: string, a: number, b: number, delayMs: number) => LabStatus;
  /** One link open both ways again, without delay. */
  'lab.healLink': (labId: string, a: number, b: number) => LabStatus;
  'lab.healLinks': (labId: string) => LabStatus;
  'lab.partition': (labId: string, preset: PartitionPreset) => LabStatus;
  /** The lab's runs (one per start), newest first. */
  'lab.runs': (labId: string) => LabRunRecord[];
  /**
   * Events of the run asked for, else of the lab's current run or its last one when stopped, oldest
   * first; at most 50 000 (also the default limit).
   */
  'lab.events': (labId: string, query: { fromTs?: number; toTs?: number; types?: string[]; limit?: number; runId?: number }) => LabEvent[];
  /** Faults of the run asked for, else of the current or last run. */
  'lab.faults': (labId: string, runId?: number) => LabFault[];
  /** The load samples and server figures of a run (by default the current or last), from `fromMs` on. */
  'lab.metrics': (labId: string, query: { runId?: number; fromMs?: number }) => LabMetricsHistory;
  'lab.startLoad': (labId: string, spec: LoadSpec) => void;
  'lab.stopLoad': (labId: string) => void;
}

export interface LabEvents {
  'lab.status': LabStatus;
  /** New server events, batched (a few per second at most per lab). */
  'lab.events': {
    labId: string;
    events: LabEvent[];
    /** The oldest events of a burst left out of this push for its size (lab.events still has them). */
    dropped?: number;
  };
  'lab.fault': { labId: string; fault: LabFault };
  'lab.load': { labId: string; samples: LoadSample[] };
}
