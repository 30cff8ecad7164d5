/**
 * Lexer for the `auth-scheme 1#auth-param` grammar shared by WWW-Authenticate, Proxy-Authenticate, Authorization
 * and Proxy-Authorization (RFC 3261 §25.1, RFC 7235 §2.1). One header value may carry several challenges
 * (`Digest realm="a", nonce="1", Digest realm="b", ...`), and quoted values may contain commas and `\`-escapes, so a
 * plain `split(',')` is wrong.
 */

/** One `scheme param=value, ...` element, parameter names lower-cased, values unquoted. */
export interface AuthElement {
  scheme: string;
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

/** Splits at commas outside quoted strings (RFC 3261 §25.1 `quoted-pair` honoured). */
function splitTopLevel(value: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (quoted && ch === '\\' && i + 1 < value.length) {
      current += ch + value[++i];
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

function unquote(raw: string): string {
  const value = raw.trim();
  if (!value.startsWith('"')) return value;
  let out = '';
  for (let i = 1; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\' && i + 1 < value.length) {
      out += value[++i];
      continue;
    }
    if (ch === '"') break;
    out += ch;
  }
  return out;
}

/** `name=value` → [name, value], or undefined when the text is not a parameter. */
function parseParam(text: string): [string, string] | undefined {
  const name = TOKEN.exec(text)?.[0];
  if (!name) return undefined;
  const rest = text.slice(name.length).trimStart();
  if (!rest.startsWith('=')) return undefined;
  return [name.toLowerCase(), unquote(rest.slice(1))];
}

/**
 * Parses header values into scheme elements. Several header values and several elements per value are both
 * accepted; an element whose scheme is missing (parameters before any scheme) is dropped.
 */
export function parseAuthElements(values: readonly string[]): AuthElement[] {
  const elements: AuthElement[] = [];
  for (const value of values) {
    let current: AuthElement | undefined;
    for (const part of splitTopLevel(value)) {
      const param = parseParam(part);
      if (param) {
        if (current) current.params[param[0]] = param[1];
        continue;
      }
      const scheme = TOKEN.exec(part)?.[0];
      if (!scheme) {
        current = undefined;
        continue;
      }
      current = { scheme, params: {} };
      elements.push(current);
      const first = parseParam(part.slice(scheme.length).trim());
      // Anything else after the scheme is a token68 (RFC 7235 §2.1), which Digest never uses.
      if (first) current.params[first[0]] = first[1];
    }
  }
  return elements;
}

/** Quotes a value for an auth-param, escaping `"` and `\` (RFC 3261 §25.1 quoted-pair). */
export function quote(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}
