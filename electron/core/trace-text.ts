/**
 * Redaction and summary of SIP message text for the trace (issue 2, "Diagnostics"): what every traced message goes
 * through once, when its entry is first used (trace-log.ts).
 */
import type { TraceEntry } from '../../shared/trace';

const REDACTED = '<redacted>';
// Digest credentials (RFC 7616 §3.4): these parameters prove knowledge of the password or replay it.
const DIGEST_SECRETS = /\b(response|nonce|cnonce)(\s*=\s*)("(?:[^"\\]|\\.)*"|[^\s,]+)/gi;
const AUTH_HEADER = /^(Authorization|Proxy-Authorization)([ \t]*:[ \t]*)(.*)$/i;
const PASSWORD_FIELD = /("?(?:password|passwd|secret)"?[ \t]*[:=][ \t]*)("(?:[^"\\]|\\.)*"|[^\s,;&}]+)/gi;
/** Text without any of these words has nothing {@link redactSipText} would change (both patterns need one). */
const MIGHT_HOLD_SECRETS = /authorization|passw(?:or)?d|secret/i;

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
  return out.join('').replace(PASSWORD_FIELD, `$1"${REDACTED}"`);
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
