import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from './settings';
import { settingsErrors, validateSettings } from './settings-validate';
import { normalizeUiSettings, uiSettingsErrors } from './ui-validate';

describe('uiSettingsErrors', () => {
  it('accepts an absent block, each language and each theme', () => {
    expect(uiSettingsErrors(undefined)).toEqual([]);
    for (const language of ['auto', 'en', 'de']) expect(uiSettingsErrors({ language })).toEqual([]);
    for (const theme of ['auto', 'light', 'dark']) expect(uiSettingsErrors({ theme })).toEqual([]);
  });

  it('names the field of every problem', () => {
    expect(uiSettingsErrors([])).toEqual([{ field: 'ui', message: 'Appearance settings must be an object' }]);
    expect(uiSettingsErrors({ language: 'fr', theme: 'blue', font: 'x' }).map((e) => e.field)).toEqual(['ui.font', 'ui.language', 'ui.theme']);
    expect(uiSettingsErrors({ language: 'fr' })[0]?.message).toBe('Appearance: language must be one of auto, en, de');
  });
});

describe('normalizeUiSettings', () => {
  it('fills what is missing with the defaults', () => {
    expect(normalizeUiSettings(undefined)).toEqual({ language: 'auto', theme: 'auto' });
    expect(normalizeUiSettings({ theme: 'dark' })).toEqual({ language: 'auto', theme: 'dark' });
    expect(normalizeUiSettings({ language: 'de', theme: 'light' })).toEqual({ language: 'de', theme: 'light' });
  });
});

describe('settings validation with ui', () => {
  it('gives the defaults to a file without a ui block and keeps a valid one', () => {
    const without = validateSettings({});
    expect(without.ok && without.value.ui).toEqual(DEFAULT_SETTINGS.ui);
    const chosen = validateSettings({ ui: { language: 'de', theme: 'dark' } });
    expect(chosen.ok && chosen.value.ui).toEqual({ language: 'de', theme: 'dark' });
  });

  it('reports a bad ui value among the other problems', () => {
    expect(settingsErrors({ ui: { theme: 'neon' } })).toEqual([{ field: 'ui.theme', message: 'Appearance: theme must be one of auto, light, dark' }]);
  });
});
