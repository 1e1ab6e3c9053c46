// One TCP (or TLS) connection to one server: framing, the ConnectRequest handshake, write batching.
// The session logic above it decides what to send and what a reply means.

import net from 'node:net';
import tls from 'node:tls';
import { EventEmitter } from 'node:events';
import { FrameDecoder } from '../protocol/frame';
import { JuteReader, JuteWriter } from '../protocol/jute';
import { ConnectRequestCodec, ConnectResponseCodec, type ConnectRequest, type ConnectResponse } from '../protocol/records';
import type { HostAddress } from './connect-string';
import { TlsError, tlsConnectOptions, tlsFailure, type ClientTlsOptions } from './tls-options';

export interface ConnectionEvents {
  frame: [Buffer];
  close: [Error | null];
}

export class Connection extends EventEmitter<ConnectionEvents> {
  private decoder: FrameDecoder;
  private handshakeDone = false;
  private closed = false;
  private queued: Buffer[] = [];
  private flushScheduled = false;
  /** The TLS handshake has completed (always true for a plain socket once connected). */
  private secured = false;
  lastSendAt = Date.now();
  lastReceiveAt = Date.now();

  private constructor(
    private readonly socket: net.Socket,
    maxPacket: number,
    private readonly tlsOptions: ClientTlsOptions | undefined,
  ) {
    super();
    this.decoder = new FrameDecoder(maxPacket);
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (err) => this.shutdown(tlsOptions ? tlsFailure(err, tlsOptions, this.secured) ?? err : err));
    socket.on('close', () => this.shutdown(this.closedByServer()));
  }

  /** Opens a socket and performs the session handshake; resolves with the server's answer. */
  static open(
    addr: HostAddress,
    request: ConnectRequest,
    opts: { timeoutMs: number; maxPacket: number; tls?: ClientTlsOptions },
  ): Promise<{ connection: Connection; response: ConnectResponse }> {
    return new Promise((resolve, reject) => {
      const socket = opts.tls ? tls.connect(tlsConnectOptions(addr.host, addr.port, opts.tls)) : net.connect({ host: addr.host, port: addr.port });
      const conn = new Connection(socket, opts.maxPacket, opts.tls);
      const timer = setTimeout(() => {
        conn.shutdown(new Error(`no answer from ${addr.host}:${addr.port} within ${opts.timeoutMs} ms`));
      }, opts.timeoutMs);
      const onClose = (err: Error | null) => {
        clearTimeout(timer);
        reject(err ?? new Error('connection closed during handshake'));
      };
      conn.once('close', onClose);
      conn.once('frame', (body) => {
        clearTimeout(timer);
        conn.off('close', onClose);
        conn.handshakeDone = true;
        try {
          resolve({ connection: conn, response: ConnectResponseCodec.read(new JuteReader(body)) });
        } catch (err) {
          conn.shutdown(err as Error);
          reject(err);
        }
      });
      socket.once(opts.tls ? 'secureConnect' : 'connect', () => {
        conn.secured = true;
        conn.send(JuteWriter.frame((w) => ConnectRequestCodec.write(w, request), 64));
      });
    });
  }

  get remoteAddress(): string {
    return `${this.socket.remoteAddress}:${this.socket.remotePort}`;
  }

  get isHandshakeDone(): boolean {
    return this.handshakeDone;
  }

  /** Queues a whole frame; frames queued in one tick go out in one write. */
  send(frame: Buffer): void {
    if (this.closed) return;
    this.queued.push(frame);
    this.lastSendAt = Date.now();
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.closed || this.queued.length === 0) return;
    const out = this.queued.length === 1 ? this.queued[0] : Buffer.concat(this.queued);
    this.queued = [];
    this.socket.write(out);
  }

  private onData(chunk: Buffer): void {
    this.lastReceiveAt = Date.now();
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      this.shutdown(err as Error);
      return;
    }
    for (const f of frames) {
      if (this.closed) return;
      this.emit('frame', f);
    }
  }

  close(): void {
    this.shutdown(null);
  }

  private closedByServer(): Error {
    // A TLS server that refuses the client certificate may just hang up once the handshake is done.
    if (this.tlsOptions && !this.handshakeDone) {
      const hint = this.tlsOptions.cert === undefined ? 'does it require a client certificate?' : 'does it refuse this client certificate?';
      return this.secured
        ? new TlsError('other', `the server closed the connection right after the TLS handshake (${hint})`)
        : new TlsError('not-tls', 'the server closed the connection during the TLS handshake: is this its secure client port (secureClientPort)?');
    }
    return new Error('the server closed the connection');
  }

  private shutdown(err: Error | null): void {
    if (this.closed) return;
    this.closed = true;
    this.queued = [];
    this.socket.destroy();
    this.emit('close', err);
  }
}
