/**
 * Electron composition root: one hardened window, the console service over the SIP engine, the IPC bridge.
 * Settings live in `userData` (docs/config.md); passwords are encrypted with safeStorage when the OS offers it.
 * The renderer is served on `app://console/` (app-protocol.ts), never from `file://`.
 */
import { app, BrowserWindow, globalShortcut, MessageChannelMain, powerMonitor, protocol, safeStorage, screen, session } from 'electron';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConsoleService } from '../core/console-service';
import { dispatchCommand } from '../core/contract-dispatch';
import { createConsole } from '../core/create-console';
import { useCompactHeap } from '../core/compact-heap';
import type { DesktopSettings } from '../../shared/settings';
import { SystemClock } from '../sip/clock';
import { APP_INDEX_URL, registerAppScheme, serveAppScheme } from './app-protocol';
import { registerIpc, rendererUrlCheck } from './ipc';
import { installLastResortHandlers } from './last-resort';
import { attachMediaPort } from './media-port';
import { createSecretCipher } from './safe-storage-cipher';
import { CallNotifier } from './call-notifications';
import { TrayController } from './tray';
import { electronCsp, hardenSession, hardenWebContents } from './security';
import { MissedCallBadge } from './badge';
import { AnswerShortcut } from './global-shortcuts';
import { LoginItem, startsHidden } from './login-item';
import { ProtocolLinks } from './protocol-links';
import { bringToFront, claimSingleInstance } from './single-instance';
import { WindowStateKeeper } from './window-state';
import { trayIconImage } from './tray-menu-electron';

const SHUTDOWN_BOUND_MS = 3000;
const here = fileURLToPath(new URL('.', import.meta.url));
const preloadPath = join(here, '../preload/index.cjs');
const rendererDir = join(here, '../renderer');
const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const MIN_SIZE = { width: 800, height: 560 };
const warn = (message: string): void => console.warn(message);

// Before the engine allocates anything: the heap profile it is measured with (issue 13).
useCompactHeap();
installLastResortHandlers(process, (line) => console.error(line));
// Electron accepts scheme privileges only before `ready`.
registerAppScheme(protocol);

let window: BrowserWindow | undefined;
let service: ConsoleService | undefined;
let tray: TrayController | undefined;
let notifier: CallNotifier | undefined;
let badge: MissedCallBadge | undefined;
let answerShortcut: AnswerShortcut | undefined;
let windowState: WindowStateKeeper | undefined;
let quitting = false;
/** A login start (`--hidden`) stays in the tray until the user opens the window. */
let startHidden = startsHidden(process.argv, app, process.platform);

/** Shows the window (creating it again if it was closed) and brings it to the front. */
function showWindow(): void {
  startHidden = false;
  if (!window) {
    window = createWindow();
    // The Windows overlay belongs to the window: a new one needs it again.
    badge?.refresh(true);
  }
  bringToFront(window);
}

// Dial links (issue 12 §7): from this start's command line, a second start's, or macOS `open-url`.
const links = new ProtocolLinks({
  app,
  dial: (target) =>
    service
      ? dispatchCommand(service.handlers, 'calls.dial', { target }, (command, err) => console.error(`Internal error in ${command}:`, err))
      : Promise.resolve({ ok: false, error: { code: 'internal', message: 'the console is not running' } }),
  showWindow,
  log: warn,
});

function createWindow(): BrowserWindow {
  const placed = windowState?.load();
  const win = new BrowserWindow({
    width: placed?.width ?? 1280,
    height: placed?.height ?? 800,
    ...(placed ? { x: placed.x, y: placed.y } : {}),
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
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
  win.once('ready-to-show', () => {
    // maximize() shows the window on some platforms, so a hidden start maximises on its first show instead.
    if (startHidden) {
      if (placed?.maximized) win.once('show', () => win.maximize());
      return;
    }
    if (placed?.maximized) win.maximize();
    win.show();
  });
  windowState?.track(win);
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
  windowState = new WindowStateKeeper({ dataDir, screen, minSize: MIN_SIZE, log: warn });
  window = createWindow();
  tray = new TrayController({
    service,
    isWindowVisible: () => !!window?.isVisible(),
    showWindow,
    hideWindow: () => window?.hide(),
    quit: () => app.quit(),
    locale: app.getLocale?.().startsWith('de') ? 'de' : 'en',
    log: (message) => console.warn(message),
  });
  notifier = new CallNotifier({
    service,
    showWindow,
    locale: app.getLocale?.().startsWith('de') ? 'de' : 'en',
  });
  startDesktopIntegration(service);
}

/** Issue 12 §7: badge, login item and answer shortcut (from `settings.desktop`, again on every change), links. */
function startDesktopIntegration(host: ConsoleService): void {
  badge = new MissedCallBadge({
    service: host,
    app,
    platform: process.platform,
    window: () => window,
    overlayImage: () => trayIconImage('#c62828'),
    locale: app.getLocale?.().startsWith('de') ? 'de' : 'en',
  });
  const loginItem = new LoginItem({
    app,
    platform: process.platform,
    executable: process.env.APPIMAGE ?? process.execPath,
    configDir: process.env.XDG_CONFIG_HOME || join(homedir(), '.config'),
    name: 'attendant-console',
    files: {
      write: (path, text) => {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, text);
      },
      remove: (path) => rmSync(path, { force: true }),
    },
    log: warn,
  });
  const shortcut = new AnswerShortcut({
    globalShortcut,
    calls: () => host.snapshot().calls,
    answer: (call) => dispatchCommand(host.handlers, 'calls.answer', { call }),
    showWindow,
    log: warn,
  });
  answerShortcut = shortcut;
  const apply = (desktop: DesktopSettings): void => {
    loginItem.apply(desktop.startAtLogin);
    shortcut.apply(desktop.answerShortcut);
  };
  apply(host.snapshot().settings.desktop);
  host.on('settings.changed', (settings) => apply(settings.desktop));
  links.registerClients();
  links.ready();
}

// A second start hands its command line (a clicked link) to this one and quits (single-instance.ts).
if (claimSingleInstance({ app, window: () => window, onSecondInstance: (argv) => links.handleArgv(argv) })) {
  links.listenForOpenUrl();
  links.handleArgv(process.argv);
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
    // The OS keeps a global shortcut until it is given back.
    answerShortcut?.dispose();
    void service.shutdown(SHUTDOWN_BOUND_MS).finally(() => {
      tray?.dispose();
      notifier?.dispose();
      badge?.dispose();
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
