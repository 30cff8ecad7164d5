/**
 * Splitting of `multipart/related` bodies (RFC 2046 §5.1.1, RFC 2387) as carried by RFC 4662 list NOTIFYs.
 *
 * Written here rather than on `@mjackson/multipart-parser` 0.10: its synchronous `parseMultipart(buffer)` exists,
 * but it requires the body to begin exactly with the first delimiter (no preamble, no leading CRLF), requires
 * CRLF line breaks everywhere and skips exactly two bytes after a delimiter (no transport padding, no bare-LF
 * bodies, which hand-written servers and logs produce), throws on a body without its close delimiter (a
 * truncated NOTIFY would lose every part, not just the last), and builds a `Headers` object per part. RFC 2046
 * asks receivers to tolerate all of these; this splitter does, in one pass of `indexOf` over the text, and
 * reports deviations as warnings. A test checks it against the library on well-formed CRLF bodies.
 */

/** One body part. */
export interface BodyPart {
  /** Header fields by lower-cased name, folded lines joined; the first occurrence wins. */
  headers: Record<string, string>;
  /** `Content-Type` value, or `text/plain` when absent (RFC 2046 §5.1 default). */
  contentType: string;
  /** `Content-ID` without its angle brackets (RFC 2392), when present. */
  contentId?: string;
  body: string;
}

export type SplitResult = { ok: true; parts: BodyPart[]; warnings: string[] } | { ok: false; reason: string };

const isBoundaryEnd = (c: number | undefined): boolean =>
  c === undefined || Number.isNaN(c) || c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;

/** Index of the next `--boundary` that starts a line and is a whole delimiter, or -1. */
function findDelimiter(text: string, delimiter: string, from: number): number {
  let at = text.indexOf(delimiter, from);
  while (at >= 0) {
    const lineStart = at === 0 || text.charCodeAt(at - 1) === 0x0a;
    const next = at + delimiter.length;
    const whole = isBoundaryEnd(text.charCodeAt(next)) || text.startsWith('--', next);
    if (lineStart && whole) return at;
    at = text.indexOf(delimiter, at + 1);
  }
  return -1;
}

/** RFC 2045 §5.1 boundary: 1–70 characters; no CR/LF. */
function boundaryProblem(boundary: string): string | undefined {
  if (boundary === '') return 'empty boundary';
  if (boundary.length > 70) return 'boundary longer than 70 characters';
  if (/[\r\n]/.test(boundary)) return 'line break in boundary';
  return undefined;
}

// RFC 5322 §3.6.8 field-name; anything else means the part has no header block.
const TOKEN_RE = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

function readPart(raw: string, index: number, warnings: string[]): BodyPart {
  const headers: Record<string, string> = {};
  let i = 0;
  let last: string | undefined;
  let bodyStart = -1;
  while (i <= raw.length) {
    let eol = raw.indexOf('\n', i);
    if (eol < 0) eol = raw.length;
    const line = raw.charCodeAt(eol - 1) === 0x0d && eol > i ? raw.slice(i, eol - 1) : raw.slice(i, eol);
    const next = eol + 1;
    if (line === '') {
      bodyStart = Math.min(next, raw.length);
      break;
    }
    const first = line.charCodeAt(0);
    if ((first === 0x20 || first === 0x09) && last !== undefined) {
      headers[last] += ` ${line.trim()}`;
    } else {
      const colon = line.indexOf(':');
      const name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : '';
      if (!TOKEN_RE.test(name) || name === '__proto__') {
        // No header block: the part starts with content (a sender that forgot the blank line).
        warnings.push(`part ${index + 1} has no header block`);
        return { headers: {}, contentType: 'text/plain', body: raw };
      }
      if (!Object.hasOwn(headers, name)) headers[name] = line.slice(colon + 1).trim();
      last = name;
    }
    i = next;
  }
  if (bodyStart < 0) bodyStart = raw.length;
  const part: BodyPart = {
    headers,
    contentType: headers['content-type'] ?? 'text/plain',
    body: raw.slice(bodyStart),
  };
  const cid = headers['content-id']?.trim();
  if (cid) part.contentId = cid.startsWith('<') && cid.endsWith('>') ? cid.slice(1, -1).trim() : cid;
  return part;
}

/** Splits `text` on `boundary`; never throws. A missing close delimiter keeps the parts read so far, warned. */
export function splitMultipart(text: string, boundary: string): SplitResult {
  const problem = boundaryProblem(boundary);
  if (problem !== undefined) return { ok: false, reason: `multipart: ${problem}` };
  const delimiter = `--${boundary}`;
  const warnings: string[] = [];
  const parts: BodyPart[] = [];
  let at = findDelimiter(text, delimiter, 0);
  if (at < 0) return { ok: false, reason: 'multipart: boundary delimiter not found' };
  for (;;) {
    let start = at + delimiter.length;
    if (text.startsWith('--', start)) return { ok: true, parts, warnings };
    // Transport padding (RFC 2046 §5.1.1) then the line break ending the delimiter line.
    while (text.charCodeAt(start) === 0x20 || text.charCodeAt(start) === 0x09) start++;
    if (text.charCodeAt(start) === 0x0d) start++;
    if (text.charCodeAt(start) === 0x0a) start++;
    const next = findDelimiter(text, delimiter, start);
    let end = next < 0 ? text.length : next;
    // The line break before a delimiter belongs to the delimiter.
    if (end > start && text.charCodeAt(end - 1) === 0x0a) end--;
    if (end > start && text.charCodeAt(end - 1) === 0x0d) end--;
    if (next < 0) {
      if (text.slice(start).trim() !== '') {
        warnings.push('multipart: no close delimiter, last part may be truncated');
        parts.push(readPart(text.slice(start, end), parts.length, warnings));
      } else warnings.push('multipart: no close delimiter');
      return { ok: true, parts, warnings };
    }
    parts.push(readPart(text.slice(start, end), parts.length, warnings));
    at = next;
  }
}
