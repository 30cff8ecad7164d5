/**
 * Validation of `settings.desktop` (issue 12 §7): start at login and the global answer shortcut. Missing in files from
 * before it: the defaults apply, and so do they for each missing field. Pure, so the settings form shows the same
 * messages as main. The accelerator grammar is Electron's (https://www.electronjs.org/docs/latest/api/accelerator).
 */
import { DEFAULT_SETTINGS, type DesktopSettings } from './settings';
import type { FieldError } from './settings-validate';

type Rec = Record<string, unknown>;
const isRecord = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

const DESKTOP_KEYS: readonly string[] = ['startAtLogin', 'answerShortcut'];

/** Electron's modifier names, lower-cased. */
const MODIFIERS = new Set([
  'command', 'cmd', 'control', 'ctrl', 'commandorcontrol', 'cmdorctrl', 'alt', 'option', 'altgr', 'shift', 'super', 'meta',
]);

/** Keys that may stand alone in a global shortcut: pressing them never types text. */
const STANDALONE_KEYS = new Set([
  ...Array.from({ length: 24 }, (_, i) => `f${i + 1}`),
  'volumeup', 'volumedown', 'volumemute', 'medianexttrack', 'mediaprevioustrack', 'mediastop', 'mediaplaypause',
]);

/** Every other key code Electron accepts, lower-cased (letters, digits and punctuation are matched below). */
const NAMED_KEYS = new Set([
  'plus', 'space', 'tab', 'capslock', 'numlock', 'scrolllock', 'backspace', 'delete', 'insert', 'return', 'enter',
  'up', 'down', 'left', 'right', 'home', 'end', 'pageup', 'pagedown', 'escape', 'esc', 'printscreen',
  'numdec', 'numadd', 'numsub', 'nummult', 'numdiv', ...Array.from({ length: 10 }, (_, i) => `num${i}`),
]);

const SINGLE_KEY = /^[A-Za-z0-9)!@#$%^&*(:;<=>?_~{}|"',./`[\]\\-]$/;

/** Longest accelerator accepted; the longest real one (`CommandOrControl+Alt+Shift+MediaPreviousTrack`) is 46. */
export const MAX_ACCELERATOR_LENGTH = 64;

/**
 * Why `accelerator` is not a usable global shortcut, or undefined when it is: modifiers joined by `+` and exactly one
 * key last. A key that types text (a letter, a digit, Space …) needs at least one modifier besides Shift, or the
 * shortcut would swallow that key in every other application; F1–F24 and media keys may stand alone.
 */
export function acceleratorProblem(accelerator: string): string | undefined {
  if (accelerator.length > MAX_ACCELERATOR_LENGTH) return `must be at most ${MAX_ACCELERATOR_LENGTH} characters`;
  // "+" as a key is spelled "Plus", so a plain split is unambiguous.
  const parts = accelerator.split('+');
  if (parts.some((part) => part.trim() !== part || part === ''))
    return 'must be modifiers and one key joined by "+" without blanks, e.g. CommandOrControl+Shift+F9';
  const key = parts.at(-1)!;
  const modifiers = parts.slice(0, -1).map((part) => part.toLowerCase());
  const unknown = modifiers.find((m) => !MODIFIERS.has(m));
  if (unknown !== undefined) return `"${parts[modifiers.indexOf(unknown)]}" is not a modifier (use CommandOrControl, Alt, Shift, Super …)`;
  if (new Set(modifiers).size !== modifiers.length) return 'names a modifier twice';
  const lower = key.toLowerCase();
  if (MODIFIERS.has(lower)) return 'must end with a key, not a modifier';
  const standalone = STANDALONE_KEYS.has(lower);
  if (!standalone && !NAMED_KEYS.has(lower) && !SINGLE_KEY.test(key)) return `"${key}" is not a key Electron knows`;
  if (!standalone && modifiers.every((m) => m === 'shift'))
    return 'needs a modifier besides Shift (CommandOrControl, Alt or Super), or an F-key, so it does not take a typing key from other applications';
  return undefined;
}

/** Every problem in `settings.desktop`; empty when valid or absent. */
export function desktopSettingsErrors(desktop: unknown): FieldError[] {
  if (desktop === undefined) return [];
  const errors: FieldError[] = [];
  const add = (field: string, message: string): void => void errors.push({ field, message });
  if (!isRecord(desktop)) {
    add('desktop', 'Desktop settings must be an object');
    return errors;
  }
  for (const key of Object.keys(desktop))
    if (!DESKTOP_KEYS.includes(key)) add(`desktop.${key}`, `Desktop: unknown setting "${key}"`);
  if (desktop.startAtLogin !== undefined && typeof desktop.startAtLogin !== 'boolean')
    add('desktop.startAtLogin', 'Desktop: start at login must be true or false');
  const shortcut = desktop.answerShortcut;
  if (shortcut !== undefined) {
    if (typeof shortcut !== 'string')
      add('desktop.answerShortcut', 'Desktop: the answer shortcut must be text such as CommandOrControl+Shift+F9, or empty for none');
    else if (shortcut !== '') {
      const problem = acceleratorProblem(shortcut);
      if (problem) add('desktop.answerShortcut', `Desktop: the answer shortcut ${problem}`);
    }
  }
  return errors;
}

/** The desktop settings of a valid input, or the defaults for what it does not say. */
export function normalizeDesktopSettings(desktop: unknown): DesktopSettings {
  const out: DesktopSettings = { ...DEFAULT_SETTINGS.desktop };
  if (!isRecord(desktop)) return out;
  if (typeof desktop.startAtLogin === 'boolean') out.startAtLogin = desktop.startAtLogin;
  if (typeof desktop.answerShortcut === 'string') out.answerShortcut = desktop.answerShortcut;
  return out;
}
