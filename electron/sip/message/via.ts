/**
 * Via values (RFC 3261 §20.42, §25.1 `via-parm`; RFC 3581 `rport`). Written here because drachtio-sip's Via
 * pattern stops the host at the first `:`, so `[2001:db8::1]:5060` becomes host `[2001` with no port.
 */
import { formatParams, parseParams } from './grammar';
import type { Via } from './types';
import { SipParseError } from './types';

const SENT_PROTOCOL = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z0-9\-.!%*_+`'~]+)\s+/i;

/** Parses one Via value; the host comes without brackets (`2001:db8::1`), transport upper-cased. */
export function parseVia(s: string): Via {
  const text = s.trim();
  const m = SENT_PROTOCOL.exec(text);
  if (!m || !m[1])
    throw new SipParseError(`invalid Via sent-protocol in "${s}" (expected SIP/2.0/<transport>)`, s);
  const rest = text.slice(m[0].length);
  let host: string;
  let i: number;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) throw new SipParseError(`unterminated IPv6 reference in Via "${s}"`, s);
    host = rest.slice(1, close);
    i = close + 1;
  } else {
    i = 0;
    while (i < rest.length && !isParamOrSpace(rest.charCodeAt(i))) i++;
    host = rest.slice(0, i);
    const colon = host.indexOf(':');
    // Some stacks send a bare IPv6 address: with two or more colons it cannot be host:port.
    if (colon >= 0 && colon === host.lastIndexOf(':')) {
      portText = host.slice(colon + 1);
      host = host.slice(0, colon);
    }
  }
  while (rest[i] === ' ' || rest[i] === '\t') i++;
  if (portText === undefined && rest[i] === ':') {
    let end = i + 1;
    while (end < rest.length && (rest[end] === ' ' || rest[end] === '\t')) end++;
    while (end < rest.length && !isParamOrSpace(rest.charCodeAt(end))) end++;
    portText = rest.slice(i + 1, end).trim();
    i = end;
  }
  if (!host) throw new SipParseError(`missing host in Via "${s}"`, s);
  const params = parseParams(rest, i);
  if (!params) throw new SipParseError(`unexpected text in Via "${s}"`, s);
  const via: Via = { transport: m[1].toUpperCase(), host, params };
  if (portText !== undefined) {
    const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port > 0 && port <= 65535)) throw new SipParseError(`invalid port "${portText}" in Via "${s}"`, s);
    via.port = port;
  }
  const branch = params.branch;
  if (branch) via.branch = branch;
  return via;
}

function isParamOrSpace(c: number): boolean {
  return c === 0x3b || c === 0x20 || c === 0x09;
}

/** Writes `SIP/2.0/UDP host:port;params`; `branch` (if set) wins over `params.branch`. */
export function formatVia(v: Via): string {
  const host = v.host.indexOf(':') >= 0 ? `[${v.host}]` : v.host;
  const params = v.branch === undefined ? v.params : { ...v.params, branch: v.branch };
  return `SIP/2.0/${v.transport.toUpperCase()} ${host}${v.port !== undefined ? `:${v.port}` : ''}${formatParams(params)}`;
}
