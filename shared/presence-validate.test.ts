import { describe, it, expect } from 'vitest';
import { commandValidators } from './contract';
import { normalizePresenceSettings, presenceSettingsErrors } from './presence-validate';
import { DEFAULT_SETTINGS } from './settings';

const states = (...customStates: unknown[]): unknown => ({ customStates });

describe('presence settings', () => {
  it('accepts the defaults and a file from before presence settings', () => {
    expect(presenceSettingsErrors(DEFAULT_SETTINGS.presence)).toEqual([]);
    expect(presenceSettingsErrors(undefined)).toEqual([]);
    expect(normalizePresenceSettings(undefined)).toEqual(DEFAULT_SETTINGS.presence);
  });

  it('refuses a custom state label with a control character (it is published as the PIDF note)', () => {
    for (const label of ['Lunch\r\nEvil', 'Lunch\u0000', 'Lu\tnch'])
      expect(presenceSettingsErrors(states({ id: 'ok', label: 'Fine', base: 'away' }, { id: 'lunch', label, base: 'away' }))).toEqual([
        { field: 'presence.customStates.1.label', message: 'Custom state 2: label must not contain control characters (CR, LF, tab, NUL …)' },
      ]);
  });

  it('still checks label length and the other fields', () => {
    const fields = presenceSettingsErrors(states({ id: 'a b', label: '', base: 'busy' })).map((e) => e.field);
    expect(fields).toEqual(['presence.customStates.0.id', 'presence.customStates.0.label', 'presence.customStates.0.base']);
    expect(presenceSettingsErrors(states({ id: 'x', label: 'Im Büro – “Zürich”', base: 'dnd' }))).toEqual([]);
  });

  it('refuses a custom state id used twice, naming the second (ids key the published state and the menu)', () => {
    const lunch = { id: 'lunch', label: 'Lunch', base: 'away' };
    expect(presenceSettingsErrors(states(lunch, { id: 'meeting', label: 'Meeting', base: 'dnd' }, { ...lunch, label: 'Late lunch' }))).toEqual([
      { field: 'presence.customStates.2.id', message: 'Custom state 3: id "lunch" is used twice' },
    ]);
  });
});

describe('presence.set', () => {
  const set = commandValidators['presence.set'];

  it('refuses a note with a control character, naming the field', () => {
    for (const note of ['Back at 2\r\nVia: evil', 'a\u0000b', 'a\tb'])
      expect(set({ state: 'away', note })).toEqual({
        ok: false,
        error: { code: 'invalid-argument', message: 'note must not contain control characters (CR, LF, tab, NUL …)', field: 'note' },
      });
  });

  it('accepts a printable note', () => {
    expect(set({ state: 'away', note: 'Zurück um 14:00 – “Mittag”' })).toEqual({ ok: true, value: { state: 'away', note: 'Zurück um 14:00 – “Mittag”' } });
  });
});
