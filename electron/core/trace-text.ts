/**
 * Redaction and summary of SIP message text for the trace (issue 2, "Diagnostics"): what every traced message goes
 * through once, when its entry is first used (trace-log.ts).
 */
import type { TraceEntry } from '../../shared/trace';

/** One message as the transport layer saw it. */
export interface TraceMessage {
  direction: TraceEntry['direction'];
  transport: TraceEntry['transport'];
  local: string;
  remote: string;
  text: string;
  /** Epoch ms; defaults to the clock's wall time. */
  time?: number;
}

/** One message as the SIP stack reports it (its `WireEvent`): bytes not yet decoded, endpoints not yet formatted. */
export interface TraceWire {
  direction: TraceEntry['direction'];
  flow: {
    protocol: TraceEntry['transport'];
    local: { host: string; port: number };
    remote: { host: string; port: number };
  };
  /** The message as sent or received; transports hand over a buffer per message that is never rewritten. */
  data: Uint8Array;
  /** Epoch ms; defaults to the clock's wall time. */
  time?: number;
}

const textDecoder = new TextDecoder();

/**
 * Default byte cap of the ring. `traceBufferSize` counts entries, up to 100,000, and one UDP datagram can be 64 KiB:
 * counted alone, the ring could hold gigabytes of hostile input (issue 7, "memory stays bounded").
 */
export const TRACE_MAX_BYTES = 32 * 1024 * 1024;

/** The record itself, its endpoint strings and the entry's summary fields: a rough but fixed per-entry cost. */
const ENTRY_OVERHEAD_BYTES = 256;

/** A character V8 cannot keep in a one-byte string. */
const TWO_BYTE_CHAR = /[\u0100-\uffff]/;

/** Bytes V8 holds for `text`: one a character, or two once any character is beyond Latin-1. */
function stringBytes(text: string): number {
  return TWO_BYTE_CHAR.test(text) ? 2 * text.length : text.length;
}

/**
 * What a recorded message costs in memory: its bytes while undecoded, its text once decoded (the summary fields are
 * slices of the text and add nothing). Decoded text is counted as V8 stores it: a message with a bad byte decodes
 * to a U+FFFD and so to a two-byte string, twice its bytes, and must not slip past the cap as if it were ASCII.
 */
export function traceCost(source: TraceMessage | TraceWire | undefined, entry: TraceEntry | undefined): number {
  if (entry) return ENTRY_OVERHEAD_BYTES + stringBytes(entry.text);
  if (!source) return ENTRY_OVERHEAD_BYTES;
  return ENTRY_OVERHEAD_BYTES + ('data' in source ? source.data.byteLength : stringBytes(source.text));
}

/** One entry as the trace file shows it. */
export function formatForFile(e: TraceEntry): string {
  const arrow = e.direction === 'out' ? '->' : '<-';
  return `=== ${new Date(e.time).toISOString()} #${e.seq} ${e.direction} ${e.transport} ${e.local} ${arrow} ${e.remote}\n${e.text.replace(/\r\n/g, '\n')}\n\n`;
}

/**
 * The entry of one recorded message: decoded, redacted and summarised. The only way a traced message becomes
 * readable, so nothing leaves the trace unredacted.
 */
export function traceEntry(seq: number, time: number, source: TraceMessage | TraceWire): TraceEntry {
  if ('data' in source) {
    const text = redactSipText(textDecoder.decode(source.data));
    const { flow } = source;
    return {
      seq,
      time,
      direction: source.direction,
      transport: flow.protocol,
      local: `${flow.local.host}:${flow.local.port}`,
      remote: `${flow.remote.host}:${flow.remote.port}`,
      ...summarizeSipText(text),
      text,
    };
  }
  const text = redactSipText(source.text);
  const { direction, transport, local, remote } = source;
  return { seq, time, direction, transport, local, remote, ...summarizeSipText(text), text };
}

const REDACTED = '<redacted>';
// Digest credentials (RFC 7616 §3.4): these parameters prove knowledge of the password or replay it.
const DIGEST_SECRETS = /\b(response|nonce|cnonce)(\s*=\s*)("(?:[^"\\]|\\.)*"|[^\s,]+)/gi;
const AUTH_HEADER = /^(Authorization|Proxy-Authorization)([ \t]*:[ \t]*)(.*)$/i;
const PASSWORD_FIELD = /("?(?:password|passwd|secret)"?[ \t]*[:=][ \t]*)("(?:[^"\\]|\\.)*"|[^\s,;&}]+)/gi;
/** Text without any of these words has nothing {@link redactSipText} would change (both patterns need one). */
const MIGHT_HOLD_SECRETS = /authorization|passw(?:or)?d|secret|inline:/i;
/**
 * SRTP master keys in SDP (RFC 4568 §9.1 `a=crypto:<tag> <suite> inline:<key||salt>[|lifetime][|MKI:len]`): whoever
 * reads the trace could decrypt the call, so only the key material goes; suite, lifetime and MKI stay readable.
 */
