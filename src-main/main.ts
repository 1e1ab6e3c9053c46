// The Electron entry: one window on the renderer, the API over IPC, passwords in the OS keychain.
// Thin on purpose: everything below it is shared with `zoolab web` and tested there.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, Menu, safeStorage, shell, type MenuItemConstructorOptions } from 'electron';
import { registerIpc } from './api/ipc';
import { ZooLabService } from './api/service';
import { resolveDataDir } from './store/data-dir';
import type { SecretBox } from './store/secret-box';
import { openStore, type Store } from './store/store';

/** Electron's safeStorage; on Linux without a keyring it only obfuscates, so it counts as unavailable. */
class SafeStorageBox implements SecretBox {
  readonly description = 'the operating system keychain';

  async isAvailable(): Promise<boolean> {
    if (!(await safeStorage.isAsyncEncryptionAvailable())) return false;
    return process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text';
  }

  encrypt(plain: string): Promise<Buffer> {
    return safeStorage.encryptStringAsync(plain);
  }

  async decrypt(blob: Buffer): Promise<string> {
    return (await safeStorage.decryptStringAsync(blob)).result;
  }
}

const rendererIndex = join(__dirname, '../renderer/index.html');
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;

function isAppUrl(url: string): boolean {
  if (devServerUrl) return new URL(url).origin === new URL(devServerUrl).origin;
  return url.split(/[?#]/)[0] === pathToFileURL(rendererIndex).href;
}

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    show: false,
    title: 'ZooLab',
    webPreferences: {
      preload: join(__dirname, '../preload/preload.js'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
    },
  });
  win.once('ready-to-show', () => win.show());
  // Links leave the app for the system browser; the window itself never navigates away.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  if (devServerUrl) void win.loadURL(devServerUrl);
  else void win.loadFile(rendererIndex);
}

function buildMenu(): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}

let store: Store | null = null;
let service: ZooLabService | null = null;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });

  app.whenReady().then(() => {
    store = openStore(resolveDataDir({ electronUserData: app.getPath('userData') }), { secretBox: new SafeStorageBox() });
    service = new ZooLabService(store);
    registerIpc(service, isAppUrl);
    // The renderer needs no camera, notifications or other permissions.
    app.on('web-contents-created', (_e, wc) => wc.session.setPermissionRequestHandler((_wc, _perm, cb) => cb(false)));
    Menu.setApplicationMenu(buildMenu());
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let closing = false;
  app.on('before-quit', (e) => {
    if (closing || !service) return;
    // Quitting stops the lab's servers: ask first when some are running.
    const running = service.lab.runningLabs();
    if (running.length > 0) {
      const answer = dialog.showMessageBoxSync({
        type: 'question',
        buttons: ['Stop the servers and quit', 'Cancel'],
        defaultId: 1,
        cancelId: 1,
        message: `The lab${running.length > 1 ? 's' : ''} ${running.join(', ')} ${running.length > 1 ? 'are' : 'is'} running.`,
        detail: 'Quitting ZooLab stops their servers; their data stays, and they can be started again.',
      });
      if (answer !== 0) {
        e.preventDefault();
        return;
      }
    }
    // Close ZooKeeper sessions cleanly (their ephemerals go now, not at session timeout), then quit.
    closing = true;
    e.preventDefault();
    void service.close().finally(() => {
      store?.close();
      app.quit();
    });
  });
}
