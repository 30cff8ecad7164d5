import { describe, expect, it } from 'vitest';
import { mergeContacts, parseContacts, type ContactsImport, type ContactsImportResult } from './contacts-import';
import { settingsErrors } from './settings-validate';

// Read from disk: shared/'s types have no Node, so `node:fs` comes in untyped (as in renderer/src/styles/contrast.test.ts).
// Tests run from the repo root.
const fsModule = 'node:fs';
const fs = (await import(/* @vite-ignore */ fsModule)) as { readFileSync: (path: string, encoding: 'utf8') => string };
const fixture = (name: string): string => fs.readFileSync(`test/fixtures/contacts/${name}`, 'utf8');

function parsed(text: string): ContactsImport {
  const result: ContactsImportResult = parseContacts(text);
  if (!result.ok) throw new Error(result.message);
  // Whatever the import returns, main must accept it as the directory block.
  expect(settingsErrors({ directory: { contacts: result.contacts } })).toEqual([]);
  return result;
}

const pairs = (result: ContactsImport): string[] => result.contacts.map((c) => `${c.name} = ${c.number}`);

describe('parseContacts: CSV', () => {
  it('reads an Outlook export: first/middle/last name, every phone column but faxes, company as the fallback name', () => {
    const result = parsed(fixture('outlook-export.csv'));
    expect(result.format).toBe('csv');
    expect(pairs(result)).toEqual([
      'Anna Schmidt = +49 30 1234567',
      'Anna Schmidt = +49 171 2345678',
      'Jonas M. Becker = (030) 98765-43',
      'Jonas M. Becker = +49 30 5550101',
      'Müller Elektro KG = +49 89 445566-0',
      'Paul Zimmermann = +49 160 9988776',
    ]);
    // The quoted note spans two lines, so Clara's row starts on line 6.
    expect(result.skipped).toEqual([
      { line: 6, reason: 'no-number', value: 'Clara Jensen' },
      { line: 7, reason: 'bad-number', value: 'ask reception' },
    ]);
  });

  it('reads a Google export: "Phone n - Value" columns, several numbers in one cell, no "Label" or "Phonetic" columns', () => {
    const result = parsed(fixture('google-export.csv'));
    expect(pairs(result)).toEqual([
      'Emma Fischer = +49 40 3334440',
      'Emma Fischer = +49 152 11223344',
      'Emma Fischer = +49 152 11223355',
      'Felix Wagner = +49 176 5556667',
      'Pizzeria Da Luigi = 0221 778899',
    ]);
    expect(result.skipped).toEqual([{ line: 6, reason: 'no-number', value: 'Greta Hoffmann' }]);
  });

  it('reads a German Excel export: BOM, ";" delimiter, German headers, a quoted ";" and Durchwahl', () => {
    const result = parsed(fixture('outlook-de-semicolon.csv'));
    expect(pairs(result)).toEqual([
      'Hannah Klein = +49 711 123450',
      'Hannah Klein = +49 170 1112223',
      'Max Richter = 0711 / 98 76 54',
      'Lena Koch = 205',
      'Stadtwerke Süd = 0800 1234567',
    ]);
    expect(result.skipped).toEqual([{ line: 5, reason: 'no-number', value: 'Tim Braun' }]);
  });

  it('detects a tab delimiter and reads "" escapes and a Name column', () => {
    const result = parsed('Name\tTelefon\tHandy\n"Anna ""Annie"" Alt"\t+49 30 1\t\n\t+49 30 2\t\n');
    expect(pairs(result)).toEqual(['Anna "Annie" Alt = +49 30 1']);
    expect(result.skipped).toEqual([{ line: 3, reason: 'no-name', value: '+49 30 2' }]);
  });

  it('drops a contact listed twice with the same number in another spelling', () => {
    expect(pairs(parsed('Name,Business Phone,Company Main Phone\nAnna,+49 30 1234,+49-30-1234\n'))).toEqual(['Anna = +49 30 1234']);
  });

  it('refuses a file without a name or a number column, naming the columns it looks for', () => {
    expect(parseContacts('E-mail,Phone\nanna@example.com,101\n')).toMatchObject({ ok: false, reason: 'no-name-column' });
    const noNumber = parseContacts('First Name,Last Name,E-mail\nAnna,Alt,a@example.com\n');
    expect(noNumber).toMatchObject({ ok: false, reason: 'no-number-column' });
    expect(!noNumber.ok && noNumber.message).toContain('Phone');
  });
});

