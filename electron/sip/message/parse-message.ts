/**
 * {@link parseMessage}: bytes (or text) to a {@link SipMessage}. Hand-written rather than drachtio-sip's
 * `parseSipMessage`, which works on a decoded string and so cannot honour a byte-counted Content-Length, cuts a
 * body without Content-Length at its first blank line, and rejects a header block ending without the empty line.
 *
 * Only the start line and the split into header lines happen eagerly, plus the checks that make the message
 * usable by the transaction layer: mandatory headers present (RFC 3261 §8.1.1) and Via, From, To and CSeq
 * parseable, so their getters never throw later. Everything else is parsed on demand.
 */
import { controlIndex } from './control-chars';
import type { HeaderEntry } from './header-list';
import { HeaderList } from './header-list';
import { resolveHeaderName, resolveHeaderNameAt, type HeaderName } from './header-names';
import { splitList } from './grammar';
import { parseNameAddr } from './name-addr';
import { MANDATORY, parseCSeq, SipRequestMessage, SipResponseMessage } from './sip-message';
import type { SipMessage, Via } from './types';
import { SipParseError } from './types';
import { parseVia } from './via';

const CRLFCRLF = Buffer.from('\r\n\r\n');
const LFLF = Buffer.from('\n\n');
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
/** Keys of the headers RFC 3261 §8.1.1 requires, each with its bit in a "seen" mask. */
const MANDATORY_BITS: ReadonlyMap<string, number> = new Map(MANDATORY.map((n, i) => [n.toLowerCase(), 1 << i]));
const ALL_MANDATORY = (1 << MANDATORY.length) - 1;

/**
 * Parses one SIP message (a datagram, or one message framed off a stream). Leading CRLFs are skipped (RFC 3261
 * §7.5), a missing final CRLF is tolerated, and so are bare-LF line endings. The body is the Content-Length bytes
 * after the blank line, or the whole remainder when Content-Length is absent (§18.3, datagrams); extra bytes
 * beyond Content-Length are dropped, fewer are an error (§18.3). Throws {@link SipParseError} with the reason.
 */
export function parseMessage(data: Uint8Array | string): SipMessage {
  const buf =
    typeof data === 'string'
      ? Buffer.from(data, 'utf8')
      : Buffer.isBuffer(data)
        ? data
        : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let start = 0;
  while (start < buf.length && (buf[start] === 0x0d || buf[start] === 0x0a)) start++;
  if (start === buf.length) throw new SipParseError('empty message');

  let headEnd = buf.indexOf(CRLFCRLF, start);
  let bodyStart = headEnd + 4;
  if (headEnd < 0) {
    headEnd = buf.indexOf(LFLF, start);
    bodyStart = headEnd + 2;
    if (headEnd < 0) headEnd = bodyStart = buf.length;
    // The CR of a CRLF that the blank line (or the end of the datagram) follows is line structure, not content.
    if (buf[headEnd - 1] === 0x0d) headEnd--;
  }
  const head = buf.toString('utf8', start, headEnd);
  // One scan for the control characters that are not line structure (bare CRs are found line by line): none may
  // stand in a start line or header value (RFC 3261 §25.1), and the header builders refuse them too, so a value
  // that passes here can always be copied into a response.
  if (controlIndex(head, true) >= 0) throw new SipParseError('control character in the header section (RFC 3261 §25.1)', head);
  let firstEnd = head.indexOf('\n');
  if (firstEnd < 0) firstEnd = head.length;
  const startLine = parseStartLine(checkLine(stripCr(head.slice(0, firstEnd)), 'start line', head), head);
  const headers = parseHeaderLines(head, firstEnd + 1);
  let seen = 0;
  let contentLength: string | undefined;
  const fields: MandatoryFields = { vias: [], from: '', to: '', cseq: '' };
  for (const e of headers.entries) {
    const bit = MANDATORY_BITS.get(e.key);
    if (bit !== undefined) {
      // The first line of each (every line of Via), as `get()` and `getAll('Via')` would read them.
      if (e.key === 'via') fields.vias.push(e.value);
      else if ((seen & bit) === 0) {
        if (e.key === 'from') fields.from = e.value;
        else if (e.key === 'to') fields.to = e.value;
        else if (e.key === 'cseq') fields.cseq = e.value;
      }
      seen |= bit;
    } else if (e.key === 'content-length' && contentLength === undefined) contentLength = e.value;
  }
  if (seen !== ALL_MANDATORY) {
    const missing = MANDATORY.filter((_, i) => (seen & (1 << i)) === 0);
    throw new SipParseError(`missing mandatory header ${missing.join(', ')} (RFC 3261 §8.1.1)`, head);
  }
  const body = readBody(buf, bodyStart, contentLength, head, typeof data !== 'string');
  const message =
    startLine.kind === 'request'
      ? new SipRequestMessage(startLine.method, startLine.uri, headers, body)
      : new SipResponseMessage(startLine.status, startLine.reason, headers, body);
  validate(message, head, fields);
  return message;
}

