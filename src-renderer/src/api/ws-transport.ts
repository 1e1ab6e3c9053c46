// The headless host (`zoolab web`): JSON requests and pushes over one WebSocket to /api on the page's
// own host, authorised by the per-run token in the page URL. If the socket drops, calls in flight
// fail with words and the socket is reopened with backoff; listeners stay subscribed.

import type { ApiPush, ApiRequest, ApiResponse } from '../../../src-main/api/types';
import { ApiCallError } from './errors';
import { Listeners, type LinkState, type Transport } from './transport';

interface Pending {
  request: string;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

const lostLink = (): ApiCallError =>
  new ApiCallError({ code: null, codeName: null, message: 'The connection to the ZooLab host was lost; retrying' });

export class WebSocketTransport implements Transport {
  private socket: WebSocket | null = null;
  private nextId = 1;
  private retryMs = 250;
  private state: LinkState = 'connecting';
  /** Sent once the first socket opens. */
  private readonly unsent = new Map<number, Pending>();
  /** Sent, awaiting a response. */
  private readonly inFlight = new Map<number, Pending>();
  private readonly pushes = new Map<string, Listeners<unknown>>();
  private readonly link = new Listeners<LinkState>();

  constructor(private readonly url: string) {
    this.open();
  }

  static forPage(loc: Location = window.location): WebSocketTransport {
    const token = new URLSearchParams(loc.search).get('token') ?? '';
    const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
    return new WebSocketTransport(`${scheme}//${loc.host}/api?token=${encodeURIComponent(token)}`);
  }

  call(method: string, params: unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const request = JSON.stringify({ id, method, params } as ApiRequest);
      const pending = { request, resolve, reject };
      if (this.socket?.readyState === WebSocket.OPEN) {
        this.inFlight.set(id, pending);
        this.socket.send(request);
      } else if (this.state === 'reconnecting') {
        // Fail at once rather than leave the UI waiting through the reconnect backoff.
        reject(lostLink());
      } else {
        this.unsent.set(id, pending);
      }
    });
  }

  on(event: string, listener: (data: unknown) => void): () => void {
    let set = this.pushes.get(event);
    if (!set) this.pushes.set(event, (set = new Listeners()));
    return set.add(listener);
  }

  onLink(listener: (state: LinkState) => void): () => void {
    listener(this.state);
    return this.link.add(listener);
  }

  private setState(state: LinkState): void {
    if (state === this.state) return;
    this.state = state;
    this.link.emit(state);
  }

  private open(): void {
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.retryMs = 250;
      this.setState('open');
      for (const [id, pending] of this.unsent) {
        this.inFlight.set(id, pending);
        socket.send(pending.request);
      }
      this.unsent.clear();
    };
    socket.onmessage = (ev) => this.receive(String(ev.data));
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      const err = lostLink();
      for (const p of this.inFlight.values()) p.reject(err);
      for (const p of this.unsent.values()) p.reject(err);
      this.inFlight.clear();
      this.unsent.clear();
      this.setState('reconnecting');
      setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 5000);
    };
  }

  private receive(text: string): void {
    let msg: ApiResponse | ApiPush;
    try {
      msg = JSON.parse(text) as ApiResponse | ApiPush;
    } catch {
      return;
    }
    if ('event' in msg) {
      this.pushes.get(msg.event)?.emit(msg.data);
      return;
    }
    const pending = this.inFlight.get(msg.id);
    if (!pending) return;
    this.inFlight.delete(msg.id);
    if (msg.error) pending.reject(new ApiCallError(msg.error));
    else pending.resolve(msg.result);
  }
}
