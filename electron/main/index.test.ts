import { describe, it, expect, vi, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeLines } from '../core/lines/testing/fake-lines';
import { commandNames, ipcChannel } from '../../shared/contract';

const userData = mkdtempSync(join(tmpdir(), 'main-'));
afterAll(() => rmSync(userData, { recursive: true, force: true }));

const fake = vi.hoisted(() => {
  const appHandlers = new Map<string, (...args: unknown[]) => void>();
  const windows: { options: Record<string, unknown>; loaded: string[] }[] = [];
  const ipcHandlers = new Map<string, unknown>();
  const sessionCalls: string[] = [];
  /** Order of the calls that Electron allows only before or only after `ready`. */
  const order: string[] = [];
  const protocolHandlers = new Map<string, (request: Request) => Promise<Response>>();
  const schemes: unknown[] = [];
  const protocol = {
    registerSchemesAsPrivileged: (list: unknown[]) => {
      order.push('registerSchemesAsPrivileged');
      schemes.push(...list);
    },
    handle: (scheme: string, handler: (request: Request) => Promise<Response>) => {
      order.push(`handle:${scheme}`);
      protocolHandlers.set(scheme, handler);
    },
  };
  const lines: { current?: { shutdowns: number } } = {};
  const calls: { current?: { dialled: Array<{ target: string }> } } = {};
  const desktop = { protocolClients: [] as string[], loginItems: [] as unknown[], badgeCounts: [] as number[], shortcuts: new Map<string, () => void>() };
  const app = {
    isPackaged: true,
    quit: vi.fn(),
    exit: vi.fn(),
    requestSingleInstanceLock: () => true,
    on: (name: string, handler: (...args: unknown[]) => void) => appHandlers.set(name, handler),
    whenReady: () => Promise.resolve().then(() => order.push('ready')),
    getPath: (): string => (globalThis as { __userData?: string }).__userData ?? '',
    getVersion: () => '4.5.6',
    setAsDefaultProtocolClient: (scheme: string) => desktop.protocolClients.push(scheme) > 0,
    setLoginItemSettings: (settings: unknown) => desktop.loginItems.push(settings),
    getLoginItemSettings: () => ({ wasOpenedAtLogin: false }),
    setBadgeCount: (count: number) => desktop.badgeCounts.push(count) > 0,
  };
  const globalShortcut = {
    register: (accelerator: string, callback: () => void) => !!desktop.shortcuts.set(accelerator, callback),
    unregister: (accelerator: string) => desktop.shortcuts.delete(accelerator),
  };
  const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] };
  class BrowserWindow {
    webContents = { send: vi.fn(), isDestroyed: () => false };
    constructor(options: Record<string, unknown>) {
      windows.push({ options, loaded: [] });
    }
    once(): void {}
    on(): void {}
    isVisible(): boolean {
      return true;
    }
    show(): void {}
    hide(): void {}
    focus(): void {}
    isMinimized(): boolean {
      return false;
    }
    restore(): void {}
    maximize(): void {}
    isMaximized(): boolean {
      return false;
    }
    isDestroyed(): boolean {
      return false;
    }
    getNormalBounds(): { x: number; y: number; width: number; height: number } {
      return { x: 10, y: 20, width: 1280, height: 800 };
    }
    setOverlayIcon(): void {}
    loadFile(path: string): Promise<void> {
      windows.at(-1)!.loaded.push(path);
      return Promise.resolve();
    }
    loadURL(url: string): Promise<void> {
      windows.at(-1)!.loaded.push(url);
      return Promise.resolve();
    }
  }
  const session = {
    defaultSession: {
      webRequest: { onHeadersReceived: () => sessionCalls.push('csp') },
      setPermissionRequestHandler: () => sessionCalls.push('permission-request'),
      setPermissionCheckHandler: () => sessionCalls.push('permission-check'),
    },
  };
  const safeStorage = { isEncryptionAvailable: () => false, encryptString: vi.fn(), decryptString: vi.fn() };
  const trays: Array<{ menus: unknown[]; tooltips: string[] }> = [];
  class Tray {
    record = { menus: [] as unknown[], tooltips: [] as string[] };
    constructor() {
      trays.push(this.record);
    }
    on(): void {}
    setContextMenu(menu: unknown): void {
      this.record.menus.push(menu);
    }
    setToolTip(text: string): void {
      this.record.tooltips.push(text);
    }
    setImage(): void {}
    destroy(): void {}
  }
  const Menu = { buildFromTemplate: (template: unknown) => ({ template }) };
  const nativeImage = { createFromBitmap: () => ({}) };
  const ipcMain = {
    handle: (channel: string, h: unknown) => ipcHandlers.set(channel, h),
    removeHandler: vi.fn(),
  };
  return {
    app,
    BrowserWindow,
    protocol,
    order,
    protocolHandlers,
    schemes,
    session,
    safeStorage,
    ipcMain,
    Tray,
    Menu,
    nativeImage,
    trays,
    appHandlers,
    windows,
    ipcHandlers,
    sessionCalls,
    lines,
    calls,
    desktop,
    globalShortcut,
    screen,
  };
});

