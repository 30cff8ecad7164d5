import { describe, expect, it } from 'vitest';
import { makeSettings } from '../testing/fake-console-api';
import { draftFrom, toInput } from './settings-draft';

describe('settings draft', () => {
  it('carries the call options through a save', () => {
    const settings = makeSettings();
    settings.lines[0] = { ...settings.lines[0]!, voicemailCode: '*97', busyWhenOnCall: true };
    settings.calls = { ...settings.calls, holdReminderSeconds: 45, notifications: false };
    const input = toInput(draftFrom(settings));
    expect(input.lines[0]).toMatchObject({ voicemailCode: '*97', busyWhenOnCall: true });
    expect(input.lines[1]).not.toHaveProperty('voicemailCode');
    expect(input.calls).toEqual(settings.calls);
  });

  it('carries the transfer, pickup and park codes through a save, and an emptied code is dropped', () => {
    const settings = makeSettings();
    settings.lines[0] = { ...settings.lines[0]!, transferCode: '##', pickupPrefix: '*8', parkCode: '700', voicemailTransferPrefix: '*' };
    const draft = draftFrom(settings);
    expect(toInput(draft).lines[0]).toMatchObject({ transferCode: '##', pickupPrefix: '*8', parkCode: '700', voicemailTransferPrefix: '*' });
    draft.lines[0]!.parkCode = '  ';
    draft.lines[1]!.pickupPrefix = ' ** ';
    const input = toInput(draft);
    expect(input.lines[0]).not.toHaveProperty('parkCode');
    expect(input.lines[1]).toMatchObject({ pickupPrefix: '**' });
    expect(input.lines[1]).not.toHaveProperty('transferCode');
  });
});