function stripCr(line: string): string {
  return line.charCodeAt(line.length - 1) === 0x0d ? line.slice(0, -1) : line;
}

/**
 * Refuses a line (its line ending already removed) holding a bare CR. RFC 3261 §25.1 allows line breaks only as
 * CRLF, and inside a header only as a fold (CRLF + SP/HTAB); a lone CR is neither. The offending bytes are not
 * quoted in the error, which ends up in logs.
 */
function checkLine(line: string, what: string, head: string): string {
  if (line.indexOf('\r') >= 0)
    throw new SipParseError(`bare CR in the ${what} (RFC 3261 §25.1)`, head);
  return line;
}

/** The header lines of `head` from offset `from`, read in place (no array of lines, no per-line copies). */
function parseHeaderLines(head: string, from: number): HeaderList {
  const entries: HeaderEntry[] = [];
  for (let pos = from; pos < head.length; ) {
    let next = head.indexOf('\n', pos);
    // The last line's CRLF lies outside `head`: a CR left at its end is a bare CR.
    if (next < 0) next = head.length;
    const end = next < head.length && next > pos && head.charCodeAt(next - 1) === 0x0d ? next - 1 : next;
    const lineStart = pos;
    pos = next + 1;
    if (end === lineStart) continue;
    const cr = head.indexOf('\r', lineStart);
    if (cr >= 0 && cr < end)
      throw new SipParseError('bare CR in a header line (RFC 3261 §25.1)', head);
    const first = head.charCodeAt(lineStart);
    if (first === 0x20 || first === 0x09) {
      // Folded continuation line: LWS collapses to one SP (RFC 3261 §7.3.1).
      const prev = entries[entries.length - 1];
      if (!prev) throw new SipParseError('continuation line before the first header', head);
      prev.value = `${prev.value} ${head.slice(lineStart, end).trim()}`.trim();
      continue;
    }
    const colon = head.indexOf(':', lineStart);
    let info: HeaderName | undefined;
    if (colon > lineStart && colon < end) {
      const last = head.charCodeAt(colon - 1);
      info =
        last === 0x20 || last === 0x09
          ? resolveHeaderName(trimEnd(head.slice(lineStart, colon)))
          : resolveHeaderNameAt(head, lineStart, colon);
    }
    if (!info) throw new SipParseError(`malformed header line "${head.slice(lineStart, end)}"`, head);
    entries.push({ key: info.key, name: info.name, value: trimmedSlice(head, colon + 1, end) });
  }
  return new HeaderList(entries);
}

const isAsciiSpace = (c: number): boolean => c === 0x20 || c === 0x09 || (c >= 0x0a && c <= 0x0d);

/**
 * `head.slice(from, to).trim()` with one string made instead of two (every header of every message comes through
 * here). Any non-ASCII character left at an edge takes the slow path, so the result is always what `trim` gives.
 */
