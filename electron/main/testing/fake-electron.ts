/**
 * Small fakes of the Electron APIs the desktop-integration modules use (app, a BrowserWindow, globalShortcut,
 * screen), recording every call so a test can check what the OS was told. Structural: the modules take these
 * through their deps, so no `vi.mock('electron')` is needed.
 */
import type { Rectangle } from 'electron';

type Handler = (...args: unknown[]) => void;

/** `app`: events, single-instance lock, login items, protocol clients, badge. */
export class FakeApp {
  isPackaged = true;
  lockAvailable = true;
  quits = 0;
  readonly handlers = new Map<string, Handler[]>();
  readonly loginItems: unknown[] = [];
  readonly protocolClients: string[] = [];
  /** Schemes whose registration the "OS" refuses. */
  readonly refusedSchemes = new Set<string>();
  readonly badgeCounts: number[] = [];
  wasOpenedAtLogin = false;

  requestSingleInstanceLock(): boolean {
    return this.lockAvailable;
  }
  quit(): void {
    this.quits++;
  }
  on(event: string, handler: Handler): this {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
    return this;
  }
  /** Fires `event` as Electron would. */
  emit(event: string, ...args: unknown[]): void {
    for (const handler of this.handlers.get(event) ?? []) handler(...args);
  }
  setLoginItemSettings(settings: unknown): void {
    this.loginItems.push(settings);
  }
  getLoginItemSettings(): { wasOpenedAtLogin: boolean } {
    return { wasOpenedAtLogin: this.wasOpenedAtLogin };
  }
  setAsDefaultProtocolClient(scheme: string): boolean {
    this.protocolClients.push(scheme);
    return !this.refusedSchemes.has(scheme);
  }
  setBadgeCount(count: number): boolean {
    this.badgeCounts.push(count);
    return true;
  }
}

/** A BrowserWindow with the state the modules read and the calls they make. */
export class FakeWindow {
  readonly calls: string[] = [];
  readonly handlers = new Map<string, Handler[]>();
  readonly overlays: Array<{ image: unknown; description: string }> = [];
  minimized = false;
  maximized = false;
  destroyed = false;
  bounds: Rectangle = { x: 100, y: 80, width: 1280, height: 800 };

  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.calls.push('restore');
    this.minimized = false;
  }
  show(): void {
    this.calls.push('show');
  }
  focus(): void {
    this.calls.push('focus');
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getNormalBounds(): Rectangle {
    return { ...this.bounds };
  }
  setOverlayIcon(image: unknown, description: string): void {
    this.overlays.push({ image, description });
  }
  on(event: string, handler: Handler): this {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
    return this;
  }
  emit(event: string): void {
    for (const handler of this.handlers.get(event) ?? []) handler();
  }
}

/** `globalShortcut`: keys held by "other applications" are refused like Electron does (register → false). */
export class FakeGlobalShortcut {
  readonly registered = new Map<string, () => void>();
  readonly heldElsewhere = new Set<string>();

  register(accelerator: string, callback: () => void): boolean {
    if (this.heldElsewhere.has(accelerator) || this.registered.has(accelerator)) return false;
    this.registered.set(accelerator, callback);
    return true;
  }
  unregister(accelerator: string): void {
    this.registered.delete(accelerator);
  }
  /** The user presses `accelerator` anywhere on the desktop. */
  press(accelerator: string): void {
    this.registered.get(accelerator)?.();
  }
}

/** `screen` with the displays' work areas (the desktop minus task bars). */
export class FakeScreen {
  constructor(public workAreas: Rectangle[]) {}
  getAllDisplays(): Array<{ workArea: Rectangle }> {
    return this.workAreas.map((workArea) => ({ workArea }));
  }
}