vi.mock('electron', () => ({
  app: fake.app,
  BrowserWindow: fake.BrowserWindow,
  session: fake.session,
  protocol: fake.protocol,
  safeStorage: fake.safeStorage,
  ipcMain: fake.ipcMain,
  Tray: fake.Tray,
  Menu: fake.Menu,
  nativeImage: fake.nativeImage,
  globalShortcut: fake.globalShortcut,
  screen: fake.screen,
  powerMonitor: { getSystemIdleTime: () => 0 },
  Notification: class {
    static isSupported(): boolean {
      return false;
    }
  },
}));
// Flags are process-wide: the real call would change how every other test in this worker runs.
const compactHeap = vi.hoisted(() => ({ calls: 0 }));
vi.mock('../core/compact-heap', () => ({ useCompactHeap: () => void compactHeap.calls++ }));
vi.mock('../core/create-console', async () => {
  const { ConsoleService } = await import('../core/console-service');
  const { SettingsStore } = await import('../core/settings-store');
  const { TraceLog } = await import('../core/trace-log');
  const { FakeTiles } = await import('../core/blf/testing/fake-tiles');
  const { FakePresence } = await import('../core/presence/testing/fake-presence');
  const { FakeCalls, FakeHistory } = await import('../core/calls/testing/fake-calls');
  return {
    createConsole: (options: { clock: never; dataDir: string; cipher: never; mode: 'electron'; version: string }) => {
      const lines = new FakeLines();
      fake.lines.current = lines;
      const store = new SettingsStore({ dataDir: options.dataDir, cipher: options.cipher });
      const trace = new TraceLog({ clock: options.clock });
      const calls = new FakeCalls();
      fake.calls.current = calls;
      const service = new ConsoleService({ store, lines, tiles: new FakeTiles(), presence: new FakePresence(), calls, history: new FakeHistory(), trace, mode: options.mode, version: options.version, clock: options.clock });
      return { service, store };
    },
  };
});

(globalThis as { __userData?: string }).__userData = userData;
// The Linux login item is an XDG autostart file: never the real ~/.config of whoever runs the tests.
process.env.XDG_CONFIG_HOME = userData;
const listenersBefore = ['unhandledRejection', 'uncaughtException'].map((name) => process.listenerCount(name));
await import('./index');
await vi.waitFor(() => expect(fake.windows).toHaveLength(1));

describe('Electron main: desktop integration (issue 12 §7)', () => {
  it('registers the dial-link schemes, applies the desktop defaults and shows no badge', () => {
    expect(fake.desktop.protocolClients).toEqual(['sip', 'tel', 'callto']);
    // Start at login is off by default: Linux has no login item (an autostart file, kept out of the test's home).
    if (process.platform === 'linux') expect(fake.desktop.loginItems).toEqual([]);
    else expect(fake.desktop.loginItems.at(-1)).toMatchObject({ openAtLogin: false, args: ['--hidden'] });
    expect([...fake.desktop.shortcuts.keys()]).toEqual(['CommandOrControl+Shift+F9']);
    expect(fake.desktop.badgeCounts.at(-1) ?? 0).toBe(0);
  });

  it('dials a valid link a second start hands over, through calls.dial, and ignores a bad one', async () => {
    fake.appHandlers.get('second-instance')!({}, ['/opt/console', 'sip:101%0D%0AX@pbx'], '/');
    fake.appHandlers.get('second-instance')!({}, ['/opt/console', 'tel:+49%2030%20123'], '/');
    await vi.waitFor(() => expect(fake.calls.current?.dialled).toEqual([{ target: '+4930123' }]));
  });
});

describe('Electron main', () => {
  it("puts V8 in the engine's heap profile once, at start (issue 13)", () => {
    expect(compactHeap.calls).toBe(1);
  });

  it('opens one sandboxed, context-isolated window with the bundled preload and renderer', () => {
    const { options, loaded } = fake.windows[0]!;
    expect(options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(String((options.webPreferences as { preload: string }).preload)).toMatch(
      /preload[\\/]index\.cjs$/,
    );
    expect(loaded).toEqual(['app://console/index.html']);
  });

  it('makes app: a privileged scheme before ready and serves the renderer on it after ready', async () => {
    expect(fake.order).toEqual(['registerSchemesAsPrivileged', 'ready', 'handle:app']);
    expect(fake.schemes).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) },
    ]);
    expect(fake.schemes[0]).not.toHaveProperty('privileges.bypassCSP');
    const serve = fake.protocolHandlers.get('app')!;
    const outside = await serve(new Request('app://console/..%2f..%2fpackage.json'));
    expect(outside.status).toBe(404);
    expect(outside.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('installs the last-resort handlers, so a stray rejection is logged and the process lives on', () => {
    const after = ['unhandledRejection', 'uncaughtException'].map((name) => process.listenerCount(name));
    expect(after).toEqual(listenersBefore.map((n) => n + 1));
  });

  it('hardens the session and every web contents, and registers every command', () => {
    expect(fake.sessionCalls.sort()).toEqual(['csp', 'permission-check', 'permission-request']);
    expect(fake.appHandlers.has('web-contents-created')).toBe(true);
    expect([...fake.ipcHandlers.keys()].sort()).toEqual(commandNames.map(ipcChannel.command).sort());
  });

  it('un-registers the lines before quitting', async () => {
    const preventDefault = vi.fn();
    fake.appHandlers.get('before-quit')!({ preventDefault });
    expect(preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(fake.app.quit).toHaveBeenCalled());
    expect(fake.lines.current?.shutdowns).toBe(1);
    // The second before-quit (from app.quit()) goes through.
    const again = vi.fn();
    fake.appHandlers.get('before-quit')!({ preventDefault: again });
    expect(again).not.toHaveBeenCalled();
  });
});

describe('Electron main: tray', () => {
  it('puts the console in the tray with the own state as tooltip', () => {
    expect(fake.trays).toHaveLength(1);
    expect(fake.trays[0]!.tooltips.at(-1)).toMatch(/^Available/);
    expect(fake.trays[0]!.menus.length).toBeGreaterThan(0);
  });
});