function trimmedSlice(head: string, from: number, to: number): string {
  while (from < to && isAsciiSpace(head.charCodeAt(from))) from++;
  while (to > from && isAsciiSpace(head.charCodeAt(to - 1))) to--;
  if (from < to && (head.charCodeAt(from) > 0x7f || head.charCodeAt(to - 1) > 0x7f)) return head.slice(from, to).trim();
  return head.slice(from, to);
}

function trimEnd(name: string): string {
  const last = name.charCodeAt(name.length - 1);
  return last === 0x20 || last === 0x09 ? name.trimEnd() : name;
}

function readBody(
  buf: Buffer,
  bodyStart: number,
  lengthText: string | undefined,
  head: string,
  copy: boolean,
): Uint8Array {
  let end = buf.length;
  if (lengthText !== undefined) {
    if (!/^\d{1,9}$/.test(lengthText))
      throw new SipParseError(`invalid Content-Length "${lengthText}"`, head);
    end = bodyStart + Number(lengthText);
    if (end > buf.length) {
      throw new SipParseError(
        `body is ${buf.length - bodyStart} bytes, Content-Length says ${lengthText}`,
        head,
      );
    }
  }
  if (bodyStart >= end) return new Uint8Array(0);
  // Transports may reuse their receive buffer: a parsed message owns its body.
  if (!copy) return buf.subarray(bodyStart, end);
  const out = Buffer.allocUnsafe(end - bodyStart);
  buf.copy(out, 0, bodyStart, end);
  return out;
}

type StartLine =
  { kind: 'request'; method: string; uri: string } | { kind: 'response'; status: number; reason: string };

/** Request-Line or Status-Line (RFC 3261 §7.1, §7.2); checked before the headers so garbage fails clearly. */
function parseStartLine(line: string, head: string): StartLine {
  if (line.startsWith('SIP/')) {
    const m = /^SIP\/2\.0 +([1-6]\d\d)(?: +(.*))?$/i.exec(line.trim());
    if (!m)
      throw new SipParseError(`malformed status line "${line}" (expected SIP/2.0 <status> <reason>)`, head);
    return { kind: 'response', status: Number(m[1]), reason: (m[2] ?? '').trim() };
  }
  const first = line.indexOf(' ');
  const last = line.lastIndexOf(' ');
  const method = line.slice(0, first);
  const uri = line.slice(first + 1, last).trim();
  const version = line.slice(last + 1);
  if (first <= 0 || !uri || /\s/.test(uri)) throw new SipParseError(`malformed request line "${line}"`, head);
  if (!TOKEN.test(method)) throw new SipParseError(`invalid method "${method}"`, head);
  if (version.toUpperCase() !== 'SIP/2.0')
    throw new SipParseError(`unsupported SIP version "${version}"`, head);
  return { kind: 'request', method, uri };
}

/** Raw values of the headers {@link validate} parses, collected while the header lines are read. */
interface MandatoryFields {
  vias: string[];
  from: string;
  to: string;
  cseq: string;
}

/** Parses CSeq, From, To and every Via once, and hands the results to the message for its getters. */
function validate(message: SipRequestMessage | SipResponseMessage, head: string, fields: MandatoryFields): void {
  try {
    const cseq = parseCSeq(fields.cseq);
    if (message.kind === 'request' && cseq.method !== message.method) {
      throw new SipParseError(
        `CSeq method ${cseq.method} differs from ${message.method} (RFC 3261 §8.1.1.5)`,
      );
    }
    const from = parseNameAddr(fields.from);
    const to = parseNameAddr(fields.to);
    const vias: Via[] = [];
    for (const line of fields.vias) {
      if (line.indexOf(',') < 0) {
        if (line !== '') vias.push(parseVia(line));
      } else for (const value of splitList(line)) vias.push(parseVia(value));
    }
    if (vias.length === 0) throw new SipParseError('empty Via header');
    message.primeParsedViews({ cseq, from, to, vias });
  } catch (e) {
    if (e instanceof SipParseError) throw new SipParseError(e.message, head);
    throw e;
  }
}
