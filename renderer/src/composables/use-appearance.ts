/**
 * Applies the saved language and theme (issue 12, `settings.ui`) to the window: the locale of every string, and a
 * `data-theme` attribute on `<html>` that theme.css honours over the OS colour scheme. Follows the saved settings,
 * not the draft, so an unsaved choice never changes the screen half-way.
 */
import { watchEffect } from 'vue';
import { DEFAULT_SETTINGS, type UiSettings } from '../../../shared/settings';
import { localeFor, setLocale } from '../i18n';
import { useSettingsStore } from '../stores/settings';

/** Sets the locale and `data-theme` for `ui`; `auto` follows the OS (no attribute, so the media query applies). */
export function applyAppearance(ui: UiSettings, languages: readonly string[], root: HTMLElement = document.documentElement): void {
  setLocale(localeFor(ui.language, languages));
  if (ui.theme === 'auto') root.removeAttribute('data-theme');
  else root.dataset.theme = ui.theme;
}

/** Keeps the window's language and theme in step with the saved settings. */
export function useAppearance(): void {
  const settings = useSettingsStore();
  watchEffect(() => {
    const ui = settings.saved?.ui ?? DEFAULT_SETTINGS.ui;
    applyAppearance(ui, navigator.languages ?? [navigator.language]);
  });
}
