// The four-letter words' answers, as ZooKeeper 3.8's command classes print them
// (org.apache.zookeeper.server.command.*). The net layer has already checked the whitelist.

import { javaDoubleString } from '../net/admin-json';
import type { ClientConnection } from '../net/types';
import { sessionExpiryBuckets, ephemeralsBySession, globalSessions, watchesByConnection, watchesByPath } from './dumps';
import { environmentEntries, zooKeeperFullVersion } from './environment';
import { hex, javaDateString, javaLongHashOrder } from './java-format';
import { monitorValues } from './metrics';
import {
  bufferStatsText, clientPort, delimitedHost, isQuorumMode, logDir, NOT_SERVING, ownServerEntry, reportedServerId,
  resetServerStats, secureClientPort, snapDir,
} from './server-facts';
import { setTraceMask, traceMask } from './trace-mask';
import type { Monitored } from './types';

/** Words whose answer does not depend on the node serving (the rest answer NOT_SERVING). */
const ALWAYS_ANSWERED = new Set(['ruok', 'envi', 'isro', 'gtmk', 'stmk']);

/**
 * The text ZooKeeper 3.8 writes for a four-letter word. `asking` is the probing connection; stmk
 * passes its 8-byte argument as mask. Words not answered here (hash: ZooLab's tree keeps no
 * digest log) get the empty answer, which is also 3.8's hash answer before its first logged digest.
 */
export function fourLetterWord(server: Monitored, word: string, asking: ClientConnection, mask?: bigint): string {
  const answer = ANSWERS[word];
  if (!answer) return '';
  if (server.mode === null && !ALWAYS_ANSWERED.has(word)) return `${NOT_SERVING}\n`;
  return answer(server, asking, mask);
}

type Answer = (s: Monitored, asking: ClientConnection, mask?: bigint) => string;

const ANSWERS: Record<string, Answer> = {
  ruok: () => 'imok',
  srvr: (s) => stat(s, null),
  stat: (s, asking) => stat(s, asking),
  cons: (s, asking) => `${connections(s, asking).map((c) => `${c.dumpConnectionInfo(false)}\n`).join('')}\n`,
  crst: (s) => {
    s.net.resetConnectionStats();
    return 'Connection stats reset.\n';
  },
  srst: (s) => {
    resetServerStats(s);
    return 'Server stats reset.\n';
  },
  mntr: (s) => monitorValues(s).map(([k, v]) => `zk_${k}\t${typeof v === 'object' ? javaDoubleString(v.value) : v}\n`).join(''),
  conf,
  envi: () => `Environment:\n${environmentEntries().map(([k, v]) => `${k}=${v}\n`).join('')}`,
  isro: (s) => (s.mode === null ? 'null' : s.mode === 'read-only' ? 'ro' : 'rw'),
  dirs: (s) => `datadir_size: ${s.dataDirSize()}\nlogdir_size: ${s.logDirSize()}\n`,
  wchs: (s) => {
    const w = s.tree.dataWatches.summary();
    return `${w.numConnections} connections watching ${w.numPaths} paths\nTotal watches:${w.totalWatches}\n`;
  },
  wchc: (s) => `${watchesByConnection(s).map(([id, paths]) => `${hex(id)}\n${paths.map((p) => `\t${p}\n`).join('')}`).join('')}\n`,
  wchp: (s) => `${watchesByPath(s).map(([path, ids]) => `${path}\n${ids.map((id) => `\t${hex(id)}\n`).join('')}`).join('')}\n`,
  dump,
  gtmk: (s) => String(traceMask(s)),
  stmk: (s, _asking, mask) => {
    if (mask !== undefined) setTraceMask(s, BigInt.asIntN(64, mask));
    return String(traceMask(s));
  },
};

/** The client connections as the factory lists them; the asking one is always among them in ZooKeeper. */
function connections(s: Monitored, asking: ClientConnection): ClientConnection[] {
  const all = s.net.connections();
  return all.includes(asking) ? all : [...all, asking];
}

