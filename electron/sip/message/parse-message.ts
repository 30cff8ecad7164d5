/**
 * {@link parseMessage}: bytes (or text) to a {@link SipMessage}. Hand-written rather than drachtio-sip's
 * `parseSipMessage`, which works on a decoded string and so cannot honour a byte-counted Content-Length, cuts a
 * body without Content-Length at its first blank line, and rejects a header block ending without the empty line.
 *
 * Only the start line and the split into header lines happen eagerly, plus the checks that make the message
 * usable by the transaction layer: mandatory headers present (RFC 3261 §8.1.1) and Via, From, To and CSeq
 * parseable, so their getters never throw later. Everything else is parsed on demand.
 */
import type { HeaderEntry } from './header-list';
import { HeaderList } from './header-list';
import { resolveHeaderName } from './header-names';
import { MANDATORY, SipRequestMessage, SipResponseMessage } from './sip-message';
import type { SipMessage } from './types';
import { SipParseError } from './types';

const CRLFCRLF = Buffer.from('\r\n\r\n');
const LFLF = Buffer.from('\n\n');
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
/** Keys of the headers RFC 3261 §8.1.1 requires, with their names for error messages. */
const MANDATORY_KEYS: ReadonlyMap<string, string> = new Map(MANDATORY.map((n) => [n.toLowerCase(), n]));

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
  }
  const head = buf.toString('utf8', start, headEnd);
  const lines = head.split('\n');
  const startLine = parseStartLine(stripCr(lines[0] ?? ''), head);
  const headers = parseHeaderLines(lines, head);
  const seen = new Set<string>();
  let contentLength: string | undefined;
  for (const e of headers.entries) {
    if (MANDATORY_KEYS.has(e.key)) seen.add(e.key);
    else if (e.key === 'content-length' && contentLength === undefined) contentLength = e.value;
  }
  if (seen.size < MANDATORY_KEYS.size) {
    const missing = [...MANDATORY_KEYS].filter(([key]) => !seen.has(key)).map(([, name]) => name);
    throw new SipParseError(`missing mandatory header ${missing.join(', ')} (RFC 3261 §8.1.1)`, head);
  }
  const body = readBody(buf, bodyStart, contentLength, head, typeof data !== 'string');
  const message =
    startLine.kind === 'request'
      ? new SipRequestMessage(startLine.method, startLine.uri, headers, body)
      : new SipResponseMessage(startLine.status, startLine.reason, headers, body);
  validate(message, head);
  return message;
}

function stripCr(line: string): string {
  return line.charCodeAt(line.length - 1) === 0x0d ? line.slice(0, -1) : line;
}

function parseHeaderLines(lines: string[], head: string): HeaderList {
  const entries: HeaderEntry[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = stripCr(lines[i] as string);
    if (line === '') continue;
    const first = line.charCodeAt(0);
    if (first === 0x20 || first === 0x09) {
      // Folded continuation line: LWS collapses to one SP (RFC 3261 §7.3.1).
      const prev = entries[entries.length - 1];
      if (!prev) throw new SipParseError('continuation line before the first header', head);
      prev.value = `${prev.value} ${line.trim()}`.trim();
      continue;
    }
    const colon = line.indexOf(':');
    const info = colon > 0 ? resolveHeaderName(trimEnd(line.slice(0, colon))) : undefined;
    if (!info) throw new SipParseError(`malformed header line "${line}"`, head);
    entries.push({ key: info.key, name: info.name, value: line.slice(colon + 1).trim() });
  }
  return new HeaderList(entries);
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

function validate(message: SipMessage, head: string): void {
  try {
    const { cseq } = message;
    if (message.kind === 'request' && cseq.method !== message.method) {
      throw new SipParseError(
        `CSeq method ${cseq.method} differs from ${message.method} (RFC 3261 §8.1.1.5)`,
      );
    }
    void message.from;
    void message.to;
    if (message.vias.length === 0) throw new SipParseError('empty Via header');
  } catch (e) {
    if (e instanceof SipParseError) throw new SipParseError(e.message, head);
    throw e;
  }
}
