/**
 * Writes the console's keys in its own key configuration format (seed 000's `<key><keyConfiguration>…`, the format
 * `importKeyConfiguration` reads back): one `<key>` per tile, with its label, group and park flag, the call it
 * places as an `<invite>` and what it watches as `<subscribe type="dialog|presence">` with the line id.
 * Pure; the renderer offers the result as a download ("Export keys").
 */
import type { TileConfig } from './tiles';

/** XML text/attribute escaping of the five predefined entities (XML 1.0 §4.6). */
function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function keyXml(tile: TileConfig): string {
  const line = tile.line !== undefined ? `<line><id>${tile.line}</id></line>` : '';
  const subscribes = tile.watch
    .map((event) => `            <subscribe type="${event}"><uri>${esc(tile.uri)}</uri>${line}</subscribe>`)
    .join('\n');
  const invite =
    tile.action.kind === 'call'
      ? `        <invocations>\n          <invocation><invite><uri>${esc(tile.action.uri)}</uri></invite></invocation>\n        </invocations>\n`
      : '';
  const extras = [
    tile.group ? `    <group>${esc(tile.group)}</group>\n` : '',
    tile.park ? '    <park>true</park>\n' : '',
  ].join('');
  return [
    '  <key>',
    `    <label>${esc(tile.name)}</label>`,
    `${extras}    <keyConfiguration>`,
    '      <function>',
    `${invite}        <reactions>`,
    '          <reaction>',
    '            <presence>',
    subscribes.replace(/^ {12}/gm, '              '),
    '            </presence>',
    '          </reaction>',
    '        </reactions>',
    '      </function>',
    '    </keyConfiguration>',
    '  </key>',
  ].join('\n');
}

/** The tiles as a key configuration document (UTF-8 XML with a `<functionKeys>` root). */
export function exportKeyConfiguration(tiles: readonly TileConfig[]): string {
  const keys = tiles.map(keyXml).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<functionKeys>\n${keys}${keys ? '\n' : ''}</functionKeys>\n`;
}
