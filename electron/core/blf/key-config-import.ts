/**
 * Imports a phone's key configuration (seed 000: `<key><keyConfiguration><function>…`) as tiles (issue 3 §2).
 *
 * A key = invocations (what pressing it does: `<invite><uri>` → call action) + reactions (what it shows:
 * `<presence><subscribe type="dialog|presence"><uri>…</uri><line><id>1</id></line></subscribe>` → the tile's URI,
 * watched events and 1-based line). Rules:
 * - `<key>` elements are found anywhere: one bare key, several keys side by side, or keys inside any root element.
 * - A key without any `<subscribe>` (a plain speed dial or another function) has nothing to show on a busy lamp
 *   field and is skipped; if no key has one, the import fails.
 * - `type` missing means `dialog` (the only type phones support, seed 000); other types are refused.
 * - All subscriptions of a key must name the same URI and line (a tile watches one extension).
 * - The name is the key's `<label>` or `<name>` (on the key, its keyConfiguration or its function), else the URI.
 * - Every tile is checked with the settings rules ({@link tileErrors}); an error names the key by its 1-based number
 *   among all `<key>` elements, so people can find it in their file.
 */
import { randomUUID } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Result } from '../../../shared/result';
import { fail, ok } from '../../../shared/result';
import { MAX_TILES } from '../../../shared/settings';
import type { TileAction, TileConfig, WatchEvent } from '../../../shared/tiles';
import { tileErrors } from '../../../shared/tiles-validate';

/** Largest key configuration accepted (2,000 keys at ~1 KB each). */
export const MAX_KEY_XML_BYTES = 4 * 1024 * 1024;
/** Deepest element nesting accepted; a seed 000 key is 8 deep, and the parser itself gives up (throwing) at 100. */
export const MAX_KEY_XML_DEPTH = 64;

export interface KeyImportOptions {
  /** Id for each new tile; defaults to `tile-<uuid>`. */
  newId?: () => string;
  /** Number of configured lines, to check `<line><id>` against; unchecked (only ≥ 1) when absent. */
  lineCount?: number;
}

type Node = Record<string, unknown>;

const ARRAYS = new Set(['key', 'invocation', 'invite', 'reaction', 'presence', 'subscribe']);
const ROOT = 'key-import-root';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Key URIs like `077` or `0049…` must stay text.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ARRAYS.has(name),
});

