/**
 * Electron composition root: one hardened window, the console service over the SIP engine, the IPC bridge.
 * Settings live in `userData` (docs/config.md); passwords are encrypted with safeStorage when the OS offers it.
 * The renderer is served on `app://console/` (app-protocol.ts), never from `file://`.
 */
import { app, BrowserWindow, MessageChannelMain, powerMonitor, protocol, safeStorage, session } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConsoleService } from '../core/console-service';
import { createConsole } from '../core/create-console';
import { SystemClock } from '../sip/clock';
import { APP_INDEX_URL, registerAppScheme, serveAppScheme } from './app-protocol';
import { registerIpc, rendererUrlCheck } from './ipc';
import { installLastResortHandlers } from './last-resort';
import { attachMediaPort } from './media-port';
import { createSecretCipher } from './safe-storage-cipher';
import { CallNotifier } from './call-notifications';
import { TrayController } from './tray';
import { electronCsp, hardenSession, hardenWebContents } from './security';

const SHUTDOWN_BOUND_MS = 3000;
const here = fileURLToPath(new URL('.', import.meta.url));
const preloadPath = join(here, '../preload/index.cjs');
const rendererDir = join(here, '../renderer');
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;

installLastResortHandlers(process, (line) => console.error(line));
// Electron accepts scheme privileges only before `ready`.
registerAppScheme(protocol);

let window: BrowserWindow | undefined;
let service: ConsoleService | undefined;
let tray: TrayController | undefined;
let notifier: CallNotifier | undefined;
let quitting = false;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'Attendant Console',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  // The audio device's channel (issue 10): a fresh MessagePort after every load of our page.
  if (service?.media)
    attachMediaPort({
      host: service.media,
      contents: win.webContents,
      isTrustedUrl: rendererUrlCheck(devServerUrl),
      MessageChannel: MessageChannelMain,
      log: (message) => console.warn(message),
    });
  // Closing the window keeps the console running in the tray (issue 4 §4); Quit is in the tray menu.
  win.on('close', (event) => {
    if (quitting || !tray) return;
    event.preventDefault();
    win.hide();
    tray.refresh();
  });
  win.on('closed', () => {
    if (window === win) window = undefined;
  });
  win.loadURL(devServerUrl ?? APP_INDEX_URL).catch((err: unknown) => console.error('Cannot load the console page:', err));
  return win;
}

async function start(): Promise<void> {
  const csp = electronCsp(devServerUrl);
  hardenSession(session.defaultSession, csp, rendererUrlCheck(devServerUrl));
  serveAppScheme(protocol, rendererDir, csp);
  const dataDir = app.getPath('userData');
  const built = createConsole({
    clock: new SystemClock(),
    dataDir,
    cipher: createSecretCipher(safeStorage),
    mode: 'electron',
    version: app.getVersion(),
    log: (message) => console.warn(message),
    idleSeconds: () => powerMonitor.getSystemIdleTime(),
  });
  const store = built.store;
  service = built.service;
  registerIpc({
    host: service,
    webContents: () => window?.webContents,
    isTrustedUrl: rendererUrlCheck(devServerUrl),
    onInternalError: (command, err) => console.error(`Internal error in ${command}:`, err),
    onRejected: (reason) => console.warn(`IPC call refused: ${reason}`),
  });
  await service.start();
  if (store.problem) console.warn(store.problem);
  window = createWindow();
  tray = new TrayController({
    service,
    isWindowVisible: () => !!window?.isVisible(),
    showWindow: () => {
      window ??= createWindow();
      window.show();
      window.focus();
    },
    hideWindow: () => window?.hide(),
    quit: () => app.quit(),
    locale: app.getLocale?.().startsWith('de') ? 'de' : 'en',
    log: (message) => console.warn(message),
  });
  notifier = new CallNotifier({
    service,
    showWindow: () => {
      window ??= createWindow();
      window.show();
      window.focus();
    },
    locale: app.getLocale?.().startsWith('de') ? 'de' : 'en',
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('window-all-closed', () => app.quit());
  app.on('activate', () => {
    if (!window && service) window = createWindow();
  });
  // Un-REGISTER every line before exiting, bounded so a dead registrar cannot keep the app open.
  app.on('before-quit', (event) => {
    if (quitting || !service) return;
    event.preventDefault();
    quitting = true;
    // Un-PUBLISH, un-SUBSCRIBE and un-REGISTER, all bounded together (ConsoleService.shutdown).
    void service.shutdown(SHUTDOWN_BOUND_MS).finally(() => {
      tray?.dispose();
      notifier?.dispose();
      app.quit();
    });
  });
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      console.error('Cannot start the console:', err);
      app.exit(1);
    });
}
