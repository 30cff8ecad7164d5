/**
 * A small, safe, non-validating XML reader for the hot path: resource lists (RFC 4662 RLMI documents of
 * 1,000 resources, each with its own dialog-info part, arrive in one NOTIFY and must parse in a few
 * milliseconds). Used for RLMI (tolerant mode) and, through `xml-tree.ts`, for dialog-info (strict mode).
 *
 * Why not fast-xml-parser here (it is used for PIDF/XPIDF, see `fxp-tree.ts`): measured on a 1,000-resource
 * RLMI document (129 KB, Node 20) it needs ~15 ms to parse plus ~12 ms for its separate validator; the whole
 * 1,000-resource list NOTIFY with dialog-info parts took ~240 ms through it against ~22 ms with this reader
 * (`bench/rlmi-parse.ts`). Without the validator it silently accepts unbalanced or truncated documents (`<a><b></a>`
 * parses) and silently drops an unquoted attribute such as seed 003's `state=StrUtils::kActive`. A truncated full-state list read that way
 * would look like members were removed. This reader checks tag balance in the same single pass (~3 ms for the
 * same document) and can accept unquoted attribute values with a warning (`tolerant`).
 *
 * Safety: no DTD processing at all (a DOCTYPE with an internal subset is refused, an external one is skipped),
 * only the five predefined entities and character references are decoded (XML 1.0 §4.6, §4.1), nesting depth
 * is bounded, an attribute named `__proto__` is dropped (attribute maps are plain objects, which V8 handles
 * far faster than prototype-less ones; callers look up known names only).
 */

/** An element, namespace prefixes removed (vendors use different prefixes for the same namespace). */
export interface XmlElement {
  /** Local name, e.g. `instance` for `<rlmi:instance>`. */
  name: string;
  /** Attributes by local name (`xml:lang` → `lang`); `xmlns` declarations are dropped. */
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Character data directly inside this element, entity-decoded, not trimmed; whitespace-only runs between tags are dropped. */
  text: string;
}

export interface ScanOptions {
  /** Accept unquoted attribute values and unknown entity references, each reported as a warning. */
  tolerant?: boolean;
  /** Maximum element nesting; default 32 (event bodies are shallow). */
  maxDepth?: number;
}

export type ScanResult = { ok: true; root: XmlElement; warnings: string[] } | { ok: false; reason: string };

/** A well-formedness violation; always caught inside {@link scanXml}. */
export class XmlScanError extends Error {
  readonly code = 'xml-malformed';
  constructor(message: string) {
    super(message);
    this.name = 'XmlScanError';
  }
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Shared by every element without children or attributes (most of a dialog-info document: `<state>`, `<identity>`,
 * `<target>`): a 1,000-resource list has ~10,000 elements, and an empty array and object each were a good part of what
 * its parse allocated. Frozen, so a caller that tried to write into one would fail loudly; callers only read.
 */
const NO_CHILDREN = Object.freeze([]) as unknown as XmlElement[];
const NO_ATTRS = Object.freeze({}) as Record<string, string>;

const isWs = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

// ASCII classes for name scanning (a table beats regexes and string compares on the hot path).
const NAME_END = 1;
const NAME_BAD = 2;
const NAME_CLASS = new Uint8Array(128);
for (const ch of ' \t\r\n>/=') NAME_CLASS[ch.charCodeAt(0)] = NAME_END;
for (const ch of '<"\'&') NAME_CLASS[ch.charCodeAt(0)] = NAME_BAD;

/** Character reference or predefined entity → text; `undefined` when not allowed (XML 1.0 §2.2 Char). */
function resolveReference(ref: string): string | undefined {
  if (ref.charCodeAt(0) !== 0x23) return PREDEFINED[ref];
  const hex = ref[1] === 'x';
  const digits = ref.slice(hex ? 2 : 1);
  if (digits === '' || !(hex ? /^[0-9a-fA-F]{1,6}$/ : /^[0-9]{1,7}$/).test(digits)) return undefined;
  const cp = parseInt(digits, hex ? 16 : 10);
  const valid =
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff);
  return valid ? String.fromCodePoint(cp) : undefined;
}

/** Decodes entity and character references in `s`. */
export function decodeXmlText(s: string, tolerant = false, warnings?: string[]): string {
  let amp = s.indexOf('&');
  if (amp < 0) return s;
  let out = '';
  let last = 0;
  while (amp >= 0) {
    const semi = s.indexOf(';', amp + 1);
    const decoded = semi < 0 || semi - amp > 10 ? undefined : resolveReference(s.slice(amp + 1, semi));
    if (decoded === undefined) {
      const shown = s.slice(amp, Math.min(s.length, amp + 12));
      if (!tolerant) throw new XmlScanError(`unknown or malformed reference "${shown}"`);
      warnings?.push(`kept unknown reference "${shown}" literally`);
      out += s.slice(last, amp + 1);
      last = amp + 1;
    } else {
      out += s.slice(last, amp) + decoded;
      last = (semi as number) + 1;
    }
    amp = s.indexOf('&', last);
  }
  return out + s.slice(last);
}

