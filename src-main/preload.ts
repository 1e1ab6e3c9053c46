// The renderer's only door to Node: window.zoolab.call for the API's named methods and
// window.zoolab.on for its named events. Nothing else of Electron or Node is exposed.
import { contextBridge, ipcRenderer } from 'electron';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, isApiEvent, isApiMethod } from './api/methods';
import type { ApiEventName, ApiOutcome, ZooLabBridge } from './api/types';

const listeners = new Map<ApiEventName, Set<(data: unknown) => void>>();

ipcRenderer.on(IPC_EVENT_CHANNEL, (_e, event: unknown, data: unknown) => {
  if (!isApiEvent(event)) return;
  for (const listener of listeners.get(event) ?? []) listener(data);
});

const bridge: ZooLabBridge = {
  call(method, ...params): Promise<ApiOutcome> {
    if (!isApiMethod(method)) {
      return Promise.resolve({ error: { code: null, codeName: null, message: `unknown method ${JSON.stringify(method)}` } });
    }
    return ipcRenderer.invoke(IPC_CALL_CHANNEL, method, params) as Promise<ApiOutcome>;
  },
  on(event, listener) {
    if (!isApiEvent(event)) throw new Error(`unknown event ${JSON.stringify(event)}`);
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  },
};

contextBridge.exposeInMainWorld('zoolab', bridge);
