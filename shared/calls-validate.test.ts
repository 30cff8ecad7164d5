import { describe, expect, it } from 'vitest';
import { commandValidators } from './contract';
import { DEFAULT_SETTINGS } from './settings';
import { settingsErrors, validateSettings } from './settings-validate';

const base = { ...DEFAULT_SETTINGS, lines: [] };

describe('calls settings', () => {
  it('fills the defaults for a file without a calls block, and for missing fields', () => {
    const { calls: _omitted, ...old } = base;
    const result = validateSettings(old);
    expect(result.ok && result.value.calls).toEqual(DEFAULT_SETTINGS.calls);
    const partial = validateSettings({ ...base, calls: { holdReminderSeconds: 0 } });
    expect(partial.ok && partial.value.calls).toEqual({ ...DEFAULT_SETTINGS.calls, holdReminderSeconds: 0 });
  });

  it('names each bad field', () => {
    const fields = (calls: unknown): string[] => settingsErrors({ ...base, calls }).map((e) => e.field);
    expect(fields('x')).toEqual(['calls']);
    expect(fields({ rtpPortMin: 20001 })).toEqual(['calls.rtpPortMin']);
    expect(fields({ rtpPortMin: 20000, rtpPortMax: 20001 })).toEqual(['calls.rtpPortMax']);
    expect(fields({ rtpPortMin: 80 })).toEqual(['calls.rtpPortMin']);
    expect(fields({ holdReminderSeconds: -1, notifications: 'yes', historyLimit: 5, ring: 1 })).toEqual([
      'calls.ring',
      'calls.holdReminderSeconds',
      'calls.notifications',
      'calls.historyLimit',
    ]);
  });

  it('checks the per-line call fields', () => {
    const line = { id: 'a', enabled: true, displayName: 'A', user: '200', domain: 'pbx.test', transport: 'udp', expires: 600 };
    const errors = settingsErrors({ ...base, lines: [{ ...line, busyWhenOnCall: 'yes', voicemailCode: '*97 x' }] });
    expect(errors.map((e) => e.field)).toEqual(['lines.0.busyWhenOnCall', 'lines.0.voicemailCode']);
    const good = validateSettings({ ...base, lines: [{ ...line, busyWhenOnCall: true, voicemailCode: '*97' }] });
    expect(good.ok && good.value.lines[0]).toMatchObject({ busyWhenOnCall: true, voicemailCode: '*97' });
  });
});

describe('calls and history command arguments', () => {
  it('accepts a target and an optional line, refuses junk with the field', () => {
    expect(commandValidators['calls.dial']({ target: ' 102 ' })).toEqual({ ok: true, value: { target: '102' } });
    expect(commandValidators['calls.dial']({ target: 'sip:102@pbx', line: 2 })).toEqual({ ok: true, value: { line: 2, target: 'sip:102@pbx' } });
    expect(commandValidators['calls.dial']({ target: '' })).toMatchObject({ ok: false, error: { field: 'target' } });
    expect(commandValidators['calls.dial']({ target: '1\r\nX: y' })).toMatchObject({ ok: false, error: { field: 'target' } });
    expect(commandValidators['calls.dial']({ target: '1', line: 0 })).toMatchObject({ ok: false, error: { field: 'line' } });
  });

  it('checks call ids, DTMF digits and voicemail flags', () => {
    expect(commandValidators['calls.answer']({ call: 'c1' })).toEqual({ ok: true, value: { call: 'c1' } });
    expect(commandValidators['calls.answer']({ call: '../x' })).toMatchObject({ ok: false, error: { field: 'call' } });
    expect(commandValidators['calls.reject']({ call: 'c1', voicemail: true })).toEqual({ ok: true, value: { call: 'c1', voicemail: true } });
    expect(commandValidators['calls.reject']({ call: 'c1', voicemail: 1 })).toMatchObject({ ok: false, error: { field: 'voicemail' } });
    expect(commandValidators['calls.sendDtmf']({ call: 'c1', digits: '12*#A' })).toMatchObject({ ok: true });
    expect(commandValidators['calls.sendDtmf']({ call: 'c1', digits: '1x' })).toMatchObject({ ok: false, error: { field: 'digits' } });
  });

  it('pages the history with a filter, cursor and limit', () => {
    expect(commandValidators['history.list'](undefined)).toEqual({ ok: true, value: {} });
    expect(commandValidators['history.list']({ filter: 'missed', before: 10, limit: 50 })).toEqual({ ok: true, value: { filter: 'missed', before: 10, limit: 50 } });
    expect(commandValidators['history.list']({ filter: 'lost' })).toMatchObject({ ok: false, error: { field: 'filter' } });
    expect(commandValidators['history.list']({ limit: 501 })).toMatchObject({ ok: false, error: { field: 'limit' } });
    expect(commandValidators['history.markSeen'](undefined)).toMatchObject({ ok: true });
  });
});
