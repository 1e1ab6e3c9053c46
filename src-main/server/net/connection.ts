// One client connection (ZooKeeper's NIOServerCnxn): the first 4 bytes choose between a four-letter
// word and the session protocol; then ConnectRequest, then framed requests handed to the core.
// Replies queued in one tick leave in one socket write; reading stops while the client does not
// take its replies, while the server is throttled, and while the handshake is with the core.

import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { X509Certificate } from 'node:crypto';
import {
  ConnectRequestCodec, ConnectResponseCodec, ErrorCode, FrameDecoder, FrameTooLargeError, JuteReader, JuteWriter,
  OpCode, ReplyHeaderCodec, WatcherEventCodec, Xid, opName,
  type ConnectRequest, type ConnectResponse, type ReplyHeader, type WatcherEvent,
} from '../../protocol';
import type { NetConfig } from './config';
import { answersAsCommand, fourLetterWordAt, notWhitelistedText } from './four-letter';
import { errorText, isServerOp, requestBeforeHandshake, sentNoReadOnlyFlag, settle } from './ops';
import { SocketWriter } from './socket-writer';
import {
  ConnectionStats, connectionInfo, dumpConnectionInfo, elapsedMs, javaLongHex, javaSocketAddress, plainAddress, type ServerStats,
} from './stats';
import type { ClientConnection, LogLevel, NetLog, PeerAddress, ServerCore } from './types';

/** What a connection needs from its port (ClientPortServer). */
export interface ConnectionHost {
  readonly core: ServerCore;
  readonly config: NetConfig;
  readonly stats: ServerStats;
  readonly fourLetterWhitelist: ReadonlySet<string>;
  readonly log: NetLog;
  /** A request with xid > 0 arrived: count it, maybe throttle. */
  requestReceived(cnxn: Connection): void;
  /** A reply with xid > 0 was queued: uncount it, maybe stop throttling. */
  replySent(cnxn: Connection): void;
  sessionEstablished(cnxn: Connection): void;
  /** The connection began closing: forget it (its outstanding requests included). */
  connectionClosing(cnxn: Connection): void;
}

type Phase = 'probe' | 'fourLetter' | 'handshake' | 'connecting' | 'session' | 'closing' | 'closed';

// ZooKeeper's 4lw writer hands the socket one packet per 8 KiB (BufferedWriter) of output.
const FOUR_LETTER_PACKET = 8192;

let nextId = 1;

export class Connection implements ClientConnection {
  readonly id = nextId++;
  readonly remote: PeerAddress;
  readonly established = Date.now();
  readonly stats = new ConnectionStats();
  sessionId = 0n;
  sessionTimeout: number;
  /** elapsedMs() of the last read or write, for the idle expiry. */
  lastActivity = elapsedMs();
  /** Requests received (xid > 0) and not yet answered: cons's "queued". */
  outstanding = 0;
  readonly writer: SocketWriter;

  private phase: Phase = 'probe';
  private head: Buffer | null = null;
  private stmkArg: Buffer | null = null;
  private readonly decoder: FrameDecoder;
  private readonly frames: Buffer[] = [];
  private frameHead = 0;
  private throttled = false;
  private closeSessionXid: number | null = null;
  private coreKnows = false;

  constructor(private readonly socket: Socket, readonly secure: boolean, private readonly host: ConnectionHost) {
    this.remote = { address: plainAddress(socket.remoteAddress ?? ''), port: socket.remotePort ?? 0 };
    this.sessionTimeout = host.config.sessionlessCnxnTimeoutMs;
    this.decoder = new FrameDecoder(host.config.juteMaxBuffer);
    this.writer = new SocketWriter(socket, host.config.maxUnsentBytes, {
      packetsWritten: (n) => {
        this.stats.packetsSent += n;
        host.stats.packetsSent += n;
        this.lastActivity = elapsedMs();
      },
      backpressure: (congested) => {
        if (congested) this.updateReading();
        else this.drain();
      },
      overflow: (unsent, limit) => this.destroy(`${unsent} bytes of replies wait for a client that does not read them (limit ${limit})`, 'warn'),
    });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('error', (e) => this.onError(e));
    socket.on('close', () => this.onClose());
  }

