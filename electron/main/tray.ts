/**
 * The system tray (issue 4 §4): an icon in the colour of the own state, a tooltip with state and note, and a menu
 * to change the state, show or hide the window and quit — all computed from the service's snapshot by the pure
 * model in tray-menu.ts and refreshed on every presence or settings change.
 */
import { Tray } from 'electron';
import type { ConsoleService } from '../core/console-service';
import type { TrayAction, TrayState } from './tray-menu';
import { trayIconColor, trayVoicemail } from './tray-menu';
import { applyTrayState, trayIconImage } from './tray-menu-electron';

export interface TrayControllerDeps {
  service: Pick<ConsoleService, 'snapshot' | 'on' | 'handlers'>;
  isWindowVisible(): boolean;
  showWindow(): void;
  hideWindow(): void;
  quit(): void;
  locale?: 'en' | 'de';
  log?: (message: string) => void;
}

export class TrayController {
  private readonly tray: Tray;
  private readonly unsubscribe: Array<() => void>;

  constructor(private readonly deps: TrayControllerDeps) {
    const state = this.state();
    this.tray = new Tray(trayIconImage(trayIconColor(state)));
    this.unsubscribe = [
      deps.service.on('presence.changed', () => this.refresh()),
      deps.service.on('settings.changed', () => this.refresh()),
      deps.service.on('history.changed', () => this.refresh()),
      deps.service.on('lines.changed', () => this.refresh()),
    ];
    this.tray.on('click', () => this.dispatch({ kind: 'toggle-window' }));
    this.refresh();
  }

  /** Redraws menu, tooltip and icon (also after the window was shown or hidden). */
  refresh(): void {
    applyTrayState(this.tray, this.state(), (action) => this.dispatch(action));
  }

  dispose(): void {
    for (const off of this.unsubscribe) off();
    this.tray.destroy();
  }

  /** The tray model's input, from the snapshot: a custom state is shown by its own label, not its base state. */
  state(): TrayState {
    const snapshot = this.deps.service.snapshot();
    const own = snapshot.presence.own;
    const customStates = snapshot.settings.presence.customStates;
    const custom = own.customId ? customStates.find((c) => c.id === own.customId) : undefined;
    return {
      own: custom
        ? { state: 'custom', customId: custom.id, label: custom.label, ...(own.note ? { note: own.note } : {}) }
        : { state: own.state, ...(own.note ? { note: own.note } : {}) },
      customStates,
      windowVisible: this.deps.isWindowVisible(),
      // The unseen missed calls (issue 9 §5); "Missed calls" opens the window, where History lists them.
      missedCalls: snapshot.history.unseenMissed,
      // The lines' own mailboxes (issue 12 §6): "Call voicemail (3)" and the tooltip's second line.
      ...voicemailOf(snapshot.lines),
      ...(this.deps.locale ? { locale: this.deps.locale } : {}),
    };
  }

  dispatch(action: TrayAction): void {
    switch (action.kind) {
      case 'set-state': {
        const note = this.deps.service.snapshot().presence.own.note;
        const custom = action.state === 'custom' ? this.state().customStates.find((c) => c.id === action.customId) : undefined;
        const own = custom ? { state: custom.base, customId: custom.id } : action.state === 'custom' ? undefined : { state: action.state };
        if (!own) return;
        void Promise.resolve(this.deps.service.handlers['presence.set']({ ...own, ...(note ? { note } : {}) })).then((result) => {
          if (!result.ok) this.deps.log?.(`Presence not set from the tray: ${result.error.message}`);
        });
        return;
      }
      case 'call-voicemail': {
        // The call shows in the window's calls strip, where it is ended: bring the window up with it.
        const target = this.deps.service.snapshot().lines.find((line) => line.number === action.line)?.voicemail?.dial;
        if (!target) return;
        void Promise.resolve(this.deps.service.handlers['calls.dial']({ line: action.line, target })).then((result) => {
          if (!result.ok) this.deps.log?.(`Voicemail not called from the tray: ${result.error.message}`);
        });
        this.deps.showWindow();
        break;
      }
      case 'set-note':
      case 'show-missed':
        // The note is typed in the presence panel; the missed calls list lives in the window too.
        this.deps.showWindow();
        break;
      case 'toggle-window':
        if (this.deps.isWindowVisible()) this.deps.hideWindow();
        else this.deps.showWindow();
        break;
      case 'quit':
        this.deps.quit();
        return;
    }
    this.refresh();
  }
}

/** The tray's voicemail; a service without line states (a host that predates them) shows none. */
function voicemailOf(lines: Parameters<typeof trayVoicemail>[0] | undefined): Pick<TrayState, 'voicemail'> {
  const voicemail = trayVoicemail(lines ?? []);
  return voicemail ? { voicemail } : {};
}
