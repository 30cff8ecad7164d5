/**
 * Validation of `settings.directory` (issue 12 "Names": contacts imported from CSV or vCard). Missing in files from
 * before it: no contacts. Pure, so the Settings screen shows the same messages as main, which validates every save
 * again. Field paths follow the other blocks: `directory.contacts.3.number` (0-based); messages use the contact
 * numbers people see ("Directory: contact 4: …").
 */
import { hasControlCharacters } from './control-characters';
import { isContactNumber } from './directory-key';
import { DEFAULT_SETTINGS, MAX_CONTACT_NAME, MAX_CONTACT_NUMBER, MAX_CONTACTS, type DirectoryContact, type DirectorySettings } from './settings';
import type { FieldError } from './settings-validate';

type Rec = Record<string, unknown>;
const isRecord = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

const DIRECTORY_KEYS: readonly string[] = ['contacts'];
const CONTACT_KEYS: readonly string[] = ['name', 'number'];

/** At most this many contact problems are reported: a broken file of 5,000 contacts would bury the others. */
const MAX_CONTACT_ERRORS = 50;

/** Why `name` is not a contact name, or undefined when it is. */
export function contactNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.trim() === '') return `name must be text of 1 to ${MAX_CONTACT_NAME} characters`;
  if (name.length > MAX_CONTACT_NAME) return `name must be at most ${MAX_CONTACT_NAME} characters`;
  if (hasControlCharacters(name)) return 'name must not contain control characters (CR, LF, tab, NUL …)';
  return undefined;
}

/** Why `number` is not a contact number, or undefined when it is. */
export function contactNumberProblem(number: unknown): string | undefined {
  if (typeof number !== 'string' || number.trim() === '') return 'number must be a phone number or SIP address';
  if (number.length > MAX_CONTACT_NUMBER) return `number must be at most ${MAX_CONTACT_NUMBER} characters`;
  if (hasControlCharacters(number)) return 'number must not contain control characters (CR, LF, tab, NUL …)';
  if (!isContactNumber(number))
    return 'number must be a phone number (digits, + * #, blanks, dashes, dots, brackets), a sip: or tel: address, or user@host';
  return undefined;
}

function contactErrors(contact: unknown, index: number): FieldError[] {
  const path = `directory.contacts.${index}`;
  const label = `Directory: contact ${index + 1}: `;
  if (!isRecord(contact)) return [{ field: path, message: `${label}must be an object with a name and a number` }];
  const errors: FieldError[] = [];
  for (const key of Object.keys(contact))
    if (!CONTACT_KEYS.includes(key)) errors.push({ field: `${path}.${key}`, message: `${label}unknown setting "${key}"` });
  const name = contactNameProblem(contact.name);
  if (name) errors.push({ field: `${path}.name`, message: label + name });
  const number = contactNumberProblem(contact.number);
  if (number) errors.push({ field: `${path}.number`, message: label + number });
  return errors;
}

/** Every problem in `settings.directory`; empty when it is valid or absent. */
export function directorySettingsErrors(directory: unknown): FieldError[] {
  if (directory === undefined) return [];
  if (!isRecord(directory)) return [{ field: 'directory', message: 'Directory settings must be an object' }];
  const errors: FieldError[] = [];
  for (const key of Object.keys(directory))
    if (!DIRECTORY_KEYS.includes(key)) errors.push({ field: `directory.${key}`, message: `Directory: unknown setting "${key}"` });
  const contacts = directory.contacts;
  if (contacts === undefined) return errors;
  if (!Array.isArray(contacts)) {
    errors.push({ field: 'directory.contacts', message: 'Directory: contacts must be a list' });
    return errors;
  }
  if (contacts.length > MAX_CONTACTS)
    errors.push({ field: 'directory.contacts', message: `Directory: at most ${MAX_CONTACTS} contacts are supported (${contacts.length} given)` });
  let reported = 0;
  for (let i = 0; i < contacts.length && reported < MAX_CONTACT_ERRORS; i++) {
    const found = contactErrors(contacts[i], i);
    errors.push(...found);
    reported += found.length;
  }
  return errors;
}

/** The directory settings of a valid input (only the known fields copied), or no contacts. */
export function normalizeDirectorySettings(directory: unknown): DirectorySettings {
  if (!isRecord(directory) || !Array.isArray(directory.contacts)) return { contacts: [...DEFAULT_SETTINGS.directory.contacts] };
  return {
    contacts: (directory.contacts as Rec[]).map((c): DirectoryContact => ({ name: c.name as string, number: c.number as string })),
  };
}
