// The relays of a relayed cluster: one LinkRelay per server dialling another server's quorum or
// election port, each forwarding to the real port, so the lab can cut and slow every link.

import { writeClusterFiles, listenPortOf, type ClusterDefinition } from './cluster-config';
import { ClusterError } from './cluster-error';
import { LinkRelays } from './link-relays';
import { holdPorts } from './ports';

/**
 * Starts every relay of the cluster in `dir`; the servers must be started after this. Each relay
 * listens on its recorded port; one that is taken meanwhile gets another port, recorded in `def`
 * (cluster.json and every zoo.cfg are rewritten when one moved): the servers started next dial it.
 */
export async function startClusterRelays(dir: string, def: ClusterDefinition): Promise<LinkRelays> {
  if (!def.relays) throw new ClusterError(`the cluster in ${dir} has no relays: it was made without relayed: true`, true);
  const relays = new LinkRelays();
  let moved = false;
  // The servers' own ports are held meanwhile, so no relay is given one of them.
  const release = await holdPorts(def.servers.flatMap((s) => [s.clientPort, s.quorumPort, s.electionPort]));
  try {
    for (const relay of def.relays) {
      const target = def.servers.find((s) => s.id === relay.to);
      if (!target) throw new ClusterError(`cluster.json in ${dir} has a relay to server ${relay.to}, which it does not list`);
      const targetPort = listenPortOf(target, relay.kind);
      const port = await relays.add(relay.from, relay.to, relay.kind, targetPort, relay.port).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EADDRINUSE') throw err;
        return relays.add(relay.from, relay.to, relay.kind, targetPort);
      });
      if (port !== relay.port) {
        relay.port = port;
        moved = true;
      }
    }
  } catch (err) {
    await relays.closeAll();
    throw err;
  } finally {
    await release();
  }
  if (moved) writeClusterFiles(dir, def);
  return relays;
}
