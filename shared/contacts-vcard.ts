/**
 * The vCard half of the contacts import (contacts-import.ts): vCard 2.1, 3.0 (RFC 2426) and 4.0 (RFC 6350) as phones,
 * Thunderbird, Outlook and macOS export them. A card's name is `FN`, else `N` as "Given Additional Family", else `ORG`;
 * its numbers every `TEL` (text or `VALUE=uri`) and every `sip:` `IMPP`.
 */
import type { RawContact, RawParse, SkippedContact } from './contacts-import';

interface Property {
  name: string;
  params: Map<string, string[]>;
  value: string;
}

/** Reads a vCard file (BOM already removed). */
export function parseVcardContacts(text: string): RawParse {
  const rows: RawContact[] = [];
  const skipped: SkippedContact[] = [];
  let card: { line: number; entry: number; props: Property[] } | undefined;
  let entries = 0;
  let depth = 0;
  for (const { line, text: content } of unfold(text)) {
    const prop = parseProperty(content);
    if (!prop) continue;
    if (prop.name === 'BEGIN' && /^vcard$/i.test(prop.value.trim())) {
      // A vCard 2.1 AGENT may nest a whole card; only the outer one is a contact.
      if (depth++ === 0) card = { line, entry: ++entries, props: [] };
      continue;
    }
    if (prop.name === 'END' && /^vcard$/i.test(prop.value.trim())) {
      if (depth > 0 && --depth === 0 && card) {
        cardToRow(card, rows, skipped);
        card = undefined;
      }
      continue;
    }
    if (depth === 1) card?.props.push(prop);
  }
  if (card) skipped.push({ line: card.line, entry: card.entry, reason: 'unterminated' });
  return { ok: true, rows, skipped };
}

function cardToRow(card: { line: number; entry: number; props: Property[] }, rows: RawContact[], skipped: SkippedContact[]): void {
  const at = { line: card.line, entry: card.entry };
  let undecodable: string | undefined;
  const text = (prop: Property | undefined): string => {
    if (!prop) return '';
    const decoded = decodeValue(prop);
    if (decoded === undefined) undecodable ??= encodingOf(prop);
    return decoded ?? '';
  };
  const fn = text(card.props.find((p) => p.name === 'FN'));
  const n = splitComponents(text(card.props.find((p) => p.name === 'N')));
  const structured = [n[1], n[2], n[0]].filter((part) => part !== undefined && part.trim() !== '').join(' ');
  const org = splitComponents(text(card.props.find((p) => p.name === 'ORG')))[0] ?? '';
  const name = unescapeText(fn).trim() || unescapeText(structured).trim() || unescapeText(org).trim();
  const numbers: string[] = [];
  for (const prop of card.props) {
    if (prop.name === 'TEL') {
      const value = text(prop);
      // A text TEL may escape commas and semicolons; a URI never does.
      numbers.push(isUri(prop) ? value : unescapeText(value));
    } else if ((prop.name === 'IMPP' || prop.name === 'X-SIP') && /^sips?:/i.test(prop.value.trim())) numbers.push(prop.value.trim());
  }
  if (!name && undecodable) {
    skipped.push({ ...at, reason: 'encoding', value: undecodable });
    return;
  }
  rows.push({ ...at, name, numbers });
}

function isUri(prop: Property): boolean {
  return (prop.params.get('VALUE') ?? []).some((v) => v.toLowerCase() === 'uri') || /^(?:tel|sips?):/i.test(prop.value.trim());
}

/**
 * Logical lines with the line each starts on: a line beginning with a blank or tab continues the one before
 * (RFC 6350 §3.2, RFC 2425 §5.8.1), and in vCard 2.1 a quoted-printable value ending in `=` continues on the next.
 */
function* unfold(text: string): Generator<{ line: number; text: string }> {
  const physical = text.split(/\r\n|\r|\n/);
  let current: { line: number; text: string } | undefined;
  for (let i = 0; i < physical.length; i++) {
    const raw = physical[i]!;
    if (current && /^[ \t]/.test(raw)) {
      current.text += raw.slice(1);
      continue;
    }
    if (current && /=$/.test(current.text) && /ENCODING=QUOTED-PRINTABLE|;QUOTED-PRINTABLE[;:]/i.test(current.text.split(':')[0] ?? '')) {
      current.text = current.text.slice(0, -1) + raw;
      continue;
    }
    if (current) yield current;
    current = raw.trim() === '' ? undefined : { line: i + 1, text: raw };
  }
  if (current) yield current;
}

