import { describe, expect, it } from 'vitest';
import { isContactNumber } from './directory-key';
import { directorySettingsErrors, normalizeDirectorySettings } from './directory-validate';
import { DEFAULT_SETTINGS } from './settings';
import { describeProblems, settingsErrors, validateSettings } from './settings-validate';

describe('isContactNumber', () => {
  it('takes phone numbers with separators, sip:/tel: URIs and user@host', () => {
    for (const ok of ['101', '+49 30 1234567', '(030) 98765-43', '0711 / 98 76 54', '*97', '+49-160-5551234', 'sip:101@pbx', 'sips:anna.alt@pbx.example.com;transport=tls', 'tel:+49-30-123;phone-context=example.com', 'anna@pbx.example.com'])
      expect(isContactNumber(ok), ok).toBe(true);
  });

  it('refuses names, words, blanks around and lone schemes', () => {
    for (const bad of ['', ' 101', 'Anna', 'ask reception', 'sip:', 'tel:call-me', '101 ext 5', 'Anna <sip:101@pbx>', '4.93E+11x'])
      expect(isContactNumber(bad), bad).toBe(false);
  });
});

describe('directorySettingsErrors', () => {
  it('gives files without the block (or without contacts) no contacts', () => {
    expect(directorySettingsErrors(undefined)).toEqual([]);
    expect(directorySettingsErrors({})).toEqual([]);
    expect(normalizeDirectorySettings(undefined)).toEqual({ contacts: [] });
    const loaded = validateSettings({});
    expect(loaded.ok && loaded.value.directory).toEqual(DEFAULT_SETTINGS.directory);
  });

  it('keeps valid contacts, only their known fields', () => {
    const contacts = [{ name: 'Anna Alt', number: '+49 30 1234567' }, { name: 'Ben', number: 'sip:102@pbx' }];
    const loaded = validateSettings({ directory: { contacts } });
    expect(loaded.ok && loaded.value.directory).toEqual({ contacts });
  });

  it('names every problem with its field, through the settings validator too', () => {
    const errors = settingsErrors({
      directory: {
        contacts: [
          { name: 'Anna', number: '101' },
          { name: '', number: '102' },
          { name: 'x'.repeat(101), number: '103' },
          { name: 'Eve\r\nVia: evil', number: '104' },
          { name: 'Dan', number: 'call me' },
          { name: 'Fay', number: '105\n' },
          'Gus 106',
          { name: 'Hal', number: '107', note: 'x' },
        ],
        extra: true,
      },
    });
    expect(errors).toEqual([
      { field: 'directory.extra', message: 'Directory: unknown setting "extra"' },
      { field: 'directory.contacts.1.name', message: 'Directory: contact 2: name must be text of 1 to 100 characters' },
      { field: 'directory.contacts.2.name', message: 'Directory: contact 3: name must be at most 100 characters' },
      { field: 'directory.contacts.3.name', message: expect.stringMatching(/^Directory: contact 4: name must not contain control characters/) },
      { field: 'directory.contacts.4.number', message: expect.stringMatching(/^Directory: contact 5: number must be a phone number/) },
      { field: 'directory.contacts.5.number', message: expect.stringMatching(/^Directory: contact 6: number must not contain control characters/) },
      { field: 'directory.contacts.6', message: 'Directory: contact 7: must be an object with a name and a number' },
      { field: 'directory.contacts.7.note', message: 'Directory: contact 8: unknown setting "note"' },
    ]);
    expect(describeProblems(errors)).toContain('(field directory.contacts.4.number)');
  });

  it('refuses a block that is not an object, contacts that are not a list, and more than 5,000 contacts', () => {
    expect(directorySettingsErrors([])).toEqual([{ field: 'directory', message: 'Directory settings must be an object' }]);
    expect(directorySettingsErrors({ contacts: {} })).toEqual([{ field: 'directory.contacts', message: 'Directory: contacts must be a list' }]);
    const many = Array.from({ length: 5001 }, (_, i) => ({ name: `P${i}`, number: String(i) }));
    expect(directorySettingsErrors({ contacts: many })).toEqual([
      { field: 'directory.contacts', message: 'Directory: at most 5000 contacts are supported (5001 given)' },
    ]);
  });

  it('stops listing contact problems after 50, so one broken import does not bury the rest', () => {
    const bad = Array.from({ length: 400 }, () => ({ name: '', number: '' }));
    expect(directorySettingsErrors({ contacts: bad })).toHaveLength(50);
  });
});
