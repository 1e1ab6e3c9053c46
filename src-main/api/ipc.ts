// The API over Electron IPC: one ApiClient per window, its sessions closed when the window closes
// or reloads. Only frames showing the app's own renderer may call.
import { ipcMain, type WebContents } from 'electron';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from './methods';
import type { ApiClient, ZooLabService } from './service';
import type { ApiOutcome } from './types';

export function registerIpc(service: ZooLabService, isAppUrl: (url: string) => boolean): void {
  const clients = new Map<number, ApiClient>();

  const clientFor = (wc: WebContents): ApiClient => {
    const existing = clients.get(wc.id);
    if (existing) return existing;
    const client = service.connect((event, data) => {
      if (!wc.isDestroyed()) wc.send(IPC_EVENT_CHANNEL, event, data);
    });
    clients.set(wc.id, client);
    const drop = (): void => {
      wc.off('did-navigate', drop);
      wc.off('destroyed', drop);
      if (clients.get(wc.id) === client) clients.delete(wc.id);
      void client.dispose();
    };
    // A reload starts a renderer that knows none of the old sessions.
    wc.on('did-navigate', drop);
    wc.on('destroyed', drop);
    return client;
  };

  ipcMain.handle(IPC_CALL_CHANNEL, async (event, method: unknown, params: unknown): Promise<ApiOutcome> => {
    const frame = event.senderFrame;
    if (!frame || !isAppUrl(frame.url)) {
      return { error: { code: null, codeName: null, message: 'refused: the call does not come from the ZooLab window' } };
    }
    return clientFor(event.sender).call(method, params);
  });
}
