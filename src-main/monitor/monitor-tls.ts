// An ensemble's TLS settings as the probes use them: the PEM files read once when polling starts,
// and each server reached at its secure client port.
import type { EnsembleTls } from '../api/monitor-types';
import { formatHost, parseConnectString, type HostAddress } from '../client/connect-string';
import { tlsFromFiles, type ClientTlsOptions } from '../client/tls-options';

export interface ProbeTls {
  options: ClientTlsOptions;
  /** Every server's secure client port; null when the addresses given are secure ports already. */
  securePort: number | null;
}

/** Reads the CA, certificate and key files; throws TlsError('setup') naming a file that cannot be used. */
export function probeTlsOf(settings: EnsembleTls | null | undefined): ProbeTls | null {
  if (!settings) return null;
  return {
    options: tlsFromFiles({ caFile: settings.caFile, certFile: settings.certFile, keyFile: settings.keyFile, verifyHostname: settings.verifyHostname }),
    securePort: settings.securePort,
  };
}

/** Where to connect for a server known as `host`: its secure client port when one is set. */
export function reachAt(host: HostAddress, tls: ProbeTls | null | undefined): HostAddress {
  return tls?.securePort ? { host: host.host, port: tls.securePort } : host;
}

/** A member's address (host:clientPort) as the address to connect to. */
export function reachAddress(address: string, tls: ProbeTls | null | undefined): string {
  return formatHost(reachAt(parseConnectString(address).hosts[0], tls));
}
