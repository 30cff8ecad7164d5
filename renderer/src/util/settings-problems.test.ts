import { describe, expect, it } from 'vitest';
import { describeProblems } from '../../../shared/settings-validate';
import { splitSettingsProblem } from './settings-problems';

describe('splitSettingsProblem', () => {
  const errors = [
    { field: 'sip.t1Ms', message: 'SIP timers: T1 must be a whole number of milliseconds from 50 to 10000' },
    { field: 'lines.0.domain', message: 'Line 1: domain must be a host name, IPv4 address or [IPv6] address' },
  ];

  it('lists each problem of a refused file with its field', () => {
    const text = `/data/settings.json was refused: ${describeProblems(errors)}. The file was left untouched; the last good settings are in use.`;
    expect(splitSettingsProblem(text)).toEqual({
      summary: '/data/settings.json was refused',
      items: errors.map(({ field, message }) => ({ field, message })),
      more: 0,
      note: 'The file was left untouched; the last good settings are in use.',
    });
  });

  it('keeps what was set aside in the summary and counts what the engine did not spell out', () => {
    const many = Array.from({ length: 4 }, (_, i) => ({ field: `tiles.${i}.uri`, message: `Key ${i + 1}: address must be a SIP URI` }));
    const text = `/d/s.json: line 1 disabled; key 2 left out until fixed in Settings: ${describeProblems(many, 2)}. The file was left untouched.`;
    const parts = splitSettingsProblem(text);
    expect(parts.summary).toBe('/d/s.json: line 1 disabled; key 2 left out until fixed in Settings');
    expect(parts.items).toEqual(many.slice(0, 2));
    expect(parts.more).toBe(2);
  });

  it('keeps a problem without a field and a text that is no list', () => {
    expect(splitSettingsProblem('/d/s.json was refused: Settings must be a JSON object. The file was left untouched.').items).toEqual([
      { message: 'Settings must be a JSON object' },
    ]);
    expect(splitSettingsProblem('/d/s.json is not valid JSON (Unexpected token); it was left untouched')).toEqual({
      summary: '/d/s.json is not valid JSON (Unexpected token); it was left untouched',
      items: [],
      more: 0,
    });
  });
});