  get closed(): boolean {
    return this.phase === 'closing' || this.phase === 'closed';
  }

  /** The peer as ZooKeeper logs it: /127.0.0.1:5000. */
  get peer(): string {
    return javaSocketAddress(this.remote.address, this.remote.port);
  }

  // --- reading ----------------------------------------------------------------------------------

  private onData(chunk: Buffer): void {
    this.lastActivity = elapsedMs();
    if (this.phase === 'probe') this.onFirstBytes(chunk);
    else if (this.phase === 'fourLetter') this.onFourLetterArgument(chunk);
    else if (this.phase === 'handshake' || this.phase === 'connecting' || this.phase === 'session') this.onFrames(chunk);
  }

  private onFirstBytes(chunk: Buffer): void {
    const head = this.head ? Buffer.concat([this.head, chunk]) : chunk;
    if (head.length < 4) {
      this.head = head;
      return;
    }
    this.head = null;
    const word = fourLetterWordAt(head);
    if (word !== null && answersAsCommand(word, this.host.fourLetterWhitelist)) {
      this.startFourLetterWord(word, head.subarray(4));
      return;
    }
    this.phase = 'handshake';
    this.onFrames(head);
  }

  private onFrames(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch (e) {
      if (!(e instanceof FrameTooLargeError)) throw e;
      this.close(`Len error. A message from ${this.peer} with advertised length of ${e.length} is either a malformed message ` +
        `or too large to process (length is greater than jute.maxbuffer=${e.max})`, 'warn');
      return;
    }
    for (const f of frames) this.frames.push(f);
    this.drain();
  }

  private canDispatch(): boolean {
    return (this.phase === 'handshake' || this.phase === 'session') && !this.throttled && !this.writer.congested;
  }

  /** Hand queued frames over while the connection may; then read more only if it may. */
  private drain(): void {
    while (this.frameHead < this.frames.length && this.canDispatch()) {
      const frame = this.frames[this.frameHead++];
      if (this.phase === 'handshake') this.handleConnectRequest(frame);
      else this.handleRequest(frame);
    }
    if (this.frameHead === this.frames.length) {
      this.frames.length = 0;
      this.frameHead = 0;
    }
    this.updateReading();
  }

  private wantsToRead(): boolean {
    const phaseReads = this.phase === 'probe' || this.phase === 'handshake' || this.phase === 'session' ||
      (this.phase === 'fourLetter' && this.stmkArg !== null);
    return phaseReads && !this.throttled && !this.writer.congested;
  }

  private updateReading(): void {
    if (this.socket.destroyed) return;
    const want = this.wantsToRead();
    if (want && this.socket.isPaused()) this.socket.resume();
    else if (!want && !this.socket.isPaused()) this.socket.pause();
  }

  setThrottled(on: boolean): void {
    this.throttled = on;
    // Unthrottling happens inside a reply; dispatching there would re-enter the core mid-answer.
    if (on) this.updateReading();
    else setImmediate(() => this.drain());
  }

  private packetReceived(bytes: number): void {
    this.stats.packetsReceived++;
    this.host.stats.packetsReceived++;
    this.host.stats.bytesReceived += bytes;
  }

  // --- four-letter words ------------------------------------------------------------------------

  private startFourLetterWord(word: string, rest: Buffer): void {
    this.phase = 'fourLetter';
    this.packetReceived(4);
    if (!this.host.fourLetterWhitelist.has(word)) {
      this.host.log('debug', `Command ${word} from ${this.peer} is not executed because it is not in the whitelist.`);
      this.answerFourLetterWord(word, notWhitelistedText(word));
      return;
    }
    this.host.log('info', `Processing ${word} command from ${this.peer}`);
    if (word === 'stmk') {
      // stmk carries an 8-byte trace mask after the word.
      this.stmkArg = rest;
      this.onFourLetterArgument(Buffer.alloc(0));
      return;
    }
    this.updateReading();
    this.runFourLetterWord(word);
  }

  private onFourLetterArgument(chunk: Buffer): void {
    if (this.stmkArg === null) return;
    const arg = Buffer.concat([this.stmkArg, chunk]);
    if (arg.length < 8) {
      this.stmkArg = arg;
      return;
    }
    this.stmkArg = null;
    this.updateReading();
    this.runFourLetterWord('stmk', arg.readBigInt64BE(0));
  }

