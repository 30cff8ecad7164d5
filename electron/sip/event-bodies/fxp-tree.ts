/**
 * fast-xml-parser v5, configured once for event bodies, producing the same {@link XmlElement} tree as
 * `xml-scan.ts` so interpreters do not care which reader ran.
 *
 * Configuration, for safety: the document is validated first (the parser alone is lenient and would accept
 * unbalanced or truncated bodies); a DOCTYPE with an internal subset is refused before parsing, and entity
 * decoding is done by our own decoder that knows only the five predefined entities and character references
 * and ignores every DTD entity declaration, so nothing is ever expanded from a DTD (no billion laughs). For speed: no value parsing, no jPath
 * strings, order preserved (skips the library's object compaction step), one parser instance reused.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { decodeXmlText, type XmlElement } from './xml-scan';

const entityDecoder = {
  setExternalEntities: (): void => undefined,
  addInputEntities: (): void => undefined,
  reset: (): void => undefined,
  setXmlVersion: (): void => undefined,
  // Unknown references stay literal (the validator already accepted the document).
  decode: (text: string): string => decodeXmlText(text, true),
};

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  jPath: false,
  maxNestedTags: 32,
  entityDecoder,
});

type FxpNode = Record<string, unknown>;

function toElement(name: string, node: FxpNode): XmlElement {
  const rawAttrs = node[':@'] as Record<string, unknown> | undefined;
  const attrs = Object.create(null) as Record<string, string>;
  if (rawAttrs) for (const [k, v] of Object.entries(rawAttrs)) attrs[k] = String(v);
  const el: XmlElement = { name, attrs, children: [], text: '' };
  const kids = node[name];
  if (Array.isArray(kids)) {
    for (const kid of kids as FxpNode[]) {
      for (const key of Object.keys(kid)) {
        if (key === '#text') el.text += String(kid[key]);
        else if (key !== ':@') el.children.push(toElement(key, kid));
      }
    }
  }
  return el;
}

export type TreeResult = { ok: true; root: XmlElement } | { ok: false; reason: string };

const INTERNAL_SUBSET_RE = /<!DOCTYPE[^>[]*\[/i;

/**
 * Validates and parses `xml` into an element tree; never throws. Failure reasons start with `not XML:`.
 * An external DOCTYPE (Asterisk's XPIDF carries one) is skipped; one with an internal subset is refused.
 */
export function parseXmlTree(xml: string): TreeResult {
  try {
    if (INTERNAL_SUBSET_RE.test(xml))
      return { ok: false, reason: 'not XML: DOCTYPE not allowed with an internal subset' };
    const valid = XMLValidator.validate(xml);
    if (valid !== true) return { ok: false, reason: `not XML: ${valid.err.msg} (line ${valid.err.line})` };
    const doc = parser.parse(xml) as FxpNode[];
    let root: XmlElement | undefined;
    for (const node of doc) {
      for (const name of Object.keys(node)) {
        if (name === ':@' || name === '#text') continue;
        if (root !== undefined) return { ok: false, reason: 'not XML: expected exactly one root element' };
        root = toElement(name, node);
      }
    }
    return root === undefined ? { ok: false, reason: 'not XML: no root element' } : { ok: true, root };
  } catch (err) {
    return { ok: false, reason: `not XML: ${err instanceof Error ? err.message : String(err)}` };
  }
}
