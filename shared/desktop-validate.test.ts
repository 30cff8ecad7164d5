import { describe, expect, it } from 'vitest';
import { acceleratorProblem, desktopSettingsErrors, normalizeDesktopSettings } from './desktop-validate';
import { DEFAULT_SETTINGS } from './settings';
import { settingsErrors, validateSettings } from './settings-validate';

describe('acceleratorProblem', () => {
  it('accepts Electron accelerators with a key last', () => {
    for (const ok of ['CommandOrControl+Shift+F9', 'CmdOrCtrl+Alt+A', 'F8', 'MediaPlayPause', 'Super+Space', 'Ctrl+Alt+Plus', 'Alt+num5', 'Control+Shift+/'])
      expect(acceleratorProblem(ok), ok).toBeUndefined();
  });

  it('names what is wrong', () => {
    expect(acceleratorProblem('Ctrl+Shift')).toMatch(/end with a key/);
    expect(acceleratorProblem('Hyper+A')).toMatch(/"Hyper" is not a modifier/);
    expect(acceleratorProblem('Ctrl+Banana')).toMatch(/"Banana" is not a key/);
    expect(acceleratorProblem('Ctrl + A')).toMatch(/without blanks/);
    expect(acceleratorProblem('Ctrl++')).toMatch(/joined by "\+"/);
    expect(acceleratorProblem('Ctrl+Ctrl+A')).toMatch(/twice/);
    expect(acceleratorProblem('A')).toMatch(/modifier besides Shift/);
    expect(acceleratorProblem('Shift+Space')).toMatch(/modifier besides Shift/);
    expect(acceleratorProblem(`Ctrl+${'Shift+'.repeat(12)}A`)).toMatch(/at most 64/);
  });
});

describe('desktopSettingsErrors', () => {
  it('lets a missing block or field take the defaults', () => {
    expect(desktopSettingsErrors(undefined)).toEqual([]);
    expect(normalizeDesktopSettings(undefined)).toEqual(DEFAULT_SETTINGS.desktop);
    expect(normalizeDesktopSettings({ startAtLogin: true })).toEqual({ ...DEFAULT_SETTINGS.desktop, startAtLogin: true });
    const loaded = validateSettings({});
    expect(loaded.ok && loaded.value.desktop).toEqual({ startAtLogin: false, answerShortcut: 'CommandOrControl+Shift+F9' });
  });

  it("takes '' as no shortcut", () => {
    expect(desktopSettingsErrors({ answerShortcut: '' })).toEqual([]);
    expect(normalizeDesktopSettings({ answerShortcut: '' }).answerShortcut).toBe('');
  });

  it('lists every problem with its field, through the settings validator too', () => {
    expect(settingsErrors({ desktop: { startAtLogin: 'yes', answerShortcut: 'Q', extra: 1 } })).toEqual([
      { field: 'desktop.extra', message: 'Desktop: unknown setting "extra"' },
      { field: 'desktop.startAtLogin', message: 'Desktop: start at login must be true or false' },
      { field: 'desktop.answerShortcut', message: expect.stringMatching(/^Desktop: the answer shortcut needs a modifier/) },
    ]);
    expect(desktopSettingsErrors([])).toEqual([{ field: 'desktop', message: 'Desktop settings must be an object' }]);
    expect(desktopSettingsErrors({ answerShortcut: 9 })[0]?.field).toBe('desktop.answerShortcut');
  });
});
