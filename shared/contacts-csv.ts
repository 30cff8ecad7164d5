/**
 * The CSV half of the contacts import (contacts-import.ts): RFC 4180 records with the delimiter found in the header
 * (`,` from Outlook and Google, `;` from German Excel, tab from some address books), columns chosen by header name in
 * English and German, including the Outlook and Google export headers.
 */
import type { RawContact, RawParse, SkippedContact } from './contacts-import';

type Delimiter = ',' | ';' | '\t';

/** Header names (lower case, blanks collapsed) of a column holding the whole name. */
const FULL_NAME = new Set(['name', 'display name', 'full name', 'displayname', 'fullname', 'anzeigename', 'vollständiger name', 'kontakt', 'contact', 'file as', 'speichern unter']);
const FIRST_NAME = new Set(['first name', 'given name', 'firstname', 'givenname', 'vorname']);
const MIDDLE_NAME = new Set(['middle name', 'additional name', 'weitere vornamen', 'zweiter vorname']);
const LAST_NAME = new Set(['last name', 'family name', 'surname', 'lastname', 'familyname', 'nachname', 'familienname']);
/** A name for a row without a person's name: the company (a supplier's switchboard). */
const COMPANY = new Set(['company', 'organization', 'organisation', 'organization name', 'organization 1 - name', 'firma', 'unternehmen']);
/** Number columns named outright; more are found by {@link NUMBER_WORD}. */
const NUMBER_NAMES = new Set(['number', 'phone', 'tel', 'tel.', 'nummer', 'mobile', 'cell', 'handy', 'durchwahl', 'extension', 'ext', 'ext.', 'nebenstelle', 'sip', 'sip address', 'sip-adresse', 'callback', 'rückmeldung']);
/** "Business Phone", "Phone 1 - Value", "Telefon geschäftlich", "Mobiltelefon", "Rufnummer" … */
const NUMBER_WORD = /phone|telefon|rufnummer|mobil/;
/** … but never a fax, pager, a Google "Phone 1 - Label"/"Type" column or "Phonetic First Name". */
const NOT_NUMBER = /fax|pager|label|type|typ\b|phonetic/;

interface Columns {
  full: number[];
  first: number[];
  middle: number[];
  last: number[];
  company: number[];
  numbers: number[];
}

/** Reads a CSV contacts file (BOM already removed). */
export function parseCsvContacts(text: string): RawParse {
  const delimiter = detectDelimiter(text);
  const records = readRecords(text, delimiter);
  const header = records[0];
  if (!header) return { ok: false, reason: 'empty', message: 'The file is empty' };
  const columns = mapColumns(header.fields);
  const hasName = columns.full.length + columns.first.length + columns.last.length + columns.company.length > 0;
  if (!hasName)
    return { ok: false, reason: 'no-name-column', message: 'No name column: the first row must name the columns, e.g. Name or First Name and Last Name' };
  if (columns.numbers.length === 0)
    return { ok: false, reason: 'no-number-column', message: 'No number column: the first row must name the columns, e.g. Phone, Mobile Phone or Telefon' };
  const rows: RawContact[] = [];
  const skipped: SkippedContact[] = [];
  for (const record of records.slice(1)) {
    const cell = (i: number): string => record.fields[i]?.trim() ?? '';
    const first = (list: number[]): string => list.map(cell).find((v) => v !== '') ?? '';
    const person = first(columns.full) || [first(columns.first), first(columns.middle), first(columns.last)].filter((v) => v !== '').join(' ');
    const name = person || first(columns.company);
    // Google puts several numbers of one kind in one cell: "+49 30 1 ::: +49 30 2".
    const numbers = columns.numbers.flatMap((i) => cell(i).split(':::'));
    rows.push({ line: record.line, name, numbers });
  }
  return { ok: true, rows, skipped };
}

function headerKey(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}

function mapColumns(header: readonly string[]): Columns {
  const columns: Columns = { full: [], first: [], middle: [], last: [], company: [], numbers: [] };
  header.forEach((raw, i) => {
    const key = headerKey(raw);
    if (FULL_NAME.has(key)) columns.full.push(i);
    else if (FIRST_NAME.has(key)) columns.first.push(i);
    else if (MIDDLE_NAME.has(key)) columns.middle.push(i);
    else if (LAST_NAME.has(key)) columns.last.push(i);
    else if (COMPANY.has(key)) columns.company.push(i);
    else if (NUMBER_NAMES.has(key) || (NUMBER_WORD.test(key) && !NOT_NUMBER.test(key))) columns.numbers.push(i);
  });
  return columns;
}

/** The delimiter used most in the header row, outside quotes; `,` when none is used. */
function detectDelimiter(text: string): Delimiter {
  const counts: Record<Delimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  return (['\t', ';', ','] as const).reduce<Delimiter>((best, d) => (counts[d] > counts[best] ? d : best), ',');
}

interface CsvRecord {
  /** 1-based line where the record starts (a quoted field may span lines). */
  line: number;
  fields: string[];
}

/** RFC 4180 records: quoted fields with `""` escapes and line breaks inside; CRLF, LF or CR line ends; blank lines dropped. */
function readRecords(text: string, delimiter: Delimiter): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  const endRecord = (): void => {
    fields.push(field);
    if (fields.some((f) => f.trim() !== '')) records.push({ line: start, fields });
    fields = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++;
        field += ch;
      }
    } else if (ch === '"' && field.trim() === '') {
      // A quote opens a quoted field only at its start (blanks before it are dropped, as spreadsheets do).
      field = '';
      quoted = true;
    } else if (ch === delimiter) {
      fields.push(field);
      field = '';
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else field += ch;
  }
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}
