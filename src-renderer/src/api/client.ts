// The one typed client for ZooLabApi. It rides the Electron preload when there is one and the
// headless host's WebSocket otherwise; callers see the same promises and the same ApiCallError.

import type { ApiEventName, ApiMethod, ZooLabApi, ZooLabBridge, ZooLabEvents } from '../../../src-main/api/types';
import { toApiCallError } from './errors';
import { IpcTransport } from './ipc-transport';
import type { LinkState, Transport } from './transport';
import { WebSocketTransport } from './ws-transport';

export type ApiParams<M extends ApiMethod> = Parameters<ZooLabApi[M]>;
export type ApiResult<M extends ApiMethod> = ReturnType<ZooLabApi[M]>;

export class ZooLabClient {
  constructor(private readonly transport: Transport) {}

  async call<M extends ApiMethod>(method: M, ...params: ApiParams<M>): Promise<ApiResult<M>> {
    try {
      return (await this.transport.call(method, params)) as ApiResult<M>;
    } catch (err) {
      throw toApiCallError(err);
    }
  }

  on<E extends ApiEventName>(event: E, listener: (data: ZooLabEvents[E]) => void): () => void {
    return this.transport.on(event, (data) => listener(data as ZooLabEvents[E]));
  }

  onLink(listener: (state: LinkState) => void): () => void {
    return this.transport.onLink(listener);
  }
}

declare global {
  interface Window {
    zoolab?: ZooLabBridge;
  }
}

function pickTransport(): Transport {
  return window.zoolab ? new IpcTransport(window.zoolab) : WebSocketTransport.forPage();
}

export const api = new ZooLabClient(pickTransport());
