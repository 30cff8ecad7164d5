/**
 * Name = value settings as phones write them: `linekey.1.type = 16` (Yealink .cfg), `P1363 = 11` (Grandstream text
 * config), and the same names in XML: as element names (`<P1363>11</P1363>`, `<linekey.1.type>16</linekey.1.type>`)
 * or as `<item name="…">value</item>` / `<item name="…" value="…"/>`. The last value of a name wins, as on the phone.
 */
import { isNode, text, type XmlNode } from './xml-input';

export type Pairs = Map<string, string>;

/** Values that mean "empty" in Yealink files. */
const EMPTY = new Set(['%NULL%', '%EMPTY%']);

function put(pairs: Pairs, name: string, value: string | undefined): void {
  const v = (value ?? '').trim();
  pairs.set(name.trim().toLowerCase(), EMPTY.has(v.toUpperCase()) ? '' : v);
}

/** `name = value` / `name: value` lines; `#` and `;` start comment lines. Only names matching `accept` are kept. */
export function pairsFromLines(lines: readonly string[], accept: RegExp): Pairs {
  const pairs: Pairs = new Map();
  for (const line of lines) {
    if (/^\s*[#;]/.test(line)) continue;
    const m = /^\s*([A-Za-z0-9_.]+)\s*=\s?(.*)$/.exec(line);
    if (m && accept.test(m[1]!)) put(pairs, m[1]!, m[2]);
  }
  return pairs;
}

/** Every setting below `root` whose name matches `accept`, as element name or `name` attribute. */
export function pairsFromXml(root: XmlNode, accept: RegExp): Pairs {
  const pairs: Pairs = new Map();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return void value.forEach(visit);
    if (!isNode(value)) return;
    const named = text(value['@_name']);
    if (named && accept.test(named)) put(pairs, named, text(value['@_value']) ?? text(value));
    for (const [key, item] of Object.entries(value)) {
      if (key.startsWith('@_') || key === '#text') continue;
      if (accept.test(key)) for (const one of Array.isArray(item) ? item : [item]) put(pairs, key, text(one));
      else visit(item);
    }
  };
  visit(root);
  return pairs;
}
