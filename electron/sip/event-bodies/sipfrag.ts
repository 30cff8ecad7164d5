/**
 * `message/sipfrag` (RFC 3420) as the NOTIFYs of a REFER's implicit subscription carry it (RFC 3515 §2.4.5): only
 * the status line matters, `SIP/2.0 180 Ringing` → `{ status: 180, reason: 'Ringing' }`. A pure parser that never
 * throws: the body comes from the network, and anything that is not a status line reads as `undefined`.
 *
 * Tolerant where peers are sloppy: blank lines or a BOM before the status line, bare LF or no line end at all,
 * headers or a body after it (RFC 3420 §2 allows both and we ignore them), a missing reason phrase, `sip/2.0` in
 * any case. Strict where it matters: the version must be SIP/2.0 and the code three digits from 100 to 699 (RFC
 * 3261 §7.2, §21); a request line (`INVITE sip:… SIP/2.0`, also a valid sipfrag) is not a status and is undefined.
 */

/** The status line of a sipfrag: the code and the reason phrase (control characters removed, at most 200 chars). */
export interface SipfragStatus {
  status: number;
  reason: string;
}

const utf8 = new TextDecoder('utf-8');
/** How much of the body is looked at: a status line is short, a hostile body need not be read whole. */
const HEAD_CHARS = 1024;
// RFC 3261 §7.2: Status-Line = SIP-Version SP Status-Code SP Reason-Phrase; the SP before an empty phrase optional.
const STATUS_LINE_RE = /^SIP\/2\.0[ \t]+([1-6]\d\d)(?:[ \t]+(.*))?$/i;

/** The status line of a `message/sipfrag` body, or undefined when it has none. */
export function parseSipfragStatus(body: Uint8Array | string | undefined): SipfragStatus | undefined {
  try {
    if (body === undefined) return undefined;
    const head = typeof body === 'string' ? body.slice(0, HEAD_CHARS) : utf8.decode(body.subarray(0, HEAD_CHARS));
    const text = head.charCodeAt(0) === 0xfeff ? head.slice(1) : head;
    const line = text.split(/\r\n|\n|\r/).find((l) => l.trim() !== '');
    if (line === undefined) return undefined;
    const match = STATUS_LINE_RE.exec(line.trim());
    if (!match) return undefined;
    // eslint-disable-next-line no-control-regex
    const reason = (match[2] ?? '').replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, 200);
    return { status: Number(match[1]), reason };
  } catch {
    return undefined;
  }
}
