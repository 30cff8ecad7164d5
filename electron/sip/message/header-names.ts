/**
 * Header name knowledge: compact forms, canonical spelling and which headers are comma-separated lists.
 * Every lookup goes through {@link headerKey}, so names match case-insensitively and compact forms map to the
 * long form (RFC 3261 §7.3.1, §7.3.3), X-/P- headers included.
 */

/**
 * Compact forms. RFC 3261 §7.3.3 / §20 (i m e l c f s k t v), RFC 6665 §8.2.1 (o Event, u Allow-Events),
 * RFC 3515 §7.1 (r Refer-To), RFC 3892 §7 (b Referred-By), RFC 4028 §10 (x Session-Expires), RFC 3841 §13
 * (a Accept-Contact, j Reject-Contact, d Request-Disposition), RFC 8224 §11 (y Identity).
 * drachtio-sip maps `e` to a non-existent "contact-encoding" and lacks o u r b x; `e` is Content-Encoding.
 */
export const COMPACT_FORMS: Readonly<Record<string, string>> = {
  i: 'call-id',
  m: 'contact',
  e: 'content-encoding',
  l: 'content-length',
  c: 'content-type',
  f: 'from',
  s: 'subject',
  k: 'supported',
  t: 'to',
  v: 'via',
  o: 'event',
  u: 'allow-events',
  r: 'refer-to',
  b: 'referred-by',
  x: 'session-expires',
  a: 'accept-contact',
  j: 'reject-contact',
  d: 'request-disposition',
  y: 'identity',
};

// prettier-ignore
const CANONICAL_NAMES = [
  'Via', 'From', 'To', 'Call-ID', 'CSeq', 'Contact', 'Max-Forwards', 'Route', 'Record-Route', 'Path',
  'Service-Route', 'Content-Type', 'Content-Length', 'Content-Encoding', 'Content-Disposition', 'Content-Language',
  'MIME-Version', 'Expires', 'Min-Expires', 'Event', 'Allow-Events', 'Subscription-State', 'Refer-To', 'Referred-By',
  'Refer-Sub', 'Replaces', 'Target-Dialog', 'Session-Expires', 'Min-SE', 'Subject', 'Supported', 'Require',
  'Proxy-Require', 'Unsupported', 'Allow', 'Accept', 'Accept-Encoding', 'Accept-Language', 'Accept-Contact',
  'Reject-Contact', 'Request-Disposition', 'WWW-Authenticate', 'Authorization', 'Proxy-Authenticate',
  'Proxy-Authorization', 'Authentication-Info', 'User-Agent', 'Server', 'Date', 'Timestamp', 'Retry-After',
  'Warning', 'Organization', 'Priority', 'Reply-To', 'In-Reply-To', 'Alert-Info', 'Call-Info', 'Error-Info',
  'P-Asserted-Identity', 'P-Preferred-Identity', 'Privacy', 'Reason', 'RAck', 'RSeq', 'SIP-ETag', 'SIP-If-Match',
  'Identity', 'Diversion', 'History-Info', 'Security-Client', 'Security-Server', 'Security-Verify',
];

const CANONICAL: ReadonlyMap<string, string> = new Map(CANONICAL_NAMES.map((n) => [n.toLowerCase(), n]));

/**
 * Headers whose value is a comma-separated list, so several values may share one line (RFC 3261 §7.3.1).
 * Deliberately absent: headers whose single value contains commas, e.g. Date, WWW-Authenticate, Authorization,
 * Proxy-Authenticate, Proxy-Authorization, Authentication-Info, Subject, User-Agent, Server, Retry-After.
 */
// prettier-ignore
const LIST_HEADERS: ReadonlySet<string> = new Set([
  'via', 'contact', 'route', 'record-route', 'path', 'service-route', 'allow', 'allow-events', 'supported',
  'require', 'proxy-require', 'unsupported', 'accept', 'accept-encoding', 'accept-language', 'accept-contact',
  'reject-contact', 'request-disposition', 'content-encoding', 'content-language', 'in-reply-to', 'alert-info',
  'call-info', 'error-info', 'warning', 'p-asserted-identity', 'p-preferred-identity', 'history-info',
  'diversion', 'reason', 'security-client', 'security-server', 'security-verify',
]);

/** Lower-case long-form key of a header name: `V`, `via` and `VIA` all give `via`; `X-Foo` gives `x-foo`. */
export function headerKey(name: string): string {
  const lower = name.toLowerCase();
  return lower.length === 1 ? (COMPACT_FORMS[lower] ?? lower) : lower;
}

/** The name to write for `key`: the canonical spelling when known, otherwise the name as first written. */
export function canonicalName(key: string, asWritten: string): string {
  return CANONICAL.get(key) ?? (asWritten.length === 1 ? key : asWritten);
}

/** How a header name as written is matched (`key`) and written out (`name`). */
export interface HeaderName {
  key: string;
  name: string;
}

const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
const NAME_CACHE = new Map<string, HeaderName>();
/** Names come from the network: cap the cache so odd names cannot grow it without bound. */
const NAME_CACHE_LIMIT = 1024;

/**
 * Resolves a header name as written (`v`, `CALL-ID`, `X-Foo`) to its key and canonical spelling, or `undefined`
 * when it is not an RFC 3261 token. Cached, because the same few spellings recur in every message.
 */
export function resolveHeaderName(asWritten: string): HeaderName | undefined {
  let info = NAME_CACHE.get(asWritten);
  if (info === undefined) {
    if (!TOKEN.test(asWritten)) return undefined;
    const key = headerKey(asWritten);
    info = { key, name: canonicalName(key, asWritten) };
    if (NAME_CACHE.size < NAME_CACHE_LIMIT) {
      NAME_CACHE.set(asWritten, info);
      const sameLength = (SPELLINGS_BY_LENGTH[asWritten.length] ??= []);
      if (sameLength.length < SPELLINGS_PER_LENGTH) sameLength.push({ spelling: asWritten, info });
    }
  }
  return info;
}

/** Spellings already resolved, by length, so a header line's name is matched in place (see below). */
const SPELLINGS_BY_LENGTH: Array<Array<{ spelling: string; info: HeaderName }> | undefined> = [];
const SPELLINGS_PER_LENGTH = 8;

/**
 * {@link resolveHeaderName} for the name at `text[start, end)`, e.g. inside a message's header block. A spelling
 * seen before is recognised by comparing it in place, without cutting the name out or hashing it; the parser does
 * this for every header line of every message.
 */
export function resolveHeaderNameAt(text: string, start: number, end: number): HeaderName | undefined {
  const candidates = SPELLINGS_BY_LENGTH[end - start];
  if (candidates !== undefined) for (const c of candidates) if (text.startsWith(c.spelling, start)) return c.info;
  return resolveHeaderName(text.slice(start, end));
}

/** Lookup key for a name given by code; falls back to {@link headerKey} for names that are not tokens. */
export function lookupKey(name: string): string {
  return (NAME_CACHE.get(name) ?? resolveHeaderName(name))?.key ?? headerKey(name);
}

/** Whether `key` (from {@link headerKey}) is a list header whose values are split on top-level commas. */
export function isListHeader(key: string): boolean {
  return LIST_HEADERS.has(key);
}
