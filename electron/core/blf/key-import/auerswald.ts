/**
 * Auerswald-style key lists (issue 12 §5): a CSV export of function keys as Auerswald COMfortel phones and their
 * PBX web UI list them, one key per row, with a header row. What is accepted:
 * - separator `;` (the German default), `,` or tab, picked from the header row; fields may be quoted (`"a;b"`,
 *   `""` for a quote);
 * - columns by header name, in any order and case, German or English: key (`Taste`, `Key`, `Nr`), type (`Typ`,
 *   `Type`, `Funktion`, `Function`), name (`Name`, `Beschriftung`, `Label`), number (`Rufnummer`, `Nummer`,
 *   `Number`, `Ziel`, `Nebenstelle`, `Extension`; required), line (`Identität`, `Identity`, `Leitung`, `Line`,
 *   `Konto`, `Account`; 1-based), group (`Gruppe`, `Group`);
 * - types `Besetztlampenfeld`/`BLF`/`Nebenstelle`/`Busy lamp field` (dialog), `Präsenz`/`Presence` (presence),
 *   `BLF+Präsenz`/`BLF+Presence` (both); `Zielwahl`/`Kurzwahl`/`Speed dial` are skipped with a warning (no lamp),
 *   other types too; without a type column every row is a busy lamp key.
 */
import type { WatchEvent } from '../../../../shared/tiles';
import type { VendorKey } from './vendor-key';

type Column = 'key' | 'type' | 'name' | 'number' | 'line' | 'group';

const HEADERS: Record<Column, RegExp> = {
  key: /^(taste|key|nr\.?|position)$/i,
  type: /^(typ|type|funktion|function)$/i,
  name: /^(name|beschriftung|label)$/i,
  number: /^(rufnummer|nummer|number|ziel|nebenstelle|extension|target)$/i,
  line: /^(identit(ä|ae)t|identity|leitung|line|konto|account)$/i,
  group: /^(gruppe|group)$/i,
};

const TYPES: [RegExp, WatchEvent[]][] = [
  [/^(blf|besetztlampenfeld|busy ?lamp( ?field)?)\s*\+\s*(pr(ä|ae)senz|presence)$/i, ['dialog', 'presence']],
  [/^(blf|besetztlampenfeld|busy ?lamp( ?field)?|nebenstelle|extension)$/i, ['dialog']],
  [/^(pr(ä|ae)senz|presence)$/i, ['presence']],
];
const SPEED = /^(zielwahl|kurzwahl|speed ?dial|direktruf)$/i;

/** Splits one CSV row (RFC 4180 quoting) on `sep`. */
function splitRow(row: string, sep: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < row.length; i++) {
    const c = row[i]!;
    if (quoted && c === '"' && row[i + 1] === '"') {
      field += '"';
      i++;
    } else if (quoted && c === '"') quoted = false;
    else if (!quoted && c === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (!quoted && c === sep) {
      out.push(field.trim());
      field = '';
    } else field += c;
  }
  out.push(field.trim());
  return out;
}

/** The header row's columns, or undefined when it is not a key list header. */
function header(row: string): { sep: string; columns: Map<Column, number> } | undefined {
  const sep = [';', '\t', ','].find((s) => row.includes(s));
  if (!sep) return undefined;
  const columns = new Map<Column, number>();
  splitRow(row, sep).forEach((cell, i) => {
    for (const [column, pattern] of Object.entries(HEADERS) as [Column, RegExp][])
      if (pattern.test(cell) && !columns.has(column)) columns.set(column, i);
  });
  return columns.has('number') ? { sep, columns } : undefined;
}

function rows(lines: readonly string[]): string[] {
  return lines.filter((line) => line.trim() !== '' && !/^\s*#/.test(line));
}

/** Whether the text is a key list with a recognised header row. */
export function isAuerswaldList(lines: readonly string[]): boolean {
  const first = rows(lines)[0];
  return first !== undefined && header(first.replace(/^\uFEFF/, '')) !== undefined;
}

/** The busy lamp keys of an Auerswald-style key list, with warnings for the rows skipped. */
export function auerswaldKeys(lines: readonly string[], warnings: string[]): VendorKey[] {
  const [head, ...body] = rows(lines);
  const parsed = head === undefined ? undefined : header(head.replace(/^\uFEFF/, ''));
  if (!parsed) return [];
  const keys: VendorKey[] = [];
  body.forEach((row, n) => {
    const cells = splitRow(row, parsed.sep);
    const cell = (column: Column): string => {
      const i = parsed.columns.get(column);
      return i === undefined ? '' : (cells[i] ?? '');
    };
    const position = `row ${n + 2}${cell('key') ? ` (key ${cell('key')})` : ''}`;
    const type = cell('type');
    const number = cell('number');
    const watch = parsed.columns.has('type') ? TYPES.find(([pattern]) => pattern.test(type))?.[1] : ['dialog' as const];
    if (!watch) {
      if (SPEED.test(type)) warnings.push(`${position}: a speed dial to ${number || '?'} has no lamp: skipped`);
      else if (type || number) warnings.push(`${position}: "${type}" keys have no lamp: skipped`);
      return;
    }
    const lineText = cell('line');
    const line = /^[1-9][0-9]{0,3}$/.test(lineText) ? Number(lineText) : undefined;
    keys.push({ position, target: number, watch, label: cell('name') || undefined, line, group: cell('group') || undefined });
  });
  return keys;
}
