import { describe, expect, it } from 'vitest';
import { settingsInputErrors } from '../../../shared/settings-validate';
import { makeSettings } from '../testing/fake-console-api';
import { draftFrom, toInput } from './settings-draft';
import { emptyCustomState, featureCodesToInput, draftFeatureCodesFrom, idFromLabel } from './setup-draft';

describe('setup draft', () => {
  it('gives back exactly the saved settings when nothing was edited (so the screen is not "unsaved")', () => {
    const settings = makeSettings();
    settings.lines[0] = { ...settings.lines[0]!, featureCodes: { dnd: '*78', available: '*79' }, srtp: 'off', busyWhenOnCall: true };
    settings.ui = { language: 'de', theme: 'dark' };
    const input = toInput(draftFrom(settings));
    expect(input.presence).toEqual(settings.presence);
    expect(input.calls).toEqual(settings.calls);
    expect(input.ui).toEqual(settings.ui);
    expect(input.lines[0]).toMatchObject({ featureCodes: { dnd: '*78', available: '*79' }, srtp: 'off', busyWhenOnCall: true });
    expect(input.lines[1]).not.toHaveProperty('featureCodes');
    expect(input.lines[1]).not.toHaveProperty('srtp');
    expect(input.lines[1]).not.toHaveProperty('busyWhenOnCall');
    expect(settingsInputErrors(input)).toEqual([]);
  });

  it('keeps only the feature codes that were typed, trimmed', () => {
    const codes = draftFeatureCodesFrom({ away: '*80' });
    expect(codes).toEqual({ available: '', away: '*80', xa: '', chat: '', dnd: '', unavailable: '' });
    codes.dnd = ' *78 ';
    codes.away = '';
    expect(featureCodesToInput(codes)).toEqual({ dnd: '*78' });
    codes.dnd = '  ';
    expect(featureCodesToInput(codes)).toBeUndefined();
  });

  it('names the field of a bad value typed in the new forms', () => {
    const draft = draftFrom(makeSettings());
    draft.presence.autoAwayMinutes = '10x';
    draft.calls.holdReminderSeconds = '';
    draft.lines[0]!.featureCodes.dnd = '*7 8';
    draft.presence.customStates.push(emptyCustomState());
    const fields = settingsInputErrors(toInput(draft)).map((error) => error.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'presence.autoAwayMinutes',
        'calls.holdReminderSeconds',
        'lines.0.featureCodes.dnd',
        'presence.customStates.2.id',
        'presence.customStates.2.label',
      ]),
    );
  });

  it('saves a new custom state without its form-only fields', () => {
    const draft = draftFrom(makeSettings());
    draft.presence.customStates.push({ ...emptyCustomState(), id: 'school-run', label: ' School run ', base: 'xa' });
    expect(toInput(draft).presence.customStates[2]).toEqual({ id: 'school-run', label: 'School run', base: 'xa' });
  });

  it('derives a valid id from a label', () => {
    expect(idFromLabel('Out to lunch')).toBe('out-to-lunch');
    expect(idFromLabel('  Büro / Home-Office! ')).toBe('buro-home-office');
    expect(idFromLabel('x'.repeat(40))).toHaveLength(32);
  });
});