const SDES_INLINE_KEY = /(\binline:)[A-Za-z0-9+/=]+/g;

function redactCredentials(value: string): string {
  const m = /^(\S+)(\s+)([\s\S]*)$/.exec(value);
  if (!m) return value === '' ? value : REDACTED;
  // Non-digest schemes (Basic, Bearer) carry the secret itself: keep only the scheme name.
  if (m[1]!.toLowerCase() !== 'digest') return `${m[1]}${m[2]}${REDACTED}`;
  return `${m[1]}${m[2]}${m[3]!.replace(DIGEST_SECRETS, `$1$2"${REDACTED}"`)}`;
}

/**
 * Redacts a SIP message for logging: Authorization and Proxy-Authorization keep their scheme, username, realm and
 * uri, but `response`, `nonce` and `cnonce` become `<redacted>` (folded header lines, RFC 3261 §7.3.1, included).
 * Any `password`/`secret` field in the text is scrubbed too, in case a non-SIP line passes through.
 */
export function redactSipText(text: string): string {
  if (!MIGHT_HOLD_SECRETS.test(text)) return text;
  const lines = text.split(/(\r?\n)/);
  const out: string[] = [];
  for (let i = 0; i < lines.length; i += 2) {
    const m = AUTH_HEADER.exec(lines[i]!);
    if (!m) {
      out.push(lines[i]!, lines[i + 1] ?? '');
      continue;
    }
    let value = m[3]!;
    let eol = lines[i + 1] ?? '';
    while (i + 2 < lines.length && /^[ \t]/.test(lines[i + 2]!)) {
      value += eol + lines[i + 2]!;
      eol = lines[i + 3] ?? '';
      i += 2;
    }
    out.push(`${m[1]}${m[2]}${redactCredentials(value)}`, eol);
  }
  return out.join('').replace(PASSWORD_FIELD, `$1"${REDACTED}"`).replace(SDES_INLINE_KEY, `$1${REDACTED}`);
}

/** Where the header section ends: the start of the first `\r?\n\r?\n`, or -1. */
function headerEnd(text: string): number {
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) {
    const next = text.charCodeAt(nl + 1);
    if (next === 0x0a || (next === 0x0d && text.charCodeAt(nl + 2) === 0x0a))
      return nl > 0 && text.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl;
  }
  return -1;
}

/**
 * First line, method (from CSeq for responses), status and Call-ID, read from the header section only. Lines are
 * walked in place and only Call-ID (compact `i`) and CSeq lines are looked at: this runs for every traced message.
 */
export function summarizeSipText(
  text: string,
): Pick<TraceEntry, 'firstLine' | 'method' | 'status' | 'callId'> {
  const end = headerEnd(text);
  const limit = end < 0 ? text.length : end;
  // A line ends at "\r?\n"; the section's last line ends at `limit` and keeps a lone trailing CR.
  const lineAt = (start: number): [line: string, next: number] => {
    const nl = text.indexOf('\n', start);
    if (nl < 0 || nl >= limit) return [text.slice(start, limit), -1];
    return [text.slice(start, nl > start && text.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl), nl + 1];
  };
  const [firstLine, afterFirst] = lineAt(0);
  const statusMatch = /^SIP\/2\.0\s+(\d{3})\b/.exec(firstLine);
  let method = statusMatch ? '' : (/^([A-Za-z]+)\s/.exec(firstLine)?.[1] ?? '');
  let callId = '';
  for (let at = afterFirst; at >= 0 && !(callId && method); ) {
    const first = text.charCodeAt(at) | 0x20;
    if (first !== 0x63 && first !== 0x69) {
      const nl = text.indexOf('\n', at);
      at = nl < 0 || nl >= limit ? -1 : nl + 1;
      continue;
    }
    const [line, next] = lineAt(at);
    at = next;
    const h = /^([A-Za-z-]+)[ \t]*:[ \t]*(.*)$/.exec(line);
    if (!h) continue;
    const name = h[1]!.toLowerCase();
    if (!callId && (name === 'call-id' || name === 'i')) callId = h[2]!.trim();
    else if (!method && name === 'cseq') method = /^\d+\s+([A-Za-z]+)/.exec(h[2]!)?.[1] ?? '';
  }
  const summary: Pick<TraceEntry, 'firstLine' | 'method' | 'status' | 'callId'> = {
    firstLine,
    method: method.toUpperCase(),
    callId,
  };
  if (statusMatch) summary.status = Number(statusMatch[1]);
  return summary;
}
