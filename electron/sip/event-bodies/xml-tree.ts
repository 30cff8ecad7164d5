/**
 * Small element-tree helpers shared by the event-body parsers (dialog-info, message-summary): body decoding and
 * a safe, strict XML parse. dialog-info bodies arrive by the thousand inside resource lists, so this uses the
 * single-pass reader of `xml-scan.ts` (well-formedness checked, no DTD, builtin and numeric entities only)
 * rather than fast-xml-parser's validate-then-parse, which measured ~10x slower on those bodies.
 * Accessors accept `undefined` so optional elements chain without checks.
 */
import { scanXml, type XmlElement } from './xml-scan';

export type XmlNode = XmlElement;

const utf8 = new TextDecoder('utf-8');

/** The body as text: UTF-8 (RFC 3261 §20.15 bodies here are XML or RFC 3842 text), BOM removed, never throws. */
export function bodyText(body: Uint8Array | string): string {
  const text = typeof body === 'string' ? body : utf8.decode(body);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Parses `source` and returns its root element; the failure reason starts with `not XML:`. */
export function parseXmlRoot(
  source: string,
  _label: string,
): { ok: true; name: string; node: XmlNode } | { ok: false; reason: string } {
  const tree = scanXml(source);
  return tree.ok
    ? { ok: true, name: tree.root.name, node: tree.root }
    : { ok: false, reason: `not XML: ${tree.reason}` };
}

/** Attribute by local name (`xml:lang` → `lang`). */
export function attr(node: XmlNode | undefined, name: string): string | undefined {
  return node?.attrs[name];
}

/** First child element with local name `name`. */
export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return node?.children.find((c) => c.name === name);
}

/** Every child element with local name `name`. */
export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  return node === undefined ? [] : node.children.filter((c) => c.name === name);
}

/** The element's own text, trimmed; `undefined` when the element is absent. */
export function text(node: XmlNode | undefined): string | undefined {
  return node?.text.trim();
}
