// The contract between the client-facing network layer (this directory) and the rest of one
// server node (sessions, data tree, ZAB): the "core". The net layer owns sockets, framing, 4lw
// dispatch, the admin HTTP shell, throttling and connection/server counters; the core owns every
// decision about sessions and requests.

import type { X509Certificate } from 'node:crypto';
import type { ConnectRequest, ConnectResponse, JuteReader, JuteWriter, ReplyHeader, RequestHeader, WatcherEvent } from '../../protocol';
import type { ServerStats } from './stats';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
/** Where the net layer reports what happens; every close of a connection names the peer and the reason. */
export type NetLog = (level: LogLevel, message: string) => void;

export interface PeerAddress {
  /** IPv4 dotted or IPv6 text; IPv4-mapped IPv6 addresses are given as plain IPv4. */
  readonly address: string;
  readonly port: number;
}

/** One client connection, as the core sees it. */
export interface ClientConnection {
  /** Unique within this process, never reused. */
  readonly id: number;
  readonly remote: PeerAddress;
  /** True on the secure client port (TLS). */
  readonly secure: boolean;
  /** 0n until the handshake gives the connection a session (the connect response's sessionId). */
  readonly sessionId: bigint;
  /** The negotiated session timeout (ms) once a session is set; the connection closes after this long without traffic. */
  readonly sessionTimeout: number;
  /** True once the connection began closing: anything sent after that is dropped. */
  readonly closed: boolean;

  /** Queue a reply: header, then the body the callback writes. Replies queued in one tick go out in one socket write. */
  sendReply(header: ReplyHeader, writeBody?: (w: JuteWriter) => void): void;
  /** Queue a watch notification (xid -1, zxid -1, err 0, then the event), as ZooKeeper sends it. */
  sendNotification(event: WatcherEvent): void;
  /** Queue a complete frame (4-byte length prefix included), e.g. a reply serialized once and cached. */
  sendFrame(frame: Buffer): void;
  /**
   * Record a finished request for cons/srvr/mntr (ZooKeeper's updateStatsForResponse + updateLatency):
   * op is ZooKeeper's short name ("GETD", "PING", "SESS", ...), receivedAt the value request() was given.
   */
  requestCompleted(op: string, cxid: number, zxid: bigint, receivedAt: number): void;
  /** Send what is queued, then close; the reason is logged with the peer. */
  close(reason: string): void;

  /** One `cons` line without its newline, exactly as ServerCnxn.dumpConnectionInfo prints it. */
  dumpConnectionInfo(brief: boolean): string;
  /** The admin server's map for this connection (ServerCnxn.getConnectionInfo), in ZooKeeper's key order. */
  connectionInfo(brief: boolean): Record<string, unknown>;
  /** The client's certificate on the secure port when it sent one (for x509 authentication). */
  clientCertificate(): X509Certificate | null;
}

/** What the admin server needs back from a command; it adds "command" and "error" after data's fields. */
export interface AdminCommandResult {
  /** The command's primary name: an alias such as "cons" answers as "connections". */
  command: string;
  /** The command's own fields, in output order. Use javaDouble() for Java doubles and bigint for longs past 2^53. */
  data: Record<string, unknown>;
  /** ZooKeeper's error text, or null. */
  error: string | null;
}

/** The server node behind the net layer. */
export interface ServerCore {
  /**
   * The handshake: decide the session (new, resumed, or expired/invalid → timeOut 0). The net layer
   * sends the response (without the trailing readOnly byte when the client did not send one, as
   * ZooKeeper does) and, when timeOut is 0, closes after it. Throw (or reject) to refuse the client:
   * the connection closes without a response and the error's message is logged.
   * Requests that arrive meanwhile wait until this settles. When the response gives a session that
   * another connection holds, that older connection is closed (ZooKeeper's CLIENT_RECONNECT).
   */
  connect(cnxn: ClientConnection, req: ConnectRequest): Promise<ConnectResponse> | ConnectResponse;
  /**
   * One request after the handshake, pings (xid -2) and closeSession included; unknown op codes never
   * get here (the net layer answers UNIMPLEMENTED and closes, as ZooKeeper does). The core answers with
   * cnxn.sendReply/sendFrame and guarantees per-session reply order. After the reply to closeSession the
   * connection closes. body is positioned after the header; receivedAt is a monotonic ms timestamp.
   */
  request(cnxn: ClientConnection, header: RequestHeader, body: JuteReader, receivedAt: number): void;
  /**
   * Called once for every connection whose ConnectRequest reached connect(), when it begins closing
   * (for whatever reason: client gone, bad frame, idle, closeSession, replaced by a reconnect). It is
   * about the connection, not the session: the session lives on until the core expires or closes it.
   */
  disconnected(cnxn: ClientConnection, reason: string): void;
  /**
   * A whitelisted four-letter word; the text is written as is and the connection closed. cnxn is the
   * asking connection (it is listed among the connections, as ZooKeeper lists it in cons/stat).
   * traceMask is the 8-byte argument of stmk.
   */
  fourLetterWord(word: string, cnxn: ClientConnection, traceMask?: bigint): Promise<string> | string;
  /** An admin command by any of its names; null when the name is unknown. */
  admin(command: string, params: URLSearchParams): Promise<AdminCommandResult | null> | AdminCommandResult | null;
  /** The primary names of the admin commands, for the GET <commandURL> listing. */
  adminCommands(): readonly string[];
}

/** What the core can ask of the client ports (ClientPortServer implements it). */
export interface NetServer {
  /** Every open connection on both client ports, 4lw probes included (ZooKeeper counts them too). */
  connections(): ClientConnection[];
  connectionForSession(sessionId: bigint): ClientConnection | undefined;
  /** Close the connection of a session (expired, moved, closed elsewhere); false if none is here. */
  closeSession(sessionId: bigint, reason: string): boolean;
  /** Requests received (xid > 0) and not yet answered, over all connections. */
  readonly outstandingRequests: number;
  readonly numAliveConnections: number;
  /** Packets, latency and response-size counters; reset() is srst. */
  readonly stats: ServerStats;
  /** crst: reset every connection's counters. */
  resetConnectionStats(): void;
}
