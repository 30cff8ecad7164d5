/** Host syntax of SIP URIs and `host[:port]` settings (RFC 3261 §25.1 `hostport`). Pure. */

const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

function isPort(v: number): boolean {
  return Number.isInteger(v) && v >= 1 && v <= 65535;
}

export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^(?:0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

/** RFC 4291 §2.2 text forms, including `::` compression and a trailing dotted IPv4. */
export function isIPv6(s: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(s)) return false;
  const lastColon = s.lastIndexOf(':');
  if (lastColon < 0) return false;
  let text = s;
  let slots = 8;
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!isIPv4(tail)) return false;
    text = s.slice(0, lastColon + 1);
    if (!text.endsWith('::')) text = text.slice(0, -1);
    slots = 6;
  }
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const count = (h: string): number =>
    h === '' ? 0 : h.split(':').every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g)) ? h.split(':').length : -1;
  const a = count(halves[0] ?? '');
  if (a < 0) return false;
  if (halves.length === 1) return a === slots;
  const b = count(halves[1] ?? '');
  return b >= 0 && a + b <= slots - 1;
}

/** A host name (RFC 1123), a dotted IPv4 address, or an IPv6 reference in brackets (RFC 3261 §25.1 `host`). */
export function isValidHost(host: string): boolean {
  if (host.startsWith('[') && host.endsWith(']')) return isIPv6(host.slice(1, -1));
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  if (labels.every((l) => /^[0-9]+$/.test(l))) return isIPv4(name);
  return labels.every((l) => HOST_LABEL.test(l)) && !/^[0-9]+$/.test(labels[labels.length - 1] ?? '');
}

/** `host[:port]` with a port of 1–65535. */
export function isValidHostPort(value: string): boolean {
  const m = /^(\[[^\]]*\]|[^:[\]]+)(?::([0-9]{1,5}))?$/.exec(value);
  if (!m) return false;
  if (m[2] !== undefined && !isPort(Number(m[2]))) return false;
  return isValidHost(m[1] ?? '');
}
