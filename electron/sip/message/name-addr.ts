/**
 * name-addr / addr-spec values of From, To, Contact, Route, Refer-To, P-Asserted-Identity and the like
 * (RFC 3261 §20.10, §25.1). Written here rather than taken from drachtio-sip, whose parser mis-reads quoted
 * display names with escapes and returns junk instead of failing for a missing value.
 */
import { closingQuote, formatParams, parseParams, quote, unescapeQuoted } from './grammar';
import type { NameAddr } from './types';
import { SipParseError } from './types';

/**
 * Parses `"Display" <uri>;params`, `Display <uri>;params`, `<uri>;params` or a bare addr-spec `uri;params`.
 * Without `<>` the parameters belong to the header, not the URI (RFC 3261 §20.10), so `sip:a@b;tag=1` gives
 * uri `sip:a@b` and param `tag`. The URI itself is not validated here (see `parseUri`).
 */
export function parseNameAddr(s: string): NameAddr {
  const text = s.trim();
  let displayName: string | undefined;
  let lt: number;
  if (text.startsWith('"')) {
    const close = closingQuote(text, 0);
    if (close < 0) throw new SipParseError(`unterminated display name in "${s}"`, s);
    displayName = unescapeQuoted(text.slice(1, close));
    lt = close + 1;
    while (text[lt] === ' ' || text[lt] === '\t') lt++;
    if (text[lt] !== '<') throw new SipParseError(`quoted display name without <uri> in "${s}"`, s);
  } else {
    lt = text.indexOf('<');
    const semi = text.indexOf(';');
    if (lt < 0 || (semi >= 0 && semi < lt)) return bareAddrSpec(text, s);
    const name = text.slice(0, lt).trim();
    if (name) displayName = name.replace(/\s+/g, ' ');
  }
  const gt = text.indexOf('>', lt);
  if (gt < 0) throw new SipParseError(`missing ">" in "${s}"`, s);
  const uri = text.slice(lt + 1, gt).trim();
  if (!uri) throw new SipParseError(`empty URI in "${s}"`, s);
  const params = parseParams(text, gt + 1);
  if (!params) throw new SipParseError(`unexpected text after ">" in "${s}"`, s);
  return displayName === undefined ? { uri, params } : { displayName, uri, params };
}

function bareAddrSpec(text: string, s: string): NameAddr {
  const semi = text.indexOf(';');
  const uri = (semi < 0 ? text : text.slice(0, semi)).trim();
  if (!uri || /[\s"<>]/.test(uri)) throw new SipParseError(`invalid address "${s}"`, s);
  const params = semi < 0 ? {} : parseParams(text, semi);
  if (!params) throw new SipParseError(`invalid parameters in "${s}"`, s);
  return { uri, params };
}

/** Writes `"Display" <uri>;params`; always with `<>`, which is valid whatever the URI contains. */
export function formatNameAddr(n: NameAddr): string {
  const name = n.displayName ? `${quote(n.displayName)} ` : '';
  return `${name}<${n.uri}>${formatParams(n.params)}`;
}