describe('parseContacts: vCard', () => {
  it('reads a vCard 3.0 export: TYPE params, item groups, escapes, folded lines, a PHOTO', () => {
    const result = parsed(fixture('thunderbird-3.0.vcf'));
    expect(result.format).toBe('vcard');
    expect(pairs(result)).toEqual([
      'Ben Okafor = +49 30 7654321',
      'Ben Okafor = +49 151 23456789',
      'Nele Weber (Buchhaltung) = 0711 22334-5',
      'Nele Weber (Buchhaltung) = +49 711 9988',
      'Oskar Lange = +49 40 111222',
      'Meyer, Paula = +49 172 3344556',
    ]);
    expect(result.skipped).toEqual([{ line: 27, entry: 4, reason: 'no-number', value: 'Zoe Alt' }]);
  });

  it('reads a vCard 4.0 file: tel: URIs (VALUE=uri, parameters dropped), a sip: IMPP, a folded FN', () => {
    const result = parsed(fixture('contacts-4.0.vcf'));
    expect(pairs(result)).toEqual([
      'David Krüger = 102',
      'David Krüger = +49-160-5551234',
      'David Krüger = sip:david.krueger@pbx.example.com',
      'Sophie Martin-Lefèvre = +33-1-45-67-89-00',
    ]);
    expect(result.skipped).toEqual([{ line: 15, entry: 3, reason: 'bad-number', value: 'tel:call-me-maybe' }]);
  });

  it('decodes a vCard 2.1 quoted-printable name and skips an encoding it does not read', () => {
    const result = parsed(fixture('phone-2.1.vcf'));
    expect(pairs(result)).toEqual(['Jürgen Günther = +49 221 556677', 'Jürgen Günther = +49 171 9090909']);
    expect(result.skipped).toEqual([{ line: 8, entry: 2, reason: 'encoding', value: 'BASE64' }]);
  });

  it('takes N as "Given Family" without FN, unescapes \\, \\; \\\\ and \\n, and joins soft line breaks of 2.1', () => {
    const card = [
      'BEGIN:VCARD', 'VERSION:3.0', 'N:Alt;Anna;;;', 'TEL:101', 'END:VCARD',
      'BEGIN:VCARD', 'VERSION:3.0', 'FN:A\\; B\\, C\\\\D\\nE', 'TEL:102', 'END:VCARD',
      'BEGIN:VCARD', 'VERSION:2.1', 'FN;ENCODING=QUOTED-PRINTABLE:M=C3=BC=', 'ller', 'TEL:103', 'END:VCARD',
    ].join('\r\n');
    expect(pairs(parsed(card))).toEqual(['Anna Alt = 101', 'A; B, C\\D E = 102', 'Müller = 103']);
  });

  it('names a card without END:VCARD', () => {
    const result = parsed('BEGIN:VCARD\nFN:Anna\nTEL:101\nEND:VCARD\nBEGIN:VCARD\nFN:Ben\nTEL:102\n');
    expect(pairs(result)).toEqual(['Anna = 101']);
    expect(result.skipped).toEqual([{ line: 5, entry: 2, reason: 'unterminated' }]);
  });
});

describe('parseContacts: limits', () => {
  it('refuses an empty file and one over 2 MB', () => {
    expect(parseContacts('\uFEFF  \n')).toMatchObject({ ok: false, reason: 'empty' });
    const big = `Name,Phone\n${'Anna,101\n'.repeat(240_000)}`;
    const result = parseContacts(big);
    expect(result).toMatchObject({ ok: false, reason: 'too-large' });
    expect(!result.ok && result.message).toContain('2 MB');
  });

  it('refuses more than 5,000 contacts, counting one per number', () => {
    const rows = Array.from({ length: 2501 }, (_, i) => `Person ${i},${1000 + i},${9000 + i}`).join('\n');
    const result = parseContacts(`Name,Phone,Mobile\n${rows}\n`);
    expect(result).toMatchObject({ ok: false, reason: 'too-many', count: 5002 });
    expect(!result.ok && result.message).toContain('at most 5000');
  });

  it('skips a name over 100 characters and a name with control characters', () => {
    const result = parsed(`Name,Phone\n${'x'.repeat(101)},101\nAnna\u0007,102\nBen,103\n`);
    expect(pairs(result)).toEqual(['Ben = 103']);
    expect(result.skipped.map((s) => s.reason)).toEqual(['bad-name', 'bad-name']);
  });
});

describe('mergeContacts', () => {
  const existing = [{ name: 'Anna', number: '101' }];
  it('replaces, or adds what is new', () => {
    const imported = [{ name: 'Anna', number: 'tel:101' }, { name: 'Ben', number: '102' }];
    expect(mergeContacts(existing, imported, 'replace')).toEqual({ ok: true, contacts: imported });
    expect(mergeContacts(existing, imported, 'add')).toEqual({ ok: true, contacts: [...existing, { name: 'Ben', number: '102' }] });
  });

  it('refuses to go over 5,000 contacts together', () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ name: `P${i}`, number: String(10000 + i) }));
    expect(mergeContacts(existing, many, 'add')).toMatchObject({ ok: false, reason: 'too-many', count: 5001 });
    expect(mergeContacts(existing, many, 'replace')).toMatchObject({ ok: true });
  });
});
