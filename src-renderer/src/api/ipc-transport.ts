// Electron: the preload forwards calls over IPC and resolves with an outcome (it never rejects);
// an error outcome becomes the same ApiCallError the WebSocket transport raises.

import type { ApiMethod, ApiEventName, ZooLabBridge } from '../../../src-main/api/types';
import { ApiCallError } from './errors';
import type { LinkState, Transport } from './transport';

export class IpcTransport implements Transport {
  constructor(private readonly bridge: ZooLabBridge) {}

  async call(method: string, params: unknown[]): Promise<unknown> {
    const outcome = await this.bridge.call(method as ApiMethod, ...params);
    if (outcome.error) throw new ApiCallError(outcome.error);
    return outcome.result;
  }

  on(event: string, listener: (data: unknown) => void): () => void {
    return this.bridge.on(event as ApiEventName, listener);
  }

  onLink(listener: (state: LinkState) => void): () => void {
    listener('open');
    return () => undefined;
  }
}
