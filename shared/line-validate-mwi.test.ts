/** Issue 12 §6: the line's mailbox settings `mwi` (on unless false) and `mailboxCode`. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type LineConfig } from './settings';
import { settingsErrors, validateSettings } from './settings-validate';

const line: LineConfig = { id: 'l1', enabled: true, displayName: 'Reception', user: '100', domain: 'pbx.example.com', transport: 'udp', expires: 600 };
const base = { ...DEFAULT_SETTINGS, lines: [line] };

describe('line mailbox settings', () => {
  it('stores only a switch-off and a voicemail number, and leaves an untouched line as it was', () => {
    const off = validateSettings({ ...base, lines: [{ ...line, mwi: false, mailboxCode: '*97' }] });
    expect(off.ok && off.value.lines[0]).toMatchObject({ mwi: false, mailboxCode: '*97' });
    const on = validateSettings({ ...base, lines: [{ ...line, mwi: true, mailboxCode: '' }] });
    expect(on.ok && on.value.lines[0]).toEqual(line);
  });

  it('names each bad field', () => {
    const errors = settingsErrors({ ...base, lines: [{ ...line, mwi: 'yes', mailboxCode: '*97 x' }] });
    expect(errors).toEqual([
      { field: 'lines.0.mwi', message: 'Line 1: voicemail indicator must be true or false' },
      { field: 'lines.0.mailboxCode', message: 'Line 1: voicemail number must be 1–32 digits, letters, *, # or +' },
    ]);
  });
});
