/**
 * `version` and `state` of a dialog-info document's root start tag (RFC 4235 §4.1), read from the body's bytes
 * without decoding or parsing it, for the NOTIFY queue's coalescing decisions (electron/core/blf/notify-queue.ts).
 *
 * Runs once per NOTIFY before the body waits in the queue: the decode and three regular expressions it replaced
 * allocated ~650 bytes a NOTIFY (issue 13). Only the first {@link PEEK_WINDOW} bytes are looked at. What it reads
 * is what these patterns find in that window, decoded:
 *   root tag   <(?:[A-Za-z_][\w.-]*:)?dialog-info(?=[\s/>])([^>]*)
 *   version    \sversion\s*=\s*(?:"\s*(\d+)\s*"|'\s*(\d+)\s*')     (a safe integer)
 *   state      \sstate\s*=\s*["']\s*(full|partial)\s*["']          (any case)
 * (`\s` here is ASCII white space: the bytes of a non-ASCII space never form one of these).
 */

/** Bytes of the body the peek looks at: enough for the XML declaration and the root start tag. */
export const PEEK_WINDOW = 512;

const ROOT = [...'dialog-info'].map((c) => c.charCodeAt(0));
const VERSION = [...'version'].map((c) => c.charCodeAt(0));
const STATE = [...'state'].map((c) => c.charCodeAt(0));
const FULL = [...'full'].map((c) => c.charCodeAt(0));
const PARTIAL = [...'partial'].map((c) => c.charCodeAt(0));

const isSpace = (c: number | undefined): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c;
const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;
const isAlpha = (c: number | undefined): boolean => c !== undefined && ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a);
/** `\w`, `.` or `-`: a prefix character after the first. */
const isPrefixChar = (c: number | undefined): boolean => isAlpha(c) || isDigit(c) || c === 0x5f || c === 0x2e || c === 0x2d;
const isQuote = (c: number | undefined): boolean => c === 0x22 || c === 0x27;

/** Whether `word` is at `at` (`fold`: ASCII letters in any case). */
function startsWith(b: Uint8Array, at: number, end: number, word: readonly number[], fold = false): boolean {
  if (at + word.length > end) return false;
  for (let k = 0; k < word.length; k++) {
    const c = b[at + k]!;
    if ((fold && isAlpha(c) ? c | 0x20 : c) !== word[k]) return false;
  }
  return true;
}

const skipSpaces = (b: Uint8Array, at: number, end: number): number => {
  while (at < end && isSpace(b[at])) at++;
  return at;
};

/** Where the root tag's attributes start and end (the first `>` or the window's end), or undefined. */
function rootAttributes(b: Uint8Array, end: number): { from: number; to: number } | undefined {
  for (let i = 0; i < end; i++) {
    if (b[i] !== 0x3c) continue;
    let name = i + 1;
    if (!startsWith(b, name, end, ROOT)) {
      // A namespace prefix: [A-Za-z_][\w.-]* then ':'.
      const first = b[name];
      if (!(isAlpha(first) || first === 0x5f)) continue;
      let j = name + 1;
      while (j < end && isPrefixChar(b[j])) j++;
      if (b[j] !== 0x3a || !startsWith(b, j + 1, end, ROOT)) continue;
      name = j + 1;
    }
    const after = name + ROOT.length;
    const next = b[after];
    if (after >= end || !(isSpace(next) || next === 0x2f || next === 0x3e)) continue;
    let to = after;
    while (to < end && b[to] !== 0x3e) to++;
    return { from: after, to };
  }
  return undefined;
}

/** The first `version` attribute that matches the pattern, as a safe integer. */
function versionIn(b: Uint8Array, from: number, to: number): number | undefined {
  for (let k = from; k < to; k++) {
    if (!isSpace(b[k]) || !startsWith(b, k + 1, to, VERSION)) continue;
    let p = skipSpaces(b, k + 1 + VERSION.length, to);
    if (b[p] !== 0x3d || p >= to) continue;
    p = skipSpaces(b, p + 1, to);
    const quote = b[p];
    if (!isQuote(quote) || p >= to) continue;
    p = skipSpaces(b, p + 1, to);
    let value = 0;
    const digits = p;
    while (p < to && isDigit(b[p])) value = value * 10 + (b[p++]! - 0x30);
    if (p === digits) continue;
    p = skipSpaces(b, p, to);
    if (p >= to || b[p] !== quote) continue;
    return Number.isSafeInteger(value) ? value : undefined;
  }
  return undefined;
}

/** The first `state` attribute that matches the pattern, lower-cased. */
function stateIn(b: Uint8Array, from: number, to: number): 'full' | 'partial' | undefined {
  for (let k = from; k < to; k++) {
    if (!isSpace(b[k]) || !startsWith(b, k + 1, to, STATE, true)) continue;
    let p = skipSpaces(b, k + 1 + STATE.length, to);
    if (p >= to || b[p] !== 0x3d) continue;
    p = skipSpaces(b, p + 1, to);
    if (p >= to || !isQuote(b[p])) continue;
    p = skipSpaces(b, p + 1, to);
    const word = startsWith(b, p, to, FULL, true) ? FULL : startsWith(b, p, to, PARTIAL, true) ? PARTIAL : undefined;
    if (word === undefined) continue;
    p = skipSpaces(b, p + word.length, to);
    if (p >= to || !isQuote(b[p])) continue;
    return word === FULL ? 'full' : 'partial';
  }
  return undefined;
}

const utf8 = new TextEncoder();

/**
 * Reads `version` and `state` from the root start tag. Fields it cannot find are absent: an empty body yields `{}`
 * (idle, no ordering), and so does a root tag that does not start within the window. The full parse stays
 * authoritative; the peek never throws.
 */
export function peekDialogInfoState(body: Uint8Array | string): { version?: number; state?: 'full' | 'partial' } {
  try {
    const bytes = typeof body === 'string' ? utf8.encode(body.slice(0, PEEK_WINDOW)) : body;
    const end = Math.min(bytes.length, typeof body === 'string' ? bytes.length : PEEK_WINDOW);
    const attrs = rootAttributes(bytes, end);
    if (attrs === undefined) return {};
    const out: { version?: number; state?: 'full' | 'partial' } = {};
    const version = versionIn(bytes, attrs.from, attrs.to);
    if (version !== undefined) out.version = version;
    const state = stateIn(bytes, attrs.from, attrs.to);
    if (state !== undefined) out.state = state;
    return out;
  } catch {
    return {};
  }
}
