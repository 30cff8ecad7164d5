/**
 * Ordered header storage. Lines are kept as written (one entry per header line, value unparsed) so parsing a
 * message costs one split per line; list values are split and structured values parsed only when asked for.
 * Lookups are case-insensitive and compact-form aware (see `header-names.ts`); drachtio-sip's store is keyed
 * by the name as written for X-/P- headers and its `set()` appends, which is why this replaces it.
 */
import { splitList } from './grammar';
import { isListHeader, lookupKey, resolveHeaderName } from './header-names';
import { HeaderValueError } from './types';

/** One header line: `key` is the lower-case long form used for matching, `name` the spelling written out. */
export interface HeaderEntry {
  key: string;
  name: string;
  value: string;
}

/** Builds an entry from code; a name that is no token or a value with CR/LF/NUL (header injection) is a bug. */
export function headerEntry(name: string, value: string): HeaderEntry {
  const info = resolveHeaderName(name.trim());
  if (!info) throw new Error(`invalid header name "${name}"`);
  if (/[\r\n\0]/.test(value)) throw new HeaderValueError(name, 'value must not contain CR or LF or NUL');
  return { key: info.key, name: info.name, value: value.trim() };
}

/** The headers of one message, in order. */
export class HeaderList {
  constructor(readonly entries: HeaderEntry[] = []) {}

  /** First value; for list headers the first element of the first line. */
  get(name: string): string | undefined {
    const key = lookupKey(name);
    for (const e of this.entries) {
      if (e.key !== key) continue;
      if (!isListHeader(key)) return e.value;
      const first = splitList(e.value)[0];
      if (first !== undefined) return first;
    }
    return undefined;
  }

  getAll(name: string): string[] {
    const key = lookupKey(name);
    const list = isListHeader(key);
    const out: string[] = [];
    for (const e of this.entries) {
      if (e.key !== key) continue;
      if (list) out.push(...splitList(e.value));
      else out.push(e.value);
    }
    return out;
  }

  has(name: string): boolean {
    const key = lookupKey(name);
    return this.entries.some((e) => e.key === key);
  }

  /** Replaces every line of the header; the new lines take the place of the first old one. */
  set(name: string, values: readonly string[]): void {
    const fresh = values.map((v) => headerEntry(name, v));
    const key = fresh[0]?.key ?? lookupKey(name);
    const at = this.entries.findIndex((e) => e.key === key);
    this.removeKey(key);
    this.entries.splice(at < 0 ? this.entries.length : at, 0, ...fresh);
  }

  /** Adds a line after the header's last line (or at the end), or before its first line (or at the top). */
  add(name: string, value: string, prepend: boolean): void {
    const entry = headerEntry(name, value);
    if (prepend) {
      const at = this.entries.findIndex((e) => e.key === entry.key);
      this.entries.splice(at < 0 ? 0 : at, 0, entry);
      return;
    }
    let last = -1;
    for (let i = 0; i < this.entries.length; i++) if (this.entries[i]?.key === entry.key) last = i;
    this.entries.splice(last < 0 ? this.entries.length : last + 1, 0, entry);
  }

  remove(name: string): void {
    this.removeKey(lookupKey(name));
  }

  /** Distinct header names in order of first appearance. */
  names(): string[] {
    const seen = new Set<string>();
    const out: string[] = [];
    for (const e of this.entries) {
      if (seen.has(e.key)) continue;
      seen.add(e.key);
      out.push(e.name);
    }
    return out;
  }

  private removeKey(key: string): void {
    let w = 0;
    for (const e of this.entries) if (e.key !== key) this.entries[w++] = e;
    this.entries.length = w;
  }
}
