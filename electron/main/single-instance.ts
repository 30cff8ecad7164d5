/**
 * One console per user (issue 12 §7): two instances would register the same lines twice and fight over the
 * bindings. A second start hands its command line to the first (so a `sip:` link clicked while the console runs is
 * dialled there), brings the first window to the front, and quits.
 */
import type { App } from 'electron';

/** The window operations bringing it to the front needs (a BrowserWindow). */
export interface FocusableWindow {
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
}

export interface SingleInstanceDeps {
  app: Pick<App, 'requestSingleInstanceLock' | 'on' | 'quit'>;
  /** The console's window, if it exists yet (a second start may come while the first is still starting). */
  window(): FocusableWindow | undefined;
  /** The second instance's command line (Windows and Linux carry a clicked link there). */
  onSecondInstance(argv: readonly string[]): void;
}

/** Restores a minimised window, shows a hidden one (tray) and focuses it. */
export function bringToFront(win: FocusableWindow): void {
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

/**
 * Takes the single-instance lock. True: this is the first instance, and later starts are forwarded to it. False:
 * another instance runs and has been given our command line by Electron; this one quits and must start nothing.
 */
export function claimSingleInstance(deps: SingleInstanceDeps): boolean {
  if (!deps.app.requestSingleInstanceLock()) {
    deps.app.quit();
    return false;
  }
  deps.app.on('second-instance', (_event, argv) => {
    const win = deps.window();
    if (win) bringToFront(win);
    deps.onSecondInstance(Array.isArray(argv) ? argv.filter((arg): arg is string => typeof arg === 'string') : []);
  });
  return true;
}
