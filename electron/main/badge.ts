/**
 * The missed-call count on the taskbar or dock (issue 12 §7), the same unseen count as the sidebar, the title and
 * the tray (`history.unseenMissed`, electron/core/history/). macOS (dock) and Linux (Unity-style launchers that
 * read the `.desktop` entry) show `app.setBadgeCount`; Windows has no counter badge, so a red overlay dot on the
 * taskbar button stands in, with the count in its accessible description. It clears when History is opened
 * (`history.markSeen`).
 */
import type { App, NativeImage } from 'electron';
import type { ConsoleService } from '../core/console-service';

/** The window part the Windows overlay needs (a BrowserWindow). */
export interface OverlayWindow {
  setOverlayIcon(overlay: NativeImage | null, description: string): void;
  isDestroyed(): boolean;
}

export interface MissedCallBadgeDeps {
  service: Pick<ConsoleService, 'snapshot' | 'on'>;
  app: Pick<App, 'setBadgeCount'>;
  platform: NodeJS.Platform;
  window(): OverlayWindow | undefined;
  /** The Windows overlay image (a small red dot). */
  overlayImage(): NativeImage;
  locale?: 'en' | 'de';
}

/** The overlay's description, read by screen readers on the taskbar button. */
export function missedDescription(count: number, locale: 'en' | 'de' = 'en'): string {
  if (locale === 'de') return count === 1 ? '1 verpasster Anruf' : `${count} verpasste Anrufe`;
  return count === 1 ? '1 missed call' : `${count} missed calls`;
}

/** Keeps the badge at the unseen missed-call count. */
export class MissedCallBadge {
  private shown: number | undefined;
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: MissedCallBadgeDeps) {
    this.unsubscribe = deps.service.on('history.changed', () => this.refresh());
    this.refresh();
  }

  /** Shows the current count; call again when a new window was created (the overlay belongs to the window). */
  refresh(force = false): void {
    const count = this.deps.service.snapshot().history.unseenMissed;
    if (count === this.shown && !force) return;
    this.shown = count;
    if (this.deps.platform === 'win32') {
      const win = this.deps.window();
      if (!win || win.isDestroyed()) return;
      win.setOverlayIcon(count > 0 ? this.deps.overlayImage() : null, count > 0 ? missedDescription(count, this.deps.locale) : '');
      return;
    }
    // False on a Linux desktop without a launcher that shows counts: nothing else to do there.
    this.deps.app.setBadgeCount(count);
  }

  dispose(): void {
    this.unsubscribe();
    if (this.shown) {
      if (this.deps.platform === 'win32') {
        const win = this.deps.window();
        if (win && !win.isDestroyed()) win.setOverlayIcon(null, '');
      } else this.deps.app.setBadgeCount(0);
    }
  }
}
