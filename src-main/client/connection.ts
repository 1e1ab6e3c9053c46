// One TCP connection to one server: framing, the ConnectRequest handshake, write batching.
// The session logic above it decides what to send and what a reply means.

import net from 'node:net';
import { EventEmitter } from 'node:events';
import { FrameDecoder } from '../protocol/frame';
import { JuteReader, JuteWriter } from '../protocol/jute';
import { ConnectRequestCodec, ConnectResponseCodec, type ConnectRequest, type ConnectResponse } from '../protocol/records';
import type { HostAddress } from './connect-string';

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
  lastSendAt = Date.now();
  lastReceiveAt = Date.now();

  private constructor(
    private readonly socket: net.Socket,
    maxPacket: number,
  ) {
    super();
    this.decoder = new FrameDecoder(maxPacket);
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (err) => this.shutdown(err));
    socket.on('close', () => this.shutdown(new Error('the server closed the connection')));
  }

  /** Opens a socket and performs the session handshake; resolves with the server's answer. */
  static open(
    addr: HostAddress,
    request: ConnectRequest,
    opts: { timeoutMs: number; maxPacket: number },
  ): Promise<{ connection: Connection; response: ConnectResponse }> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: addr.host, port: addr.port });
      const conn = new Connection(socket, opts.maxPacket);
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
      socket.once('connect', () => {
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

  private shutdown(err: Error | null): void {
    if (this.closed) return;
    this.closed = true;
    this.queued = [];
    this.socket.destroy();
    this.emit('close', err);
  }
}
