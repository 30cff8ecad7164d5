import { describe, expect, it } from 'vitest';
import { buildDirectory, directoryKey, isBareLabel, lookupIn, lookupName, partyName, tileDisplayName } from './directory';

describe('directoryKey', () => {
  it('brings numbers and addresses of one extension to one key', () => {
    for (const text of ['101', ' 101 ', 'sip:101@test.local', 'sips:101@pbx;transport=tls', '<sip:101@pbx>', 'Anna <sip:101@pbx>', '101@pbx', 'tel:101'])
      expect(directoryKey(text), text).toBe('101');
  });

  it('drops separators from phone numbers and keeps the plus', () => {
    expect(directoryKey('tel:+49-30-123;phone-context=example.com')).toBe('+4930123');
    expect(directoryKey('+49 (30) 123')).toBe('+4930123');
    expect(directoryKey('sip:%2B4930123@pbx')).toBe('+4930123');
    expect(directoryKey('(030) 98765-43')).toBe('0309876543');
  });

  it('keeps named users, case-folded, and has no key for empty text', () => {
    expect(directoryKey('sip:Anna.Alt@pbx')).toBe('anna.alt');
    expect(directoryKey('')).toBeUndefined();
    expect(directoryKey('   ')).toBeUndefined();
    expect(directoryKey(undefined)).toBeUndefined();
  });
});

describe('buildDirectory and lookupName', () => {
  const tiles = [
    { name: 'Anna Alt', uri: 'sip:102@test.local' },
    { name: 'Park 1', uri: '701', park: true },
    { name: 'sip:103@test.local', uri: 'sip:103@test.local', listId: 'team' },
    { name: 'Cleo from the list', uri: 'sip:104@test.local', listId: 'team' },
    { name: 'Anna (list)', uri: 'sip:102@test.local', listId: 'team' },
    { name: '105', uri: '105' },
  ];
  const history: [string, string][] = [
    ['102', 'Anna from history'],
    ['0301234', 'Müller GmbH'],
    ['106', '106'],
  ];
  const contacts = [
    { name: 'Anna (contacts)', number: '+49 30 102' },
    { name: 'Dora Contact', number: '102' },
    { name: 'Müller from the address book', number: '030 1234' },
    { name: 'Cleo (contacts)', number: 'sip:104@other' },
    { name: 'Eva Import', number: '(030) 98765-43' },
  ];
  const directory = buildDirectory(tiles, { contacts, historyNames: history });

  it('names a number by the configured tile, whatever form the number comes in', () => {
    expect(lookupName(directory, '102')).toBe('Anna Alt');
    expect(lookupName(directory, 'sip:102@other.host')).toBe('Anna Alt');
    expect(lookupName(directory, 'tel:102')).toBe('Anna Alt');
  });

  it('then a named list member, then an imported contact, then a history name', () => {
    expect(lookupName(directory, '104')).toBe('Cleo from the list');
    expect(lookupName(directory, 'tel:030-1234')).toBe('Müller from the address book');
    expect(lookupName(directory, '+4930102')).toBe('Anna (contacts)');
    expect(lookupName(directory, 'sip:03098765-43@trunk')).toBe('Eva Import');
    expect(lookupName(buildDirectory(tiles, { historyNames: history }), '0301234')).toBe('Müller GmbH');
  });

  it('never takes a label that is only the address, nor a park slot', () => {
    expect(lookupName(directory, '103')).toBeUndefined();
    expect(lookupName(directory, '105')).toBeUndefined();
    expect(lookupName(directory, '106')).toBeUndefined();
    expect(lookupName(directory, '701')).toBeUndefined();
    expect(lookupName(directory, '999')).toBeUndefined();
    expect(lookupName(directory, undefined)).toBeUndefined();
  });

  it('tells bare labels from names', () => {
    expect(isBareLabel('sip:101@test.local', 'sip:101@test.local')).toBe(true);
    expect(isBareLabel('101', 'sip:101@test.local')).toBe(true);
    expect(isBareLabel('', '101')).toBe(true);
    expect(isBareLabel('Anna', '101')).toBe(false);
  });

  it('names a tile: its own label, else the directory, else the bare number', () => {
    const lookup = lookupIn(directory);
    expect(tileDisplayName({ name: 'Ben', uri: 'sip:102@test.local' }, lookup)).toBe('Ben');
    expect(tileDisplayName({ name: 'sip:102@test.local', uri: 'sip:102@test.local' }, lookup)).toBe('Anna Alt');
    expect(tileDisplayName({ name: 'sip:107@test.local', uri: 'sip:107@test.local' }, lookup)).toBe('107');
    expect(tileDisplayName({ name: 'sip:107@test.local', uri: 'sip:107@test.local' })).toBe('107');
  });

  it('names a party: the name the PBX sent, else the directory', () => {
    const lookup = lookupIn(directory);
    expect(partyName({ number: '102', name: 'Front desk' }, lookup)).toBe('Front desk');
    expect(partyName({ number: '102' }, lookup)).toBe('Anna Alt');
    expect(partyName({ number: '102', name: '102' }, lookup)).toBe('Anna Alt');
    expect(partyName({ uri: 'sip:102@test.local', name: 'sip:102@test.local' }, lookup)).toBe('Anna Alt');
    expect(partyName({ number: '999' }, lookup)).toBeUndefined();
    expect(partyName(undefined, lookup)).toBeUndefined();
  });
});