class KeyError extends Error {
  constructor(
    readonly index: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Parses key configuration XML into tiles. Never throws on bad input. */
export function importKeyConfiguration(xml: string, options: KeyImportOptions = {}): Result<TileConfig[]> {
  if (xml.length > MAX_KEY_XML_BYTES)
    return fail('invalid-argument', `Key configuration is larger than ${MAX_KEY_XML_BYTES >> 20} MB`);
  // A DOCTYPE could declare expanding entities; key configurations never need one.
  if (/<!DOCTYPE/i.test(xml)) return fail('invalid-argument', 'Key configuration must not contain a DOCTYPE');
  const depth = nestingDepth(xml, MAX_KEY_XML_DEPTH);
  if (depth > MAX_KEY_XML_DEPTH)
    return fail('invalid-argument', `Key configuration nests elements deeper than ${MAX_KEY_XML_DEPTH} levels`);
  // Several keys side by side have no single root: wrap them (on line 1, so reported line numbers stay right).
  const body = xml.replace(/^\uFEFF/, '').replace(/^\s*<\?xml[^?]*\?>/, '');
  const wrapped = `<${ROOT}>${body}</${ROOT}>`;
  const valid = XMLValidator.validate(wrapped);
  if (valid !== true)
    return fail(
      'invalid-argument',
      `Key configuration is not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`,
    );
  let parsed: unknown;
  try {
    parsed = parser.parse(wrapped) as unknown;
  } catch (error) {
    // The validator passed it, so this is a parser limit (nesting, entity expansion) rather than bad syntax.
    return fail('invalid-argument', `Key configuration cannot be read: ${(error as Error).message}`);
  }
  const keys: Node[] = [];
  collectKeys(parsed, keys);
  if (keys.length === 0) return fail('invalid-argument', 'Key configuration has no <key> element');
  const newId = options.newId ?? (() => `tile-${randomUUID()}`);
  const tiles: TileConfig[] = [];
  try {
    keys.forEach((key, index) => {
      const tile = tileFromKey(key, index, newId);
      if (!tile) return;
      const problem = tileErrors(tile, index, options.lineCount)[0];
      if (problem)
        throw new KeyError(
          index,
          problem.message.replace(/^Key \d+: /, ''),
          problem.field.replace(/^tiles\.\d+\.?/, ''),
        );
      tiles.push(tile);
    });
  } catch (error) {
    if (!(error instanceof KeyError)) throw error;
    return fail('invalid-argument', `Key ${error.index + 1}: ${error.message}`, {
      field: `keys.${error.index}${error.field ? `.${error.field}` : ''}`,
    });
  }
  if (tiles.length === 0)
    return fail(
      'invalid-argument',
      'No <key> has a <subscribe> reaction: nothing to show on the busy lamp field',
    );
  if (tiles.length > MAX_TILES)
    return fail('invalid-argument', `At most ${MAX_TILES} keys are supported, the file has ${tiles.length}`);
  return ok(tiles);
}

/**
 * How deep elements nest, counting no further than just past `bound`: cheap enough to run before the validator and
 * the parser, which recurse (or give up by throwing) on a document nested 100,000 deep. Comments, CDATA, processing
 * instructions and quoted attribute values are stepped over; a start tag ends at `>` or at the next `<`, and an
 * unterminated comment ends the scan, so every character is looked at about once whatever the input.
 */
function nestingDepth(xml: string, bound: number): number {
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

/** Every `<key>` element in document order (depth first). */
function collectKeys(value: unknown, out: Node[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collectKeys(item, out);
    return;
  }
  if (!isNode(value)) return;
  for (const [name, child] of Object.entries(value)) {
    if (name === 'key') for (const key of asArray(child)) out.push(isNode(key) ? key : {});
    else collectKeys(child, out);
  }
}

function tileFromKey(key: Node, index: number, newId: () => string): TileConfig | undefined {
  const fn = child(child(key, 'keyConfiguration'), 'function');
  const subscribes = asArray(child(child(fn, 'reactions'), 'reaction'))
    .flatMap((reaction) => asArray(child(reaction, 'presence')))
    .flatMap((presence) => asArray(child(presence, 'subscribe')));
  if (subscribes.length === 0) return undefined;

  let uri: string | undefined;
  let line: number | undefined;
  const watch: WatchEvent[] = [];
  subscribes.forEach((sub, i) => {
    const type = (text(child(sub, '@_type')) ?? 'dialog').toLowerCase();
    if (type !== 'dialog' && type !== 'presence')
      throw new KeyError(index, `subscribe type "${type}" is not supported (dialog or presence)`, 'watch');
    const subUri = text(child(sub, 'uri'));
    if (!subUri) throw new KeyError(index, 'a <subscribe> has no <uri>', 'uri');
    const subLine = lineOf(sub, index);
    if (i > 0 && (subUri !== uri || subLine !== line))
      throw new KeyError(
        index,
        `its subscriptions name different addresses or lines (${uri} and ${subUri}); a tile watches one extension`,
        'uri',
      );
    uri = subUri;
    line = subLine;
    if (!watch.includes(type)) watch.push(type);
  });

  const inviteUri = asArray(child(child(fn, 'invocations'), 'invocation'))
    .flatMap((invocation) => asArray(child(invocation, 'invite')))
    .map((invite) => text(child(invite, 'uri')))
    .find((u) => !!u);
  const action: TileAction = inviteUri ? { kind: 'call', uri: inviteUri } : { kind: 'none' };
  const name = [key, child(key, 'keyConfiguration'), fn]
    .map((n) => text(child(n, 'label')) ?? text(child(n, 'name')))
    .find((n) => !!n);
  const tile: TileConfig = { id: newId(), name: name ?? uri!, uri: uri!, watch, action };
  if (line !== undefined) tile.line = line;
  return tile;
}

/** `<line><id>2</id></line>` (seed 000) or `<line>2</line>`. */
function lineOf(sub: unknown, index: number): number | undefined {
  const node = child(sub, 'line');
  if (node === undefined) return undefined;
  const raw = text(isNode(node) && 'id' in node ? node.id : node);
  if (raw === undefined || !/^[0-9]{1,6}$/.test(raw) || Number(raw) < 1)
    throw new KeyError(index, `line id "${raw ?? ''}" must be a line number from 1`, 'line');
  return Number(raw);
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function child(node: unknown, name: string): unknown {
  if (Array.isArray(node)) return child(node[0], name);
  return isNode(node) ? node[name] : undefined;
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

/** Element text: a string, or `#text` of an element that has attributes. */
function text(value: unknown): string | undefined {
  if (Array.isArray(value)) return text(value[0]);
  const raw =
    typeof value === 'string'
      ? value
      : isNode(value) && typeof value['#text'] === 'string'
        ? value['#text']
        : undefined;
  const trimmed = raw?.trim();
  return trimmed ? trimmed : undefined;
}
