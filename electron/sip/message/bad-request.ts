/**
 * {@link badRequestFor}: the 400 Bad Request answer to a request the parser refused (RFC 3261 §8.2.6, §21.4.1),
 * built only when it can be built safely. The sender learns its request was refused instead of retransmitting it
 * until Timer B/F, and nothing of the refused bytes is echoed beyond the clean parts of the five headers a
 * response must copy.
 */
import { controlIndex } from './control-chars';
import { splitList } from './grammar';
import { resolveHeaderName } from './header-names';
import { newTag } from './ids';
import { parseNameAddr } from './name-addr';
import { createResponse, parseCSeq, SipRequestMessage, type HeaderPairs } from './sip-message';
import type { SipResponse } from './types';
import { parseVia } from './via';

const METHOD = /^[A-Za-z0-9\-.!%*_+`'~]+ /;
const CALL_ID = /^[\x21-\x7e]+$/;
/** Only this much of a datagram is read for the headers (a stream message's header section is capped lower). */
const MAX_HEAD_BYTES = 65_536;
/** More than this many Via values is not a request worth answering (and bounds the work on hostile input). */
const MAX_VIAS = 70;

/**
 * The 400 for `data`, a message the parser refused, or undefined when no response may or can be sent: a response
 * (never answered, §8.2), an ACK (never answered, §17.1.1.3), or a request whose Via, From, To, Call-ID or CSeq is
 * missing or unusable. Each of those values is cut at its first control character and must then parse; the
 * response carries only those cut values, so the bytes that made the parser refuse the request are never sent
 * back. The start line and every other header are ignored.
 */
export function badRequestFor(data: Uint8Array): SipResponse | undefined {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let start = 0;
  while (start < buf.length && (buf[start] === 0x0d || buf[start] === 0x0a)) start++;
  const lines = buf.toString('utf8', start, Math.min(buf.length, start + MAX_HEAD_BYTES)).split('\n');
  const method = METHOD.exec(lines[0] ?? '')?.[0].trim();
  if (method === undefined || method === 'ACK' || method.startsWith('SIP/')) return undefined;
  const found = collect(lines);
  if (!found) return undefined;
  try {
    const cseq = parseCSeq(found.cseq);
    parseNameAddr(found.from);
    parseNameAddr(found.to);
    if (!CALL_ID.test(found.callId) || found.vias.length === 0 || found.vias.length > MAX_VIAS) return undefined;
    for (const via of found.vias) parseVia(via);
    const headers: HeaderPairs = found.vias.map((v): [string, string] => ['Via', v]);
    headers.push(['From', found.from], ['To', found.to], ['Call-ID', found.callId], ['CSeq', found.cseq]);
    const request = new SipRequestMessage(cseq.method, 'sip:invalid', headers);
    // §8.2.6.2: a final response carries a To tag; one already present is kept.
    return createResponse(request, 400, 'Bad Request', { toTag: newTag() });
  } catch {
    return undefined;
  }
}

interface Found {
  vias: string[];
  from: string;
  to: string;
  callId: string;
  cseq: string;
}

/** The clean values of the mandatory headers (every Via line, the first of the others); undefined if one lacks. */
function collect(lines: string[]): Found | undefined {
  const vias: string[] = [];
  const first = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    // The blank line ends the header section; folded continuations are not followed (a 400 needs no more).
    if (line === '' || line === '\r') break;
    if (line.charCodeAt(0) === 0x20 || line.charCodeAt(0) === 0x09) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = resolveHeaderName(line.slice(0, colon).trim())?.key;
    if (key !== 'via' && key !== 'from' && key !== 'to' && key !== 'call-id' && key !== 'cseq') continue;
    const value = clean(line.slice(colon + 1));
    if (value === '') continue;
    if (key === 'via') vias.push(...splitList(value));
    else if (!first.has(key)) first.set(key, value);
  }
  const [from, to, callId, cseq] = ['from', 'to', 'call-id', 'cseq'].map((k) => first.get(k));
  if (from === undefined || to === undefined || callId === undefined || cseq === undefined) return undefined;
  return { vias, from, to, callId, cseq };
}

/** `value` up to its first control character (a line's own CR included), trimmed: never copied (RFC 3261 §25.1). */
function clean(value: string): string {
  const bad = controlIndex(value);
  return (bad < 0 ? value : value.slice(0, bad)).trim();
}
