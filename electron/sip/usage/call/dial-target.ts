/**
 * What the console may dial (issue 9 §1): an extension (`102`), a number with visual separators (`+49 30 1234-5`),
 * a SIP or SIPS URI, `user@host`, or a `tel:` URI (RFC 3966), which becomes `sip:<number>@<domain>;user=phone`
 * (RFC 3261 §19.1.6). Anything else is a {@link DialTargetError}.
 */
import { parseUri } from '../../message';
import { DialTargetError } from './call-session-api';

/** RFC 3966 §5.1.1 visual separators, and the blanks people type. */
const VISUAL_SEPARATORS = /[\s\-.()]/g;
/** A dialable user part: digits, `*`, `#`, an optional leading `+`, and letters for named extensions. */
const DIALABLE_USER = /^\+?[0-9A-Za-z*#_]{1,64}$/;

/** Turns `target` into the Request-URI of an INVITE for a line of `domain`. */
export function parseDialTarget(target: string, domain: string): string {
  const text = target.trim();
  // eslint-disable-next-line no-control-regex
  if (!text || /[\u0000-\u001f\u007f<>"]/.test(text)) throw new DialTargetError(target, 'empty or contains characters no address has');
  const lower = text.toLowerCase();
  if (lower.startsWith('sip:') || lower.startsWith('sips:')) return checkedUri(target, text);
  if (lower.startsWith('tel:')) {
    const number = text.slice(4).split(';')[0]!.replace(VISUAL_SEPARATORS, '');
    if (!/^\+?[0-9*#]{1,64}$/.test(number)) throw new DialTargetError(target, 'not a telephone number');
    return `sip:${number}@${domain};user=phone`;
  }
  if (text.includes('@')) {
    const [user, host] = text.split('@', 2) as [string, string];
    const cleanUser = user.replace(VISUAL_SEPARATORS, '');
    if (!DIALABLE_USER.test(cleanUser)) throw new DialTargetError(target, 'not a dialable user');
    return checkedUri(target, `sip:${cleanUser}@${host.trim()}`);
  }
  const user = text.replace(VISUAL_SEPARATORS, '');
  if (!DIALABLE_USER.test(user)) throw new DialTargetError(target, 'not a number or SIP address');
  return `sip:${user}@${domain}`;
}

function checkedUri(target: string, uri: string): string {
  if (/\s/.test(uri)) throw new DialTargetError(target, 'contains blanks');
  try {
    const parsed = parseUri(uri);
    if (!parsed.host) throw new DialTargetError(target, 'has no host');
  } catch (error) {
    if (error instanceof DialTargetError) throw error;
    throw new DialTargetError(target, 'not a valid SIP URI');
  }
  return uri;
}
