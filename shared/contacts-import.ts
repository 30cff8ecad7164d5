/**
 * The directory's contacts import (issue 12 "Names"): a CSV export (Outlook, Google, a spreadsheet, German or
 * English headers) or a vCard file (2.1, 3.0, 4.0) becomes a list of `{ name, number }` contacts, one per number, with
 * every skipped row or card named and why. Pure: the Settings screen parses the file the user picked and previews
 * it; main validates the saved contacts again (directory-validate.ts), as it does every setting.
 */
import { parseCsvContacts } from './contacts-csv';
import { parseVcardContacts } from './contacts-vcard';
import { contactNameProblem, contactNumberProblem } from './directory-validate';
import { directoryKey, PHONE_NUMBER } from './directory-key';
import { MAX_CONTACT_NAME, MAX_CONTACTS, type DirectoryContact } from './settings';

export type ContactsFormat = 'csv' | 'vcard';

/** Largest file the import reads: 2 MB holds far more than {@link MAX_CONTACTS} contacts in either format. */
export const MAX_CONTACTS_FILE_BYTES = 2 * 1024 * 1024;

/** Why a row or card gave no contact (the Settings screen words each one). */
export type ContactSkipReason =
  | 'no-name'
  | 'no-number'
  | 'bad-number'
  | 'bad-name'
  | 'encoding'
  | 'unterminated';

/** One row (CSV) or card (vCard) — or one number of it — that gave no contact. */
export interface SkippedContact {
  /** 1-based line of the file where the row or card starts. */
  line: number;
  /** 1-based number of the vCard in the file (vCard only). */
  entry?: number;
  reason: ContactSkipReason;
  /** The offending value (the number that is not one, the encoding not understood), when there is one. */
  value?: string;
}

/** What a file gave: its format, the contacts in file order (duplicates dropped) and what was skipped. */
export interface ContactsImport {
  ok: true;
  format: ContactsFormat;
  contacts: DirectoryContact[];
  skipped: SkippedContact[];
}

/** Why a file was refused as a whole. */
export type ContactsImportFailureReason = 'too-large' | 'too-many' | 'empty' | 'no-name-column' | 'no-number-column';

export interface ContactsImportFailure {
  ok: false;
  reason: ContactsImportFailureReason;
  /** English text naming the problem (the Settings screen words it by `reason`). */
  message: string;
  /** The count behind `too-many` (contacts found) or `too-large` (bytes). */
  count?: number;
}

export type ContactsImportResult = ContactsImport | ContactsImportFailure;

/** What the format parsers hand over: one row or card as read, before it is checked. */
export interface RawContact {
  line: number;
  entry?: number;
  name: string;
  numbers: string[];
}

/** What a format parser returns: rows or cards, skips of its own, or a failure of the whole file. */
export type RawParse = { ok: true; rows: RawContact[]; skipped: SkippedContact[] } | ContactsImportFailure;

/** Reads a CSV or vCard file (by its content, never its name) into contacts. */
export function parseContacts(text: string): ContactsImportResult {
  const bytes = utf8Length(text, MAX_CONTACTS_FILE_BYTES);
  if (bytes > MAX_CONTACTS_FILE_BYTES)
    return failure('too-large', `The file is larger than 2 MB; split it into smaller files`, bytes);
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') return failure('empty', 'The file is empty');
  const format: ContactsFormat = /^\s*BEGIN:VCARD/i.test(body) ? 'vcard' : 'csv';
  const raw = format === 'vcard' ? parseVcardContacts(body) : parseCsvContacts(body);
  if (!raw.ok) return raw;
  const skipped = [...raw.skipped];
  const contacts: DirectoryContact[] = [];
  const seen = new Set<string>();
  for (const row of raw.rows) {
    const at = { line: row.line, ...(row.entry !== undefined ? { entry: row.entry } : {}) };
    const numbers = row.numbers.map(tidyNumber).filter((n) => n !== '');
    const name = tidyName(row.name);
    if (name === '' && numbers.length === 0) continue;
    if (name === '') {
      skipped.push({ ...at, reason: 'no-name', value: numbers[0] });
      continue;
    }
    if (numbers.length === 0) {
      skipped.push({ ...at, reason: 'no-number', value: name });
      continue;
    }
    if (contactNameProblem(name)) {
      skipped.push({ ...at, reason: 'bad-name', value: name.slice(0, MAX_CONTACT_NAME) + (name.length > MAX_CONTACT_NAME ? '…' : '') });
      continue;
    }
    for (const number of numbers) {
      if (contactNumberProblem(number)) {
        skipped.push({ ...at, reason: 'bad-number', value: number });
        continue;
      }
      const key = `${name}\u0000${directoryKey(number) ?? number}`;
      if (seen.has(key)) continue;
      seen.add(key);
      contacts.push({ name, number });
    }
  }
  if (contacts.length > MAX_CONTACTS)
    return failure('too-many', `The file holds ${contacts.length} contacts; at most ${MAX_CONTACTS} can be imported`, contacts.length);
  return { ok: true, format, contacts, skipped };
}

/** The contacts after an import: `replace` drops the existing ones, `add` appends the new ones not already there. */
export function mergeContacts(
  existing: readonly DirectoryContact[],
  imported: readonly DirectoryContact[],
  mode: 'replace' | 'add',
): { ok: true; contacts: DirectoryContact[] } | ContactsImportFailure {
  const base = mode === 'replace' ? [] : existing.map((c) => ({ ...c }));
  const seen = new Set(base.map((c) => `${c.name}\u0000${directoryKey(c.number) ?? c.number}`));
  for (const contact of imported) {
    const key = `${contact.name}\u0000${directoryKey(contact.number) ?? contact.number}`;
    if (seen.has(key)) continue;
    seen.add(key);
    base.push({ ...contact });
  }
  if (base.length > MAX_CONTACTS)
    return failure('too-many', `Together that makes ${base.length} contacts; at most ${MAX_CONTACTS} are kept`, base.length);
  return { ok: true, contacts: base };
}

/** The failure value for `reason`. */
export function failure(reason: ContactsImportFailureReason, message: string, count?: number): ContactsImportFailure {
  return { ok: false, reason, message, ...(count !== undefined ? { count } : {}) };
}

/** A name as stored: line breaks and tabs of multi-line fields become blanks, runs of blanks one. */
function tidyName(name: string): string {
  return name.replace(/[\s\u00a0]+/g, ' ').trim();
}

/**
 * A number as stored: blanks collapsed; a spreadsheet's text marker (`'0301234`) dropped; a `tel:` URI whose number is
 * a phone number becomes that number (its parameters do not name anyone: the directory key drops them anyway).
 */
function tidyNumber(number: string): string {
  let value = number.replace(/[\s\u00a0]+/g, ' ').trim().replace(/^'/, '');
  const tel = /^tel:([^;?]*)/i.exec(value);
  if (tel?.[1] && PHONE_NUMBER.test(tel[1])) value = tel[1];
  return value;
}

/**
 * The UTF-8 length of `text` when it may exceed `limit` (counted only up to just past it, so a 50 MB paste is not
 * walked to the end); otherwise a figure at most `limit`.
 */
function utf8Length(text: string, limit: number): number {
  // Every UTF-16 unit is at most 3 UTF-8 bytes: short texts need no walk.
  if (text.length * 3 <= limit) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= limit; i++) {
    const c = text.charCodeAt(i);
    // A surrogate pair is 4 bytes: 2 for each half.
    bytes += c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 2 : 3;
  }
  return bytes;
}
