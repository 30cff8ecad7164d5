/**
 * The strict reader of `sip:`, `tel:` and `callto:` links handed to the desktop app by the OS (issue 12 §7): a web
 * page or another program chooses these strings, so nothing is dialled unless it is plainly a number or a SIP address.
 * Pure. The result is a target for `calls.dial` (which checks it once more, electron/sip/usage/call/dial-target.ts).
 *
 * Accepted: `sip:101@pbx.example.com`, `sip:101`, `tel:+49 30 123` (RFC 3966 visual separators), `callto://101`,
 * `callto:anna@pbx`, percent-encoded forms of all of them. Refused: any other scheme (`sips:` included: the console
 * registers only these three), control characters (raw or percent-encoded), more than 256 characters, malformed
 * percent escapes, URI headers (`?…`: RFC 3261 §19.1.5 would copy them into the INVITE), and parameters other than
 * the harmless ones listed below, which are dropped (the call goes out on the line's own transport).
 */
import { hasControlCharacters } from './control-characters';
import { isValidHostPort } from './host-syntax';
import { fail, ok, type Result } from './result';

/** The URI schemes the console handles, as registered with the OS. */
export const DIAL_LINK_SCHEMES = ['sip', 'tel', 'callto'] as const;
export type DialLinkScheme = (typeof DIAL_LINK_SCHEMES)[number];

/** A link that may be dialled: its scheme and the `calls.dial` target. */
export interface DialLink {
  scheme: DialLinkScheme;
  target: string;
}

/** Longest link accepted, the same bound as `calls.dial`'s target. */
export const MAX_DIAL_LINK_LENGTH = 256;

/** A telephone number as people write it: digits, `*`, `#`, a leading `+`, RFC 3966 §5.1.1 visual separators. */
const PHONE_TEXT = /^\+?[0-9*#][0-9*#\-.() ]*$/;
const VISUAL_SEPARATORS = /[-.() ]/g;
/** A SIP user part we dial: letters, digits, `*#+_.-` (no escapes or separators that change the request). */
const SIP_USER = /^\+?[0-9A-Za-z*#_.-]{1,64}$/;
const MAX_DIGITS = 32;

/** Parameters dropped without harm: RFC 3261 §19.1.1 `user=` and `transport=`, RFC 3966 §5.1.5 `phone-context=`. */
const DROPPED_PARAMS: Record<DialLinkScheme, RegExp> = {
  sip: /^(?:user=(?:phone|ip)|transport=(?:udp|tcp|tls))$/i,
  tel: /^phone-context=[A-Za-z0-9+.\-*#]{1,64}$/i,
  callto: /^$/,
};

const refuse = (why: string): Result<DialLink> => fail('invalid-argument', `Not dialled: ${why}`, { field: 'link' });

function decode(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

/** The number in `text` without separators, or undefined when it is not one. */
function phoneNumber(text: string): string | undefined {
  if (!PHONE_TEXT.test(text)) return undefined;
  const digits = text.replace(VISUAL_SEPARATORS, '');
  const count = digits.replace('+', '').length;
  return count >= 1 && count <= MAX_DIGITS ? digits : undefined;
}

/** `user@host[:port]` or a bare user/number as a dial target, or why not. */
function sipTarget(address: string): Result<string> {
  const at = address.lastIndexOf('@');
  if (at < 0) {
    const number = phoneNumber(address);
    return number ? ok(number) : fail('invalid-argument', 'the link names no number or SIP address');
  }
  const user = address.slice(0, at);
  const host = address.slice(at + 1);
  const phone = /^[+0-9 ()\-.]+$/.test(user) ? phoneNumber(user) : undefined;
  const cleanUser = phone ?? user;
  if (!SIP_USER.test(cleanUser)) return fail('invalid-argument', 'the user part is not a number or extension name');
  if (!isValidHostPort(host)) return fail('invalid-argument', 'the host is not a host name or IP address');
  return ok(`sip:${cleanUser}@${host}`);
}

/**
 * Reads `raw` as a dial link, strictly (see the module comment); never throws. The error names the field `link`
 * and says why the link was not dialled.
 */
export function parseDialLink(raw: unknown): Result<DialLink> {
  if (typeof raw !== 'string' || raw.length === 0) return refuse('the link is empty');
  if (raw.length > MAX_DIAL_LINK_LENGTH) return refuse(`the link is longer than ${MAX_DIAL_LINK_LENGTH} characters`);
  if (hasControlCharacters(raw)) return refuse('the link contains control characters');
  const colon = raw.indexOf(':');
  const scheme = raw.slice(0, Math.max(0, colon)).toLowerCase();
  if (!(DIAL_LINK_SCHEMES as readonly string[]).includes(scheme))
    return refuse('only sip:, tel: and callto: links are dialled');
  const linkScheme = scheme as DialLinkScheme;
  let rest = raw.slice(colon + 1);
  // callto: links come as `callto://number` or `callto:number`; sip: and tel: have no authority part.
  if (linkScheme === 'callto' && rest.startsWith('//')) rest = rest.slice(2).replace(/\/$/, '');
  if (rest.includes('?')) return refuse('the link carries headers or a query');
  // Split before decoding, so an encoded ";" (%3B) stays data and cannot become a parameter.
  const [encodedMain = '', ...encodedParams] = rest.split(';');
  const main = decode(encodedMain);
  const params = encodedParams.map(decode);
  if (main === undefined || params.includes(undefined)) return refuse('the link has a malformed %-escape');
  if ([main, ...params].some((part) => hasControlCharacters(part!)))
    return refuse('the link contains control characters');
  const bad = params.find((param) => !DROPPED_PARAMS[linkScheme].test(param!));
  if (bad !== undefined) return refuse(`the link has an unsupported parameter "${bad.slice(0, 32)}"`);
  const text = main.trim();
  if (text === '') return refuse('the link names no number');
  if (linkScheme === 'tel') {
    const number = phoneNumber(text);
    return number ? ok({ scheme: linkScheme, target: number }) : refuse('a tel: link must hold a telephone number');
  }
  const target = sipTarget(text);
  return target.ok ? ok({ scheme: linkScheme, target: target.value }) : refuse(target.error.message);
}

/**
 * The first argument in a command line that claims to be a dial link (Windows and Linux hand a clicked link to the
 * app as an argument). Options (`--hidden`) are skipped; the caller still parses what it gets.
 */
export function dialLinkInArgv(argv: readonly string[]): string | undefined {
  return argv.find((arg) => !arg.startsWith('-') && /^(?:sip|tel|callto):/i.test(arg));
}
