/**
 * Number comparison for the history: `102`, `sip:102@pbx` and `<sip:102@pbx;user=phone>` are the same caller, and
 * `+49 30 12`, `+49-30-12` and `+49 (30) 12` are the same number. National and international forms of one number
 * (`030 12` and `+49 30 12`) are not matched: that needs a dialling plan the console does not have.
 */
import type { CallParty } from '../../../shared/calls';

/** Characters people and PBXs put into numbers for readability. */
const SEPARATORS = /[\s\-.()/[\]]/g;
const SCHEME = /^(?:sips?|tel):/i;

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The comparable form of a number or SIP/tel URI: the user part (or, without one, the host), percent-decoded, without
 * separators, lower case. Empty input gives an empty key.
 */
export function normalizeNumber(raw: string): string {
  let text = raw.trim();
  const bracket = /<([^>]*)>/.exec(text);
  if (bracket?.[1] !== undefined) text = bracket[1];
  if (SCHEME.test(text)) {
    text = text.replace(SCHEME, '');
    const at = text.indexOf('@');
    // `sip:pbx.example.com` has no user part: the host is all there is to compare.
    const user = at === -1 ? text : text.slice(0, at);
    text = user.split(/[;?]/)[0] ?? '';
  }
  return decode(text).replace(SEPARATORS, '').toLowerCase();
}

/** The key history rows of one caller share: the number, or the URI when the PBX sent no number. */
export function partyKey(party: CallParty): string {
  return normalizeNumber(party.number) || normalizeNumber(party.uri);
}

/** Whether two numbers or URIs name the same caller. */
export function sameNumber(a: string, b: string): boolean {
  const key = normalizeNumber(a);
  return key !== '' && key === normalizeNumber(b);
}
