/**
 * Start at login (issue 12 §7, setting `desktop.startAtLogin`): the console starts hidden in the tray, so the lamps
 * and the lines are up before the receptionist opens the window. Windows and macOS through
 * `app.setLoginItemSettings`; Linux, where Electron has no such call, through an XDG autostart entry
 * (`~/.config/autostart/<name>.desktop`, https://specifications.freedesktop.org/autostart-spec/). A development run
 * (`npm start`, not packaged) registers nothing: it would make the login start a bare Electron without the app.
 */
import type { App } from 'electron';
import { join } from 'node:path';

/** The option that starts the console hidden in the tray. */
export const HIDDEN_ARG = '--hidden';

/** File operations the Linux autostart entry needs (node:fs in production, a map in tests). */
export interface AutostartFiles {
  write(path: string, text: string): void;
  remove(path: string): void;
}

export interface LoginItemDeps {
  app: Pick<App, 'setLoginItemSettings' | 'isPackaged'>;
  platform: NodeJS.Platform;
  /** The executable the login starts: the AppImage's own path when there is one, else `process.execPath`. */
  executable: string;
  /** `$XDG_CONFIG_HOME` or `~/.config` (Linux only). */
  configDir: string;
  /** Name of the autostart entry, e.g. `attendant-console`. */
  name: string;
  files: AutostartFiles;
  log(message: string): void;
}

/** Quotes `arg` for a Desktop Entry `Exec` key (Desktop Entry spec, "The Exec key"). */
function execQuote(arg: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(arg) ? arg : `"${arg.replace(/[\\"`$]/g, (c) => `\\${c}`)}"`;
}

/** The XDG autostart entry that starts `executable` hidden. */
export function autostartEntry(executable: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Attendant Console',
    `Exec=${execQuote(executable)} ${HIDDEN_ARG}`,
    'X-GNOME-Autostart-enabled=true',
    'NoDisplay=true',
    '',
  ].join('\n');
}

/** Whether this start should stay in the tray: `--hidden` on the command line, or a macOS login start. */
export function startsHidden(argv: readonly string[], app: Pick<App, 'getLoginItemSettings'>, platform: NodeJS.Platform): boolean {
  if (argv.includes(HIDDEN_ARG)) return true;
  // macOS passes no arguments to login items; it tells the app instead.
  return platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true;
}

/** Applies `desktop.startAtLogin`, again on every settings change; a change the OS refuses is logged, not thrown. */
export class LoginItem {
  private applied: boolean | undefined;

  constructor(private readonly deps: LoginItemDeps) {}

  /** Registers or removes the login start when `enabled` differs from what was applied last. */
  apply(enabled: boolean): void {
    if (enabled === this.applied) return;
    const { app, platform, log } = this.deps;
    if (!app.isPackaged) {
      if (enabled) log('Start at login is only set up by the installed app, not by a development run');
      this.applied = enabled;
      return;
    }
    try {
      if (platform === 'linux') this.applyLinux(enabled);
      else if (platform === 'win32' || platform === 'darwin')
        app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_ARG], ...(platform === 'win32' ? { path: this.deps.executable } : {}) });
      else log(`Start at login is not supported on ${platform}`);
      this.applied = enabled;
    } catch (err) {
      log(`Start at login could not be ${enabled ? 'set up' : 'removed'}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private applyLinux(enabled: boolean): void {
    const path = join(this.deps.configDir, 'autostart', `${this.deps.name}.desktop`);
    if (enabled) this.deps.files.write(path, autostartEntry(this.deps.executable));
    else this.deps.files.remove(path);
  }
}
