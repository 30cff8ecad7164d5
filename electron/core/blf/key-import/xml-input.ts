/**
 * Reading an untrusted key file as XML, the same way for every vendor: bounded size and nesting, no DOCTYPE (so no
 * entity declarations), fast-xml-parser with `processEntities` off (the five predefined entities and character
 * references are decoded by {@link text} instead), and errors in plain words that never name our internals.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Result } from '../../../../shared/result';
import { fail, ok } from '../../../../shared/result';

/** Deepest element nesting accepted; a seed 000 key is 8 deep, and the parser itself gives up (throwing) at 100. */
export const MAX_KEY_XML_DEPTH = 64;

export type XmlNode = Record<string, unknown>;

/** A wrapper for documents with several top-level elements; its name never reaches a message. */
const ROOT = 'wrapped-root';

/** Whether the text looks like XML (first non-blank character `<`, after a byte order mark). */
export function looksLikeXml(input: string): boolean {
  return /^\uFEFF?\s*</.test(input);
}

/**
 * Parses `input` into plain objects. `arrays` names the elements that are always arrays. Attributes come as `@_name`,
 * element text as a string (or `#text` beside attributes); values stay text (`077` keeps its zero).
 */
export function readXml(input: string, arrays: ReadonlySet<string>, what = 'Key file'): Result<XmlNode> {
  // A DOCTYPE could declare expanding entities; key files never need one.
  if (/<!DOCTYPE/i.test(input)) return fail('invalid-argument', `${what} must not contain a DOCTYPE`);
  if (nestingDepth(input, MAX_KEY_XML_DEPTH) > MAX_KEY_XML_DEPTH)
    return fail('invalid-argument', `${what} nests elements deeper than ${MAX_KEY_XML_DEPTH} levels`);
  // Several elements side by side have no single root: wrap them (on line 1, so reported line numbers stay right).
  const body = input.replace(/^\uFEFF/, '').replace(/^\s*<\?xml[^?]*\?>/, '');
  const wrapped = `<${ROOT}>${body}</${ROOT}>`;
  const valid = XMLValidator.validate(wrapped);
  if (valid !== true)
    return fail('invalid-argument', `${what} is not well-formed XML: ${plainXmlError(valid.err.msg)} (line ${valid.err.line})`);
  try {
    const parser = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@_',
      parseTagValue: false,
      parseAttributeValue: false,
      processEntities: false,
      trimValues: true,
      isArray: (name) => arrays.has(name),
    });
    const parsed = parser.parse(wrapped) as XmlNode;
    const root = parsed[ROOT];
    return ok(isNode(root) ? root : {});
  } catch (error) {
    // The validator passed it, so this is a parser limit rather than bad syntax.
    return fail('invalid-argument', `${what} cannot be read: ${plainXmlError((error as Error).message)}`);
  }
}

/** The validator's message without our wrapper's name: an unclosed element shows up as "closing tag 'wrapped-root'". */
function plainXmlError(message: string): string {
  return message
    .replace(/\(opened in line 1, col ([0-9]+)\)/g, (_, col: string) => `(opened in line 1, col ${Number(col) - ROOT.length - 2})`)
    .replace(new RegExp(`instead of closing tag '${ROOT}'`, 'g'), 'before the end of the file')
    .replace(new RegExp(`closing tag '${ROOT}'`, 'g'), 'the end of the file')
    .replace(new RegExp(`'?${ROOT}'?`, 'g'), 'the file');
}

/**
 * How deep elements nest, counting no further than just past `bound`: cheap enough to run before the validator and
 * the parser, which recurse (or give up by throwing) on a document nested 100,000 deep. Comments, CDATA, processing
 * instructions and quoted attribute values are stepped over; a start tag ends at `>` or at the next `<`, and an
 * unterminated comment ends the scan, so every character is looked at about once whatever the input.
 */
export function nestingDepth(xml: string, bound: number): number {
  let depth = 0;
  for (let i = xml.indexOf('<'); i >= 0; i = xml.indexOf('<', i)) {
    const skip = xml.startsWith('<!--', i) ? '-->' : xml.startsWith('<![CDATA[', i) ? ']]>' : undefined;
    if (skip) {
      const end = xml.indexOf(skip, i + 4);
      if (end < 0) return depth;
      i = end + skip.length;
      continue;
    }
    const next = xml[i + 1];
    if (next === '/') depth--;
    if (next === '/' || next === '!' || next === '?') {
      i += 2;
      continue;
    }
    let j = i + 1;
    for (let quote = ''; j < xml.length; j++) {
      const c = xml[j]!;
      if (c === '<' || (c === '>' && !quote)) break;
      if (quote ? c === quote : c === '"' || c === "'") quote = quote ? '' : c;
    }
    if (xml[j] === '>' && xml[j - 1] !== '/' && ++depth > bound) return depth;
    i = j;
  }
  return depth;
}

export function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A child (the first, when repeated). */
export function child(node: unknown, name: string): unknown {
  if (Array.isArray(node)) return child(node[0], name);
  return isNode(node) ? node[name] : undefined;
}

export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Longer than any key field (an address is at most 256 characters): such text is refused anyway, undecoded. */
const MAX_DECODED = 16 * 1024;

/**
 * Decodes the predefined entities and character references (XML 1.0 §4.1, §4.6); anything else stays as written.
 * Text longer than {@link MAX_DECODED} is returned as is, so a hostile megabyte of `&lt;` costs no extra time.
 */
export function decodeEntities(value: string): string {
  if (value.length > MAX_DECODED || !value.includes('&')) return value;
  return value.replace(/&(#x[0-9A-Fa-f]{1,6}|#[0-9]{1,7}|[a-z]{2,4});/g, (whole, ref: string) => {
    if (ref[0] !== '#') return NAMED[ref] ?? whole;
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** Element or attribute text, decoded and trimmed: a string, or `#text` of an element that has attributes. */
export function text(value: unknown): string | undefined {
  if (Array.isArray(value)) return text(value[0]);
  const raw =
    typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : isNode(value) && typeof value['#text'] === 'string'
          ? value['#text']
          : undefined;
  const trimmed = raw === undefined ? undefined : decodeEntities(raw).trim();
  return trimmed ? trimmed : undefined;
}

/** Every element named `name` anywhere below `value`, in document order (depth first). */
export function collect(value: unknown, name: string, out: XmlNode[] = []): XmlNode[] {
  if (Array.isArray(value)) {
    for (const item of value) collect(item, name, out);
    return out;
  }
  if (!isNode(value)) return out;
  for (const [key, item] of Object.entries(value)) {
    if (key === name) for (const found of asArray(item)) out.push(isNode(found) ? found : { '#text': found });
    else if (!key.startsWith('@_')) collect(item, name, out);
  }
  return out;
}
