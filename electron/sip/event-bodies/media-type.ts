/**
 * `Content-Type` parsing for event bodies: `type/subtype *(; name=value)` (RFC 3261 §20.15, RFC 2045 §5.1).
 * Tolerant of what SIP servers send: empty parameters (`application/rlmi+xml;;charset="UTF-8"` from seed 003),
 * quoted or bare values, and parameters in any order (the multipart `boundary` is often not first).
 */

/** A parsed media type: lower-cased `type/subtype`, parameter names lower-cased, values unquoted. */
export interface MediaType {
  /** `type/subtype`, lower-case, e.g. `multipart/related`. */
  essence: string;
  params: Record<string, string>;
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;

/**
 * Parses a Content-Type value. Never throws; returns an empty essence for garbage. The first occurrence of a
 * parameter wins (a repeated `boundary` is a sender bug and the first one is what most parsers use).
 */
export function parseMediaType(value: string): MediaType {
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  const semi = value.indexOf(';');
  const essence = essenceOf(value, semi);
  let i = semi < 0 ? value.length : semi + 1;
  const n = value.length;
  while (i < n) {
    while (i < n && (isSpace(value.charCodeAt(i)) || value[i] === ';')) i++;
    const nameStart = i;
    while (i < n && value[i] !== '=' && value[i] !== ';') i++;
    const name = value.slice(nameStart, i).trim().toLowerCase();
    if (i >= n || value[i] === ';') continue;
    i++;
    while (i < n && isSpace(value.charCodeAt(i))) i++;
    let paramValue: string;
    if (value[i] === '"') {
      // quoted-string with backslash escapes (RFC 3261 §25.1 quoted-pair).
      let out = '';
      i++;
      while (i < n && value[i] !== '"') {
        if (value[i] === '\\' && i + 1 < n) i++;
        out += value[i];
        i++;
      }
      i++;
      paramValue = out;
      while (i < n && value[i] !== ';') i++;
    } else {
      const start = i;
      while (i < n && value[i] !== ';') i++;
      paramValue = value.slice(start, i).trim();
    }
    if (name !== '' && !(name in params)) params[name] = paramValue;
  }
  return { essence, params };
}

/** The lower-cased `type/subtype` before the first `;` (at `semi`, or -1). */
function essenceOf(value: string, semi: number): string {
  return (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
}

let lastValue = '';
let lastEssence = '';

/**
 * Only the lower-cased `type/subtype` of a Content-Type value. The parts of a resource list all carry the same
 * value (1,000 parts of `application/dialog-info+xml` in one NOTIFY), so the last answer is kept.
 */
export function mediaEssence(value: string): string {
  if (value === lastValue) return lastEssence;
  lastEssence = essenceOf(value, value.indexOf(';'));
  lastValue = value;
  return lastEssence;
}