/** `[group.]NAME[;PARAM=VALUE[,VALUE]|;BAREVALUE]*:value`; undefined for a line that is not a property. */
function parseProperty(line: string): Property | undefined {
  let quoted = false;
  let colon = -1;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === ':' && !quoted) {
      colon = i;
      break;
    }
  }
  if (colon <= 0) return undefined;
  const parts = splitOutsideQuotes(line.slice(0, colon), ';');
  const name = (parts[0] ?? '').replace(/^[^.]*\./, '').trim().toUpperCase();
  if (!/^[A-Z0-9-]+$/.test(name)) return undefined;
  const params = new Map<string, string[]>();
  for (const param of parts.slice(1)) {
    const eq = param.indexOf('=');
    // vCard 2.1 writes bare types (`TEL;WORK;VOICE:`) and a bare encoding (`;QUOTED-PRINTABLE`).
    const key = eq < 0 ? (/^(?:quoted-printable|base64|b|8bit|7bit)$/i.test(param) ? 'ENCODING' : 'TYPE') : param.slice(0, eq).trim().toUpperCase();
    const values = (eq < 0 ? param : param.slice(eq + 1)).split(',').map((v) => v.trim().replace(/^"|"$/g, ''));
    params.set(key, [...(params.get(key) ?? []), ...values]);
  }
  return { name, params, value: line.slice(colon + 1) };
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const out: string[] = [];
  let quoted = false;
  let part = '';
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (ch === separator && !quoted) {
      out.push(part);
      part = '';
    } else part += ch;
  }
  out.push(part);
  return out;
}

function encodingOf(prop: Property): string {
  return (prop.params.get('ENCODING') ?? []).join(',') || 'unknown';
}

/** The value with its transfer encoding undone; undefined for an encoding this import does not read. */
function decodeValue(prop: Property): string | undefined {
  const encoding = (prop.params.get('ENCODING') ?? [])[0]?.toUpperCase();
  if (encoding === undefined || encoding === '8BIT' || encoding === '7BIT') return prop.value;
  if (encoding === 'QUOTED-PRINTABLE') return decodeQuotedPrintable(prop.value, (prop.params.get('CHARSET') ?? [])[0] ?? 'UTF-8');
  return undefined;
}

/** vCard 2.1 quoted-printable (`=C3=BC`): the bytes read as UTF-8, or as Latin-1 when the card says so. */
function decodeQuotedPrintable(value: string, charset: string): string | undefined {
  const latin1 = /^(?:iso-8859-1|iso-8859-15|windows-1252|latin1)$/i.test(charset);
  if (latin1) return value.replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  if (!/^utf-?8$/i.test(charset)) return undefined;
  // Percent-encoding is the same bytes; decodeURIComponent reads them as UTF-8 (literal text is encoded first).
  const percent = value.split(/(=[0-9A-F]{2})/i).map((part) => (/^=[0-9A-F]{2}$/i.test(part) ? `%${part.slice(1)}` : encodeURIComponent(part))).join('');
  try {
    return decodeURIComponent(percent);
  } catch {
    return undefined;
  }
}

/** A structured value's components (`N`, `ORG`), split at unescaped `;`, each still escaped. */
function splitComponents(value: string): string[] {
  const out: string[] = [];
  let part = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\\' && i + 1 < value.length) {
      part += ch + value[i + 1];
      i++;
    } else if (ch === ';') {
      out.push(part);
      part = '';
    } else part += ch;
  }
  out.push(part);
  return out;
}

/** RFC 6350 §3.4 text escapes: `\,` `\;` `\\` and `\n`/`\N` (a line break, a blank in a name). */
function unescapeText(value: string): string {
  return value.replace(/\\([\\,;nN])/g, (_, ch: string) => (ch === 'n' || ch === 'N' ? '\n' : ch));
}