const localName = (qname: string): string => {
  const colon = qname.indexOf(':');
  return colon < 0 ? qname : qname.slice(colon + 1);
};

function isBlank(s: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (!isWs(s.charCodeAt(k))) return false;
  return true;
}

/** Skips `<!DOCTYPE …>`; an internal subset could declare entities, so it is refused outright. */
function skipDoctype(src: string, i: number): number {
  let quote = '';
  for (let j = i + 9; j < src.length; j++) {
    const ch = src[j];
    if (quote !== '') {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[')
      throw new XmlScanError('DOCTYPE not allowed with an internal subset (entity declarations)');
    else if (ch === '>') return j + 1;
  }
  throw new XmlScanError('unterminated DOCTYPE');
}

class Scanner {
  readonly warnings: string[] = [];
  private readonly stack: XmlElement[] = [];
  private readonly qnames: string[] = [];
  private root: XmlElement | undefined;

  constructor(
    private readonly src: string,
    private readonly tolerant: boolean,
    private readonly maxDepth: number,
  ) {}

  run(): XmlElement {
    const src = this.src;
    const n = src.length;
    let i = src.charCodeAt(0) === 0xfeff ? 1 : 0;
    while (i < n) {
      const lt = src.indexOf('<', i);
      const textEnd = lt < 0 ? n : lt;
      if (textEnd > i) this.text(i, textEnd);
      if (lt < 0) break;
      i = this.markup(lt);
    }
    const open = this.qnames[this.qnames.length - 1];
    if (open !== undefined) throw new XmlScanError(`<${open}> is not closed (truncated document?)`);
    if (this.root === undefined) throw new XmlScanError('no root element');
    return this.root;
  }

  private text(from: number, to: number): void {
    if (isBlank(this.src, from, to)) return;
    const top = this.stack[this.stack.length - 1];
    if (top === undefined)
      throw new XmlScanError(this.root ? 'content after the root element' : 'text before the root element');
    top.text += decodeXmlText(this.src.slice(from, to), this.tolerant, this.warnings);
  }

  private find(token: string, from: number, what: string): number {
    const at = this.src.indexOf(token, from);
    if (at < 0) throw new XmlScanError(`unterminated ${what}`);
    return at;
  }

  /** Handles the markup starting at `<` (index `i`); returns the index after it. */
  private markup(i: number): number {
    const src = this.src;
    const c = src.charCodeAt(i + 1);
    if (c === 0x3f) return this.find('?>', i + 2, 'processing instruction') + 2;
    if (c === 0x21) {
      if (src.startsWith('<!--', i)) return this.find('-->', i + 4, 'comment') + 3;
      if (src.startsWith('<![CDATA[', i)) {
        const end = this.find(']]>', i + 9, 'CDATA section');
        const top = this.stack[this.stack.length - 1];
        if (top === undefined) throw new XmlScanError('CDATA outside the root element');
        top.text += src.slice(i + 9, end);
        return end + 3;
      }
      if (src.startsWith('<!DOCTYPE', i) && this.root === undefined) return skipDoctype(src, i);
      throw new XmlScanError(`unexpected markup "${src.slice(i, i + 10)}"`);
    }
    if (c === 0x2f) {
      const end = this.find('>', i + 2, 'end tag');
      const qname = src.slice(i + 2, end).trim();
      const open = this.qnames.pop();
      if (open !== qname) {
        throw new XmlScanError(
          open === undefined ? `</${qname}> without start tag` : `</${qname}> closes <${open}>`,
        );
      }
      this.stack.pop();
      return end + 1;
    }
    return this.startTag(i);
  }

  /**
   * End of the name starting at `j` (an element's, or an attribute's of the element `inElement`); throws on a
   * character no name may hold. The error text is built only on error: this runs for every name of every body.
   */
  private nameEnd(j: number, inElement?: string): number {
    const src = this.src;
    const n = src.length;
    for (; j < n; j++) {
      const c = src.charCodeAt(j);
      if (c < 128) {
        const kind = NAME_CLASS[c];
        if (kind === NAME_END) break;
        if (kind === NAME_BAD) {
          const what = inElement === undefined ? 'element name' : `attribute name in <${inElement}>`;
          throw new XmlScanError(`bad character in ${what} "${src.slice(j - 8 < 0 ? 0 : j - 8, j + 1)}"`);
        }
      }
    }
    return j;
  }

  private startTag(i: number): number {
    const src = this.src;
    const n = src.length;
    let j = this.nameEnd(i + 1);
    const qname = src.slice(i + 1, j);
    if (qname === '') throw new XmlScanError('empty element name');
    let attrs = NO_ATTRS;
    let selfClosing = false;
    for (;;) {
      while (j < n && isWs(src.charCodeAt(j))) j++;
      if (j >= n) throw new XmlScanError(`unterminated start tag <${qname}>`);
      const c = src.charCodeAt(j);
      if (c === 0x3e) {
        j++;
        break;
      }
      if (c === 0x2f) {
        if (src.charCodeAt(j + 1) !== 0x3e) throw new XmlScanError(`stray "/" in <${qname}>`);
        selfClosing = true;
        j += 2;
        break;
      }
      if (attrs === NO_ATTRS) attrs = {};
      j = this.attribute(qname, j, attrs);
    }
    const el: XmlElement = { name: localName(qname), attrs, children: NO_CHILDREN, text: '' };
    const parent = this.stack[this.stack.length - 1];
    if (parent === undefined) {
      if (this.root !== undefined) throw new XmlScanError(`only one root element allowed, found a second <${qname}>`);
      this.root = el;
    } else if (parent.children === NO_CHILDREN) parent.children = [el];
    else parent.children.push(el);
    if (!selfClosing) {
      if (this.stack.length >= this.maxDepth) throw new XmlScanError(`nesting deeper than ${this.maxDepth}`);
      this.stack.push(el);
      this.qnames.push(qname);
    }
    return j;
  }

  /** Reads one `name="value"` at `j` into `attrs`; returns the index after it. */
  private attribute(qname: string, j: number, attrs: Record<string, string>): number {
    const src = this.src;
    const n = src.length;
    const start = j;
    j = this.nameEnd(j, qname);
    const name = src.slice(start, j);
    if (name === '') throw new XmlScanError(`bad attribute in <${qname}>`);
    while (j < n && isWs(src.charCodeAt(j))) j++;
    if (src.charCodeAt(j) !== 0x3d) throw new XmlScanError(`attribute ${name} in <${qname}> has no value`);
    j++;
    while (j < n && isWs(src.charCodeAt(j))) j++;
    const quote = src[j];
    let value: string;
    if (quote === '"' || quote === "'") {
      // One pass to the closing quote that also notes "<" (refused) and "&" (decode needed): every attribute of
      // every part of a 1,000-resource list comes through here.
      const q = quote.charCodeAt(0);
      let end = j + 1;
      let amp = false;
      for (; end < n; end++) {
        const ch = src.charCodeAt(end);
        if (ch === q) break;
        if (ch === 0x3c) throw new XmlScanError(`"<" in attribute ${name} of <${qname}>`);
        if (ch === 0x26) amp = true;
      }
      if (end >= n) throw new XmlScanError(`unterminated attribute ${name}`);
      const raw = src.slice(j + 1, end);
      value = amp ? decodeXmlText(raw, this.tolerant, this.warnings) : raw;
      j = end + 1;
    } else {
      const vStart = j;
      while (j < n && !isWs(src.charCodeAt(j)) && src[j] !== '>' && !(src[j] === '/' && src[j + 1] === '>'))
        j++;
      value = src.slice(vStart, j);
      if (!this.tolerant || value === '' || /[<"']/.test(value)) {
        throw new XmlScanError(`unquoted value for attribute ${name} in <${qname}>`);
      }
      this.warnings.push(`unquoted attribute value ${name}=${value} in <${qname}> accepted`);
    }
    if (name.charCodeAt(0) === 0x78 && (name === 'xmlns' || name.startsWith('xmlns:'))) return j;
    const local = localName(name);
    if (local === '__proto__') {
      this.warnings.push(`attribute ${name} in <${qname}> ignored`);
      return j;
    }
    // The `!== undefined` test first: Object.hasOwn is slow on these small maps and a repeat is rare.
    if (attrs[local] !== undefined && Object.hasOwn(attrs, local)) {
      if (!this.tolerant) throw new XmlScanError(`duplicate attribute ${name} in <${qname}>`);
      this.warnings.push(`duplicate attribute ${name} in <${qname}> ignored`);
    } else attrs[local] = value;
    return j;
  }
}

/** Reads `src` into an element tree; never throws. */
export function scanXml(src: string, options: ScanOptions = {}): ScanResult {
  const scanner = new Scanner(src, options.tolerant ?? false, options.maxDepth ?? 32);
  try {
    const root = scanner.run();
    return { ok: true, root, warnings: scanner.warnings };
  } catch (err) {
    if (err instanceof XmlScanError) return { ok: false, reason: `malformed XML: ${err.message}` };
    return { ok: false, reason: `XML reader failed: ${String(err)}` };
  }
}

/** Children of `el` with local name `name`. */
export function childrenNamed(el: XmlElement | undefined, name: string): XmlElement[] {
  if (el === undefined) return [];
  return el.children.filter((c) => c.name === name);
}

/** First child of `el` with local name `name`. */
export function childNamed(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}
