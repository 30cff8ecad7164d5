/**
 * Small lexical helpers shared by the URI, name-addr, Via and list-header parsers (RFC 3261 §25.1 basics:
 * quoted-string with quoted-pair, generic-param, comma-separated lists).
 */

export type Params = Record<string, string | null>;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Splits a list header value on commas that are outside quoted strings and `<...>` (RFC 3261 §7.3.1: a comma
 * inside a quoted display name or a bracketed URI is not a separator). Empty elements are dropped.
 */
export function splitList(value: string): string[] {
  if (value.indexOf(',') < 0) {
    const one = value.trim();
    return one ? [one] : [];
  }
  const out: string[] = [];
  let inQuote = false;
  let angle = 0;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (inQuote) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inQuote = false;
    } else if (c === QUOTE) inQuote = true;
    else if (c === 0x3c) angle++;
    else if (c === 0x3e && angle > 0) angle--;
    else if (c === 0x2c && angle === 0) {
      const part = value.slice(start, i).trim();
      if (part) out.push(part);
      start = i + 1;
    }
  }
  const last = value.slice(start).trim();
  if (last) out.push(last);
  return out;
}

/**
 * Parses `;name=value;flag` parameters starting at `s[from]` (which must be `;` or whitespace before it).
 * Names are lower-cased; values are kept as written, a quoted-string value keeps its quotes so it formats back
 * unchanged. Returns `undefined` when non-parameter text is found, so callers can report it.
 */
export function parseParams(s: string, from = 0): Params | undefined {
  const params: Params = {};
  let i = from;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 0x20 || c === 0x09) {
      i++;
      continue;
    }
    if (c !== 0x3b) return undefined;
    let end = i + 1;
    let inQuote = false;
    for (; end < s.length; end++) {
      const d = s.charCodeAt(end);
      if (inQuote) {
        if (d === BACKSLASH) end++;
        else if (d === QUOTE) inQuote = false;
      } else if (d === QUOTE) inQuote = true;
      else if (d === 0x3b) break;
    }
    const segment = s.slice(i + 1, end);
    const eq = segment.indexOf('=');
    const name = (eq < 0 ? segment : segment.slice(0, eq)).trim().toLowerCase();
    if (!name) return undefined;
    params[name] = eq < 0 ? null : segment.slice(eq + 1).trim();
    i = end;
  }
  return params;
}

/** `;name=value;flag` for a parameter record (insertion order). */
export function formatParams(params: Params): string {
  let s = '';
  for (const name in params) {
    const v = params[name];
    s += v === null || v === undefined ? `;${name}` : `;${name}=${v}`;
  }
  return s;
}

/** Index of the closing quote of the quoted-string opening at `s[open]`, honouring quoted-pairs; -1 if none. */
export function closingQuote(s: string, open: number): number {
  for (let i = open + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i;
  }
  return -1;
}

/** Removes quoted-pair escapes (`\"` → `"`, RFC 3261 §25.1). */
export function unescapeQuoted(inner: string): string {
  return inner.indexOf('\\') < 0 ? inner : inner.replace(/\\(.)/g, '$1');
}

/** Wraps text in a quoted-string, escaping `"` and `\`. */
export function quote(text: string): string {
  return `"${text.replace(/["\\]/g, '\\$&')}"`;
}
