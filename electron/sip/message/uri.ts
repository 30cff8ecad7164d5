/**
 * SIP/SIPS URIs (RFC 3261 §19.1) and tel URIs (RFC 3966).
 *
 * Well-formed `sip:`/`sips:` URIs with a dotted host name or IPv4 address go through `drachtio-sip`'s `parseUri`
 * (its result is normalised: `NaN` port dropped, parameter names lower-cased). Everything it rejects or gets wrong
 * is parsed here instead: single-label hosts such as `localhost` (its host pattern needs a dot), IPv6 references
 * (it keeps the brackets), `tel:` URIs (unsupported), upper-case schemes and repeated `=` in parameter values.
 * User, password, parameter values and headers keep their escapes as written, so {@link formatUri} round-trips.
 */
import { drachtioParseUri } from './drachtio';
import { formatParams } from './grammar';
import type { SipUri } from './types';
import { SipParseError } from './types';

const FORBIDDEN = /[\s<>"]/;

/** Parses a `sip:`, `sips:` or `tel:` URI; throws {@link SipParseError} saying what is wrong. */
export function parseUri(s: string): SipUri {
  const colon = s.indexOf(':');
  const scheme = colon > 0 ? s.slice(0, colon).toLowerCase() : '';
  if (scheme !== 'sip' && scheme !== 'sips' && scheme !== 'tel') {
    throw new SipParseError(`unsupported URI scheme in "${s}" (expected sip:, sips: or tel:)`, s);
  }
  if (FORBIDDEN.test(s)) throw new SipParseError(`URI contains whitespace, <, > or a quote: "${s}"`, s);
  if (scheme === 'tel') return parseTel(s, colon);
  return fromDrachtio(s) ?? parseSip(s, scheme, colon);
}

function fromDrachtio(s: string): SipUri | undefined {
  // drachtio-sip truncates `;p=a=b` at the second `=` and keeps IPv6 brackets: leave those to parseSip.
  if (s.indexOf('[') >= 0 || /=[^;?&]*=/.test(s)) return undefined;
  const d = drachtioParseUri(s);
  if (!d || !d.host || !(Number.isNaN(d.port) || (d.port > 0 && d.port <= 65535))) return undefined;
  const params: SipUri['params'] = {};
  for (const name in d.params) params[name.toLowerCase()] = d.params[name] ?? null;
  const uri: SipUri = { scheme: d.scheme as 'sip' | 'sips', host: d.host, params, headers: { ...d.headers } };
  if (d.user !== undefined) uri.user = d.user;
  if (d.password !== undefined) uri.password = d.password;
  if (!Number.isNaN(d.port)) uri.port = d.port;
  return uri;
}

function parseSip(s: string, scheme: 'sip' | 'sips', colon: number): SipUri {
  let rest = s.slice(colon + 1);
  const headers: Record<string, string> = {};
  const q = rest.indexOf('?');
  if (q >= 0) {
    for (const pair of rest.slice(q + 1).split('&')) {
      if (!pair) continue;
      const eq = pair.indexOf('=');
      headers[eq < 0 ? pair : pair.slice(0, eq)] = eq < 0 ? '' : pair.slice(eq + 1);
    }
    rest = rest.slice(0, q);
  }
  const uri: SipUri = { scheme, host: '', params: {}, headers };
  const at = rest.indexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    const pw = userinfo.indexOf(':');
    uri.user = pw < 0 ? userinfo : userinfo.slice(0, pw);
    if (pw >= 0) uri.password = userinfo.slice(pw + 1);
    if (!uri.user) throw new SipParseError(`empty user part in "${s}"`, s);
    rest = rest.slice(at + 1);
  }
  let i: number;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) throw new SipParseError(`unterminated IPv6 reference in "${s}"`, s);
    uri.host = rest.slice(1, close);
    i = close + 1;
  } else {
    i = 0;
    while (i < rest.length && rest[i] !== ':' && rest[i] !== ';') i++;
    uri.host = rest.slice(0, i);
  }
  if (!uri.host) throw new SipParseError(`missing host in "${s}"`, s);
  if (rest[i] === ':') {
    const end = rest.indexOf(';', i);
    uri.port = parsePort(rest.slice(i + 1, end < 0 ? undefined : end), s);
    i = end < 0 ? rest.length : end;
  }
  if (i < rest.length && rest[i] !== ';')
    throw new SipParseError(`unexpected "${rest.slice(i)}" in "${s}"`, s);
  uri.params = parseUriParams(rest.slice(i), s);
  return uri;
}

function parseTel(s: string, colon: number): SipUri {
  const rest = s.slice(colon + 1);
  const semi = rest.indexOf(';');
  const number = semi < 0 ? rest : rest.slice(0, semi);
  if (!/^\+?[0-9A-Fa-f*#().\-pPwW]+$/.test(number)) {
    throw new SipParseError(`invalid telephone number in "${s}" (RFC 3966 §3)`, s);
  }
  return {
    scheme: 'tel',
    user: number,
    host: '',
    params: parseUriParams(semi < 0 ? '' : rest.slice(semi), s),
    headers: {},
  };
}

function parsePort(text: string, s: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port > 0 && port <= 65535)) throw new SipParseError(`invalid port "${text}" in "${s}"`, s);
  return port;
}

function parseUriParams(text: string, s: string): SipUri['params'] {
  const params: SipUri['params'] = {};
  if (!text) return params;
  for (const segment of text.slice(1).split(';')) {
    const eq = segment.indexOf('=');
    const name = (eq < 0 ? segment : segment.slice(0, eq)).toLowerCase();
    if (!name) throw new SipParseError(`empty URI parameter in "${s}"`, s);
    params[name] = eq < 0 ? null : segment.slice(eq + 1);
  }
  return params;
}

/** Writes a URI back; IPv6 hosts get their brackets (RFC 3261 §19.1.1 `IPv6reference`). */
export function formatUri(u: SipUri): string {
  if (u.scheme === 'tel') return `tel:${u.user ?? ''}${formatParams(u.params)}`;
  let s = `${u.scheme}:`;
  if (u.user) s += u.password !== undefined ? `${u.user}:${u.password}@` : `${u.user}@`;
  s += u.host.indexOf(':') >= 0 ? `[${u.host}]` : u.host;
  if (u.port !== undefined) s += `:${u.port}`;
  s += formatParams(u.params);
  const names = Object.keys(u.headers);
  if (names.length) s += '?' + names.map((n) => `${n}=${u.headers[n]}`).join('&');
  return s;
}