/** StatCommand: srvr, or stat with its "Clients:" section when asked by a connection. */
function stat(s: Monitored, asking: ClientConnection | null): string {
  let out = `Zookeeper version: ${zooKeeperFullVersion()}\n`;
  if (s.mode === 'read-only') out += 'READ-ONLY mode; serving only read-only clients\n';
  if (asking) out += `Clients:\n${connections(s, asking).map((c) => `${c.dumpConnectionInfo(true)}\n`).join('')}\n`;
  const st = s.net.stats;
  out += `Latency min/avg/max: ${st.latency.min}/${javaDoubleString(st.latency.avg)}/${st.latency.max}\n` +
    `Received: ${st.packetsReceived}\nSent: ${st.packetsSent}\nConnections: ${s.net.numAliveConnections}\n` +
    `Outstanding: ${s.net.outstandingRequests}\nZxid: ${hex(s.lastProcessedZxid)}\nMode: ${s.mode}\n` +
    `Node count: ${s.tree.nodeCount}\n`;
  if (s.mode === 'leader' && s.leader) out += `Proposal sizes last/min/max: ${bufferStatsText(s.leader.proposalSizes)}\n`;
  return out;
}

/** ZooKeeperServer.dumpConf, and QuorumZooKeeperServer's quorum part ending in the membership. */
function conf(s: Monitored): string {
  const c = s.config;
  let out = `clientPort=${clientPort(s)}\nsecureClientPort=${secureClientPort(s)}\n` +
    `dataDir=${snapDir(s)}\ndataDirSize=${s.dataDirSize()}\ndataLogDir=${logDir(s)}\ndataLogSize=${s.logDirSize()}\n` +
    `tickTime=${c.tickTime}\nmaxClientCnxns=${c.maxClientCnxns}\nminSessionTimeout=${c.minSessionTimeout}\n` +
    // ZooLab takes the OS's listen backlog, which ZooKeeper reports as -1.
    `maxSessionTimeout=${c.maxSessionTimeout}\nclientPortListenBacklog=-1\nserverId=${reportedServerId(s)}\n`;
  if (!isQuorumMode(s.mode)) return out;
  const self = ownServerEntry(s);
  out += `initLimit=${c.initLimit}\nsyncLimit=${c.syncLimit}\nelectionAlg=3\n` +
    `electionPort=${self?.electionPort ?? ''}\nquorumPort=${self?.quorumPort ?? ''}\n` +
    `peerType=${self?.role === 'observer' ? 1 : 0}\nmembership: \n`;
  // QuorumMaj.toString: the members in HashMap<Long> order, then the version without a newline.
  for (const e of javaLongHashOrder(c.servers, (e) => BigInt(e.id))) {
    const client = e.clientPort === null ? '' : `;${delimitedHost(e.clientHost ?? '0.0.0.0')}:${e.clientPort}`;
    out += `server.${e.id}=${delimitedHost(e.host)}:${e.quorumPort}:${e.electionPort}:${e.role}${client}\n`;
  }
  const version = s.configVersion ?? (c.reconfigEnabled ? undefined : 0n);
  if (version !== undefined) out += `version=${hex(version).slice(2)}`;
  return out;
}

/** DumpCommand. The "Connections dump:" section stays empty, as on a Netty server: ZooLab keeps no connection expiry queue. */
function dump(s: Monitored): string {
  let out = 'SessionTracker dump:\n';
  if (s.mode === 'follower' || s.mode === 'observer') {
    const sessions = globalSessions(s);
    out += `Global Sessions(${sessions.length}):\n${sessions.map(([id, to]) => `${hex(id)}\t${to}ms\n`).join('')}`;
  } else {
    const buckets = sessionExpiryBuckets(s);
    // Time.elapsedTimeToDate: the tracker's monotonic deadline as a wall-clock date.
    const wallOffset = Date.now() - (s.monotonicNow ? s.monotonicNow() : performance.now());
    out += `Session Sets (${buckets.length})/(${s.sessions.sessionCount}):\n`;
    for (const b of buckets) {
      out += `${b.sessionIds.length} expire at ${javaDateString(wallOffset + b.expiresAt)}:\n`;
      out += b.sessionIds.map((id) => `\t${hex(id)}\n`).join('');
    }
  }
  const ephemerals = ephemeralsBySession(s);
  out += `ephemeral nodes dump:\nSessions with Ephemerals (${ephemerals.length}):\n`;
  for (const [id, paths] of ephemerals) out += `${hex(id)}:\n${paths.map((p) => `\t${p}\n`).join('')}`;
  return `${out}Connections dump:\n`;
}
