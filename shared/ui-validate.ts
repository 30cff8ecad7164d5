/**
 * Validation of `settings.ui` (issue 12: language and theme chosen in Settings). Missing in files from before it:
 * the defaults apply, and so do they for each missing field.
 */
import type { FieldError } from './settings-validate';
import { DEFAULT_SETTINGS, type UiLanguage, type UiSettings, type UiTheme } from './settings';

type Rec = Record<string, unknown>;
const isRecord = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every accepted language; `auto` follows the OS. */
export const UI_LANGUAGES: readonly UiLanguage[] = ['auto', 'en', 'de'];
/** Every accepted theme; `auto` follows the OS colour scheme. */
export const UI_THEMES: readonly UiTheme[] = ['auto', 'light', 'dark'];
const UI_KEYS = ['language', 'theme'];

/** Every problem in `settings.ui`; empty when it is valid or absent. */
export function uiSettingsErrors(ui: unknown): FieldError[] {
  if (ui === undefined) return [];
  if (!isRecord(ui)) return [{ field: 'ui', message: 'Appearance settings must be an object' }];
  const errors: FieldError[] = [];
  for (const key of Object.keys(ui))
    if (!UI_KEYS.includes(key)) errors.push({ field: `ui.${key}`, message: `Appearance: unknown setting "${key}"` });
  if (ui.language !== undefined && !UI_LANGUAGES.includes(ui.language as UiLanguage))
    errors.push({ field: 'ui.language', message: `Appearance: language must be one of ${UI_LANGUAGES.join(', ')}` });
  if (ui.theme !== undefined && !UI_THEMES.includes(ui.theme as UiTheme))
    errors.push({ field: 'ui.theme', message: `Appearance: theme must be one of ${UI_THEMES.join(', ')}` });
  return errors;
}

/** The ui settings of a valid input, or the defaults for what it does not say. */
export function normalizeUiSettings(ui: unknown): UiSettings {
  const defaults = DEFAULT_SETTINGS.ui;
  if (!isRecord(ui)) return { ...defaults };
  return {
    language: (ui.language as UiLanguage | undefined) ?? defaults.language,
    theme: (ui.theme as UiTheme | undefined) ?? defaults.theme,
  };
}
