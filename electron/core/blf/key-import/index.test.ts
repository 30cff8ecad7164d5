import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exportKeyConfiguration } from '../../../../shared/key-config-export';
import type { KeyImportReport } from '../../../../shared/key-import';
import { MAX_TILES } from '../../../../shared/settings';
import type { TileConfig } from '../../../../shared/tiles';
import { importKeys } from './index';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../../../test/fixtures/keys/${name}`, import.meta.url), 'utf8');

function read(text: string, lineCount?: number): KeyImportReport {
  let n = 0;
  const result = importKeys(text, { newId: () => `t${++n}`, lineCount });
  if (!result.ok) throw new Error(`expected keys, got: ${result.error.message}`);
  return result.value;
}

function failure(text: string): string {
  const result = importKeys(text, { newId: () => 'x' });
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  expect(result.error.code).toBe('invalid-argument');
  return result.error.message;
}

/** name | uri | line | watch, one row per tile: the preview's columns. */
const rows = (tiles: TileConfig[]): string[] =>
  tiles.map((t) => `${t.name} | ${t.uri} | ${t.line ?? '-'} | ${t.watch.join('+')}${t.group ? ` | ${t.group}` : ''}`);

describe('importKeys: vendor sample files', () => {
  it('reads snom XML settings: blf and dest keys, labels, the identity as line; skips speed dials and the rest', () => {
    const report = read(fixture('snom.xml'), 2);
    expect(report.format).toBe('snom');
    expect(rows(report.tiles)).toEqual([
      'Anna Alt | sip:101@pbx.example.com | - | dialog',
      'Ben Berg | sip:102@pbx.example.com | - | dialog',
      'Night porter | sip:150@pbx.example.com | 2 | dialog+presence',
      '103 | sip:103@pbx.example.com | - | dialog',
    ]);
    expect(report.tiles[0]!.action).toEqual({ kind: 'call', uri: 'sip:101@pbx.example.com' });
    expect(report.warnings).toEqual([
      'fkey 4: a speed dial to 004930123456 has no lamp: skipped',
      'fkey 6: "dtmf" keys have no lamp: skipped',
      'fkey 7: sip:101@pbx.example.com is the same extension as fkey 0: skipped',
    ]);
  });

  it('reads snom plain settings (fkeyN$: …, fkey_labelN, fkey_contextN)', () => {
    const report = read(fixture('snom.txt'), 2);
    expect(report.format).toBe('snom');
    expect(rows(report.tiles)).toEqual([
      'Anna Alt | sip:101@pbx.example.com | - | dialog',
      '102 | sip:102@pbx.example.com | - | dialog',
      '150 | sip:150@pbx.example.com | 2 | dialog+presence',
    ]);
    expect(report.warnings).toEqual(['fkey2: a speed dial to 0800123456 has no lamp: skipped']);
  });

  it('reads a Yealink .cfg: type 16 line, memory and expansion module keys; line 0 = default line', () => {
    const report = read(fixture('yealink.cfg'), 1);
    expect(report.format).toBe('yealink');
    expect(rows(report.tiles)).toEqual([
      'Anna Alt | 101 | 1 | dialog',
      'Ben Berg | sip:102@pbx.example.com | 1 | dialog',
      '103 | 103 | - | dialog',
      'Cleo Cruz | 104 | 1 | dialog',
      'Warehouse | 201 | 1 | dialog',
    ]);
    expect(report.warnings).toEqual([
      'linekey 4: a speed dial to 004930123456 has no lamp: skipped',
      'linekey 6: a BLF list is a resource list: add it as a list: skipped',
      'expansion module 1 key 2: 101 is the same extension as linekey 2: skipped',
    ]);
  });

  it('reads Yealink parameters written as XML items (text or value attribute, entities decoded)', () => {
    const report = read(fixture('yealink.xml'));
    expect(report.format).toBe('yealink-xml');
    expect(rows(report.tiles)).toEqual(['Anna Alt | 101 | 1 | dialog', 'Ben & Berg | 102 | 1 | dialog', 'Warehouse | 201 | - | dialog']);
    expect(report.warnings).toEqual(['linekey 3: a speed dial to 004930123456 has no lamp: skipped']);
  });

  it('reads Grandstream P-values: VPK BLF and presence watcher, classic MPK, account as line', () => {
    const report = read(fixture('grandstream.xml'), 2);
    expect(report.format).toBe('grandstream');
    expect(rows(report.tiles)).toEqual([
      'Anna Alt | 101 | 1 | dialog',
      'Ben Berg | 102 | 1 | presence',
      'Cleo Cruz | 103 | 2 | dialog',
      'Warehouse | 201 | 1 | dialog',
    ]);
    expect(report.warnings).toEqual(['VPK 4 (P1369): a speed dial to 004930123456 has no lamp: skipped']);
  });

  it('reads Grandstream P-values in the text form too', () => {
    const report = read('# GXP2140\r\nP1363 = 11\r\nP1364 = 0\r\nP1465 = Max\r\nP1466 = 103\r\n');
    expect(report.format).toBe('grandstream');
    expect(rows(report.tiles)).toEqual(['Max | 103 | 1 | dialog']);
  });

  it('reads Grandstream <item name="P…"> and Yealink parameters as element names', () => {
    const gs = read('<config><item name="P1363">12</item><item name="P1364">0</item><item name="P1466">sip:105@pbx.example.com</item></config>');
    expect([gs.format, ...rows(gs.tiles)]).toEqual(['grandstream', '105 | sip:105@pbx.example.com | 1 | presence']);
    const yl = read('<settings><linekey.1.type>16</linekey.1.type><linekey.1.value>106</linekey.1.value></settings>');
    expect([yl.format, ...rows(yl.tiles)]).toEqual(['yealink-xml', '106 | 106 | - | dialog']);
  });

  it('reads a bare snom <fkey> list without a root and a comma-separated English key list', () => {
    const snom = read('<fkey idx="3" context="1">blf "Desk" &lt;sip:107@pbx.example.com&gt;</fkey><fkey idx="4">blf 108</fkey>');
    expect(rows(snom.tiles)).toEqual(['Desk | sip:107@pbx.example.com | 1 | dialog', '108 | 108 | - | dialog']);
    const csv = read('\uFEFFKey,Type,Label,Number\n1,Presence,"Eve ""E"" Ng",109\n2,Speed dial,Taxi,0800\n');
    expect([csv.format, ...rows(csv.tiles), ...csv.warnings]).toEqual([
      'auerswald',
      'Eve "E" Ng | 109 | - | presence',
      'row 3 (key 2): a speed dial to 0800 has no lamp: skipped',
    ]);
  });

  it('reads an Auerswald-style CSV key list: German headers, quoted fields, groups, BLF+presence', () => {
    const report = read(fixture('auerswald.csv'), 1);
    expect(report.format).toBe('auerswald');
    expect(rows(report.tiles)).toEqual([
      'Anna Alt | 101 | 1 | dialog | Empfang',
      'Ben Berg | 102 | 1 | dialog | Empfang',
      'Meier; Cleo | 103 | 1 | dialog+presence | Vertrieb',
      'Dora Diaz | sip:104@pbx.example.com | - | presence | Vertrieb',
    ]);
    expect(report.warnings).toEqual([
      'row 4 (key 3): a speed dial to 004930123456 has no lamp: skipped',
      'row 7 (key 6): "Makro" keys have no lamp: skipped',
    ]);
  });

  it("still reads the console's own format, warning about keys without a subscription", () => {
    const report = read(fixture('several-keys.xml'));
    expect(report.format).toBe('console');
    expect(report.tiles.map((t) => t.name)).toEqual(['Reception', 'Alice & Bob']);
    expect(report.warnings).toEqual(['Key 2: has no <subscribe>, so nothing to show on the busy lamp field: skipped']);
  });

  it('keeps a key whose line is not configured here on the default line, and says so', () => {
    const report = read('linekey.1.type = 16\nlinekey.1.value = 101\nlinekey.1.line = 3\n', 1);
    expect(rows(report.tiles)).toEqual(['101 | 101 | - | dialog']);
    expect(report.warnings).toEqual(['linekey 1: line 3 is not configured here, so the key uses the default line']);
  });

  it('skips a key the settings rules refuse, naming it', () => {
    const report = read('linekey.1.type = 16\nlinekey.1.value = not a number\nlinekey.2.type = 16\nlinekey.2.value = 102\n');
    expect(rows(report.tiles)).toEqual(['102 | 102 | - | dialog']);
    expect(report.warnings[0]).toMatch(/^linekey 1: address must be an extension .*: skipped$/);
  });
});

describe('importKeys: export round trip', () => {
  it('reads back what exportKeyConfiguration writes, with names, lines, groups, park and both events', () => {
    const tiles: TileConfig[] = [
      { id: 't1', name: 'Anna <Alt> & "Co"', uri: '101', line: 2, watch: ['dialog', 'presence'], action: { kind: 'call', uri: '101' }, group: 'Empfang' },
      { id: 't2', name: 'Park 1', uri: 'sip:701@pbx.example.com', watch: ['dialog'], action: { kind: 'none' }, park: true },
      { id: 't3', name: 'Ben', uri: '102', watch: ['presence'], action: { kind: 'call', uri: '*8102' } },
    ];
    const report = read(exportKeyConfiguration(tiles), 2);
    expect(report.format).toBe('console');
    expect(report.tiles).toEqual(tiles);
    expect(report.warnings).toEqual([]);
  });

  it('exports no keys as an empty document that reads as "no key"', () => {
    expect(failure(exportKeyConfiguration([]))).toMatch(/no <key> element|No keys found/);
  });
});

describe('importKeys: hostile and wrong input', () => {
  it.each([
    ['', /empty/],
    ['   \n', /empty/],
    ['hello world', /no key format this console knows/],
    ['<settings><phone-settings/></settings>', /No keys found in this XML file/],
    ['<!DOCTYPE x [<!ENTITY a "aaaa">]><settings><fkey idx="0">blf &a;</fkey></settings>', /DOCTYPE/],
    ['<settings><fkey idx="0">blf sip:101@pbx</settings>', /not well-formed XML: Expected closing tag 'fkey'/],
    ['fkey0: speed 101\nfkey1: line\n', /no busy lamp keys \(1 skipped: fkey0: a speed dial/],
    ['linekey.1.type = 13\nlinekey.1.value = 101\n', /no busy lamp keys/],
    ['Taste;Typ;Name;Rufnummer\n', /no busy lamp keys/],
  ])('refuses %j in plain words', (text, message) => {
    const msg = failure(text);
    expect(msg).toMatch(message);
    expect(msg).not.toMatch(/wrapped-root|key-import-root|undefined|\[object/);
  });

  it('never leaks the wrapper element name from the XML validator', () => {
    for (const text of ['<key><keyConfiguration>', '<a>', '<a></b>', '<a/><b>', '</a>'])
      expect(failure(text)).not.toMatch(/wrapped-root|key-import-root/);
  });

  it('does not expand entities and refuses a billion-laughs file at once', () => {
    const laughs = `<!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><settings><fkey idx="0">blf &lol9;</fkey></settings>`;
    const started = performance.now();
    expect(failure(laughs)).toMatch(/DOCTYPE/);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('leaves unknown entity references as written instead of expanding them', () => {
    const report = read('<settings><fkey idx="0" label="A &amp; B &#x41; &foo;">blf 101</fkey></settings>');
    expect(report.tiles[0]!.name).toBe('A & B A &foo;');
  });

  it('refuses deep nesting and oversized files quickly', () => {
    const started = performance.now();
    expect(failure(`${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`)).toMatch(/deeper than 64 levels/);
    expect(failure('x'.repeat(4 * 1024 * 1024 + 1))).toMatch(/larger than 4 MB/);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('stays linear on huge hostile values in every format', () => {
    const lots = '<'.repeat(1_000_000);
    const inputs = [
      `<settings><fkey idx="0">blf ${'&lt;'.repeat(500_000)}</fkey></settings>`,
      `fkey0: blf ${lots}\n`,
      `linekey.1.type = 16\nlinekey.1.value = ${lots}\n`,
      `P1363 = 11\nP1466 = "${' '.repeat(1_000_000)}x\n`,
      `Taste;Typ;Name;Rufnummer\n1;BLF;${'"'.repeat(1_000_000)};101\n`,
      `linekey.1.${'a'.repeat(1_000_000)} = 16\n`,
    ];
    for (const text of inputs) {
      const started = performance.now();
      const result = importKeys(text);
      // Quadratic work on a megabyte takes minutes; linear work well under a second, with room for a busy machine.
      expect(performance.now() - started).toBeLessThan(3000);
      if (!result.ok) expect(result.error.message).not.toMatch(/wrapped-root/);
    }
  });

  it('survives random garbage in every format without throwing', () => {
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const alphabet = '<>/="\'&;#:.\n\r\t |!$%P0123456789abcdefkeylinkfkeytypevalue@sip';
    const starts = ['', '<', 'linekey.1.', 'fkey1: ', 'P1363 = ', 'Taste;Rufnummer\n', '<settings><fkey idx="0">'];
    for (let i = 0; i < 400; i++) {
      const body = Array.from({ length: Math.floor(rand() * 200) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
      const result = importKeys(starts[i % starts.length] + body);
      expect(typeof result.ok).toBe('boolean');
      if (!result.ok) expect(result.error.code).toBe('invalid-argument');
    }
  });

  it('caps the tiles at the settings maximum and warns about the rest', () => {
    const lines = Array.from({ length: MAX_TILES + 1 }, (_, i) => `linekey.${i + 1}.type = 16\nlinekey.${i + 1}.value = ${1000 + i}`).join('\n');
    const report = read(lines);
    expect(report.tiles).toHaveLength(MAX_TILES);
    expect(report.warnings).toEqual([`linekey ${MAX_TILES + 1}: more than ${MAX_TILES} keys: skipped`]);
  });
});