  private runFourLetterWord(word: string, traceMask?: bigint): void {
    settle(() => this.host.core.fourLetterWord(word, this, traceMask),
      (text) => this.answerFourLetterWord(word, text),
      (e) => this.close(`${word} failed: ${errorText(e)}`, 'error'));
  }

  private answerFourLetterWord(word: string, text: string): void {
    if (this.closed) return;
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length > 0) this.writer.enqueue(bytes, Math.ceil(bytes.length / FOUR_LETTER_PACKET));
    this.close(`answered ${word}`, 'debug');
  }

  // --- handshake and requests -------------------------------------------------------------------

  private handleConnectRequest(frame: Buffer): void {
    this.packetReceived(frame.length + 4);
    const early = requestBeforeHandshake(frame);
    if (early) {
      this.close(early, 'warn');
      return;
    }
    let req: ConnectRequest;
    try {
      req = ConnectRequestCodec.read(new JuteReader(frame));
    } catch (e) {
      this.close(`malformed ConnectRequest (${errorText(e)})`, 'warn');
      return;
    }
    // A client older than 3.4 sends no readOnly flag and must get a response without one.
    const oldClient = sentNoReadOnlyFlag(frame, req.passwd.length);
    if (oldClient) this.host.log('info', `Connection request from old client ${this.peer}; will be dropped if server is in r-o mode`);
    this.phase = 'connecting';
    this.coreKnows = true;
    this.updateReading();
    settle(() => this.host.core.connect(this, req),
      (resp) => this.finishConnect(resp, oldClient, req.sessionId),
      (e) => this.close(`session request refused: ${errorText(e)}`, 'info'));
  }

  private finishConnect(resp: ConnectResponse, oldClient: boolean, requestedSession: bigint): void {
    if (this.phase !== 'connecting') return;
    let frame = JuteWriter.frame((w) => ConnectResponseCodec.write(w, resp));
    if (oldClient) {
      frame = frame.subarray(0, frame.length - 1);
      frame.writeInt32BE(frame.length - 4, 0);
    }
    this.writer.enqueue(frame, 1);
    if (resp.timeOut <= 0) {
      this.close(`no session for the client (it asked for 0x${javaLongHex(requestedSession)}): closing after the connect response`, 'info');
      return;
    }
    this.sessionId = resp.sessionId;
    this.sessionTimeout = resp.timeOut;
    this.phase = 'session';
    this.host.sessionEstablished(this);
    this.drain();
  }

  private handleRequest(frame: Buffer): void {
    const receivedAt = elapsedMs();
    this.packetReceived(frame.length + 4);
    if (frame.length < 8) {
      this.close(`malformed request header (${frame.length} bytes)`, 'warn');
      return;
    }
    const xid = frame.readInt32BE(0);
    const type = frame.readInt32BE(4);
    if (xid > 0) this.host.requestReceived(this);
    if (!isServerOp(type)) {
      this.sendReply({ xid, zxid: -1n, err: ErrorCode.UNIMPLEMENTED });
      this.close(`Received packet at server of unknown type ${type} (answered UNIMPLEMENTED)`, 'warn');
      return;
    }
    if (type === OpCode.closeSession) this.closeSessionXid = xid;
    try {
      this.host.core.request(this, { xid, type }, new JuteReader(frame, 8), receivedAt);
    } catch (e) {
      this.close(`the server failed on ${opName(type)} (xid ${xid}): ${errorText(e)}`, 'error');
    }
  }

  requestCompleted(op: string, cxid: number, zxid: bigint, receivedAt: number): void {
    const end = elapsedMs();
    this.stats.update(cxid, zxid, op, receivedAt, end);
    if (end >= receivedAt) this.host.stats.latency.add(end - receivedAt);
  }

  // --- writing ----------------------------------------------------------------------------------

  sendReply(header: ReplyHeader, writeBody?: (w: JuteWriter) => void): void {
    if (!this.writer.open) return;
    const frame = JuteWriter.frame((w) => {
      ReplyHeaderCodec.write(w, header);
      writeBody?.(w);
    });
    this.queueReply(frame, header.xid);
  }

  sendNotification(event: WatcherEvent): void {
    this.sendReply({ xid: Xid.notification, zxid: -1n, err: 0 }, (w) => WatcherEventCodec.write(w, event));
  }

  sendFrame(frame: Buffer): void {
    if (!this.writer.open) return;
    this.queueReply(frame, frame.length >= 8 ? frame.readInt32BE(4) : 0);
  }

  private queueReply(frame: Buffer, xid: number): void {
    if (xid > 0 && this.outstanding > 0) this.host.replySent(this);
    // ZooKeeper records response sizes for what its final request processor answers: not watch events, not auth.
    if (xid !== Xid.notification && xid !== Xid.auth) this.host.stats.clientResponse.set(frame.length - 4);
    this.writer.enqueue(frame, 1);
    if (xid === this.closeSessionXid) this.close('closeSession answered', 'debug');
  }

  // --- closing ----------------------------------------------------------------------------------

  /** Send what is queued, then close. */
  close(reason: string, level: LogLevel = 'info'): void {
    if (this.closed) return;
    this.host.log(level, `Closing connection from ${this.peer}${this.sessionText()}: ${reason}`);
    this.beginClose(reason);
    this.writer.endWhenFlushed();
  }

  /** Close now, dropping what is queued. */
  destroy(reason: string, level: LogLevel): void {
    if (!this.closed) {
      this.host.log(level, `Closing connection from ${this.peer}${this.sessionText()}: ${reason}`);
      this.beginClose(reason);
    }
    this.writer.discard();
    this.socket.destroy();
  }

  private beginClose(reason: string): void {
    this.phase = 'closing';
    this.updateReading();
    this.host.connectionClosing(this);
    if (this.coreKnows) {
      this.coreKnows = false;
      try {
        this.host.core.disconnected(this, reason);
      } catch (e) {
        this.host.log('error', `the server failed to forget connection ${this.peer}: ${errorText(e)}`);
      }
    }
  }

  /** Closes the connection when it was silent too long: the session timeout once it has a session. */
  expireIfIdle(now: number): void {
    if (this.closed) return;
    const limit = this.sessionId !== 0n ? this.sessionTimeout : this.host.config.sessionlessCnxnTimeoutMs;
    if (now - this.lastActivity <= limit) return;
    this.host.stats.sessionlessConnectionsExpired++;
    this.destroy(`no traffic for ${now - this.lastActivity} ms (limit ${limit} ms): connection expired`, 'info');
  }

  private onEnd(): void {
    // netcat sends a word and half-closes at once: the answer must still go out.
    if (this.phase === 'fourLetter') return;
    if (this.closed) return;
    this.host.stats.connectionDropCount++;
    this.close('the client closed the connection', this.phase === 'session' ? 'info' : 'debug');
  }

  private onError(e: Error): void {
    const code = (e as NodeJS.ErrnoException).code;
    const routine = code === 'ECONNRESET' || code === 'EPIPE';
    this.destroy(`socket error: ${e.message}`, routine ? 'info' : 'warn');
  }

  private onClose(): void {
    this.writer.closed();
    if (!this.closed) {
      this.host.log('debug', `Connection from ${this.peer}${this.sessionText()} closed`);
      this.beginClose('the socket closed');
    }
    this.phase = 'closed';
  }

  private sessionText(): string {
    return this.sessionId === 0n ? '' : ` (session 0x${javaLongHex(this.sessionId)})`;
  }

  // --- what cons and the admin server show ------------------------------------------------------

  /** NIOServerCnxn.getInterestOps: 1 = reading, 4 = writes pending, 0 = neither (a 4lw probe, a closing connection). */
  get interestOps(): number {
    if (this.phase === 'fourLetter' || this.closed) return 0;
    return (this.wantsToRead() ? 1 : 0) | (this.writer.pending ? 4 : 0);
  }

  dumpConnectionInfo(brief: boolean): string {
    return dumpConnectionInfo(this, brief);
  }

  connectionInfo(brief: boolean): Record<string, unknown> {
    return connectionInfo(this, brief);
  }

  clientCertificate(): X509Certificate | null {
    return this.secure ? (this.socket as TLSSocket).getPeerX509Certificate() ?? null : null;
  }
}
