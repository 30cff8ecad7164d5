import { describe, it, expect } from 'vitest';
import { settingsErrors, validateSettings } from './settings-validate';
import type { LineConfig } from './settings';
import { DEFAULT_SETTINGS, MAX_TILES } from './settings';
import type { TileConfig, TileListConfig } from './tiles';
import { NOTIFY_PROFILES } from './tiles';
import { TileTargetIndex } from './tile-target';
import { isExtension, isSipUri, isTileUri, tileErrors } from './tiles-validate';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

const line = (n: number): LineConfig => ({
  id: `line-${n}`,
  enabled: true,
  displayName: `Reception ${n}`,
  user: `10${n}`,
  domain: 'pbx.example.com',
  transport: 'udp',
  expires: 3600,
});

const tile = (n: number, extra: Partial<TileConfig> = {}): TileConfig => ({
  id: `tile-${n}`,
  name: `Extension ${n}`,
  uri: String(100 + n),
  watch: ['dialog'],
  action: { kind: 'call', uri: String(100 + n) },
  ...extra,
});

const list = (n: number, extra: Partial<TileListConfig> = {}): TileListConfig => ({
  id: `list-${n}`,
  name: `Sales ${n}`,
  uri: `sip:sales-${n}@pbx.example.com`,
  event: 'dialog',
  ...extra,
});

function settings(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...clone(DEFAULT_SETTINGS),
    lines: [line(1), line(2)],
    tiles: [tile(1), tile(2)],
    tileLists: [list(1)],
    ...extra,
  };
}

/** Settings with one field of tile 1 (index 1) replaced (undefined removes it). */
function withTile(field: string, value: unknown): Record<string, unknown> {
  const s = settings();
  const t = (s.tiles as Record<string, unknown>[])[1]!;
  if (value === undefined) delete t[field];
  else t[field] = value;
  return s;
}

function withList(field: string, value: unknown): Record<string, unknown> {
  const s = settings();
  const l = (s.tileLists as Record<string, unknown>[])[0]!;
  if (value === undefined) delete l[field];
  else l[field] = value;
  return s;
}

const fields = (input: unknown): string[] => settingsErrors(input).map((e) => e.field);

describe('busy lamp field settings', () => {
  it('loads a settings file from before the busy lamp field with the defaults', () => {
    const { tiles: _t, tileLists: _l, notify: _n, ...old } = clone(DEFAULT_SETTINGS);
    const result = validateSettings({ ...old, lines: [line(1)] });
    expect(result).toEqual({ ok: true, value: { ...DEFAULT_SETTINGS, lines: [line(1)] } });
    expect(result.ok && result.value.notify).toEqual({ profile: 'console', ...NOTIFY_PROFILES.console });
  });

  it('accepts a typical panel and keeps it as given, dropping unset optional fields', () => {
    const tiles = [
      tile(1, { line: 2, watch: ['dialog', 'presence'], group: 'Sales' }),
      tile(2, { uri: 'sips:alice@pbx.example.com:5061;transport=tls', action: { kind: 'none' } }),
      tile(3, { uri: '*8', group: '' }),
    ];
    const lists = [list(1, { line: 1, event: 'presence' }), list(2, { uri: 'reception-list' })];
    const result = validateSettings(settings({ tiles, tileLists: lists }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.tiles).toEqual([tiles[0], tiles[1], tile(3, { uri: '*8' })]);
    expect('group' in result.value.tiles[2]!).toBe(false);
    expect(result.value.tileLists).toEqual(lists);
  });

  it.each([
    ['id', ''],
    ['id', 'a/b'],
    ['id', 'a b'],
    ['id', 'x'.repeat(65)],
    ['id', 7],
    ['name', ''],
    ['name', '   '],
    ['name', 'x'.repeat(65)],
    ['uri', ''],
    ['uri', '1 01'],
    ['uri', 'x'.repeat(65)],
    ['uri', 'sip:'],
    ['uri', 'sip:101@'],
    ['uri', 'sip:101@bad host'],
    ['uri', 'sip:a:secret@pbx.example.com'],
    ['uri', 'http://pbx.example.com'],
    ['uri', 'tel:+4930123'],
    ['line', 0],
    ['line', 3],
    ['line', 1.5],
    ['line', '1'],
    ['watch', []],
    ['watch', ['dialog', 'dialog']],
    ['watch', ['message-summary']],
    ['watch', 'dialog'],
    ['action', undefined],
    ['action', { kind: 'transfer' }],
    ['action', { kind: 'none', uri: '101' }],
    ['group', 'x'.repeat(65)],
    ['group', 5],
    ['colour', 'red'],
  ])('refuses tile field %s = %j', (field, value) => {
    const errors = fields(withTile(field, value));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^tiles\\.1\\.${field}`));
  });

  it.each([
    ['uri', 'x'.repeat(64)],
    ['uri', 'sip:102@127.0.0.1'],
    ['uri', 'SIP:102@[::1]:5060'],
    ['uri', 'sip:pbx.example.com'],
    ['uri', 'sip:%2B49301@gw.example.com;user=phone?Subject=hi'],
    ['uri', '#31'],
    ['line', 2],
    ['line', undefined],
    ['line', null],
    ['group', undefined],
    ['name', 'x'.repeat(64)],
    ['watch', ['presence', 'dialog']],
    ['watch', ['dialog', 'reg']],
    ['watch', ['reg']],
    ['action', { kind: 'call', uri: 'sip:**101@pbx.example.com' }],
  ])('accepts tile field %s = %j', (field, value) => {
    expect(settingsErrors(withTile(field, value))).toEqual([]);
  });

  it('refuses a call action to an invalid address and names the action field', () => {
    expect(fields(withTile('action', { kind: 'call', uri: 'not a uri' }))).toEqual(['tiles.1.action.uri']);
    expect(fields(withTile('action', { kind: 'call' }))).toEqual(['tiles.1.action.uri']);
  });

  it.each([
    ['id', ''],
    ['name', ''],
    ['uri', 'sip:'],
    ['line', 3],
    ['event', 'message-summary'],
    // Registration state is per AoR (RFC 3680), never a resource list.
    ['event', 'reg'],
    ['event', undefined],
    ['members', []],
  ])('refuses list field %s = %j', (field, value) => {
    const errors = fields(withList(field, value));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^tileLists\\.0\\.${field}`));
  });

  it.each([
    ['name', 'name'],
    ['uri', 'address'],
    ['group', 'group'],
    ['id', 'id'],
  ])('refuses a control character in tile %s with a message of its own', (field, what) => {
    for (const bad of ['x\r\nVia: evil', 'x\u0000', 'x\ty'])
      expect(settingsErrors(withTile(field, bad))).toEqual([
        { field: `tiles.1.${field}`, message: `Key 2: ${what} must not contain control characters (CR, LF, tab, NUL …)` },
      ]);
    const action = settingsErrors(withTile('action', { kind: 'call', uri: '101\r\n' }));
    expect(action).toEqual([{ field: 'tiles.1.action.uri', message: expect.stringMatching(/^Key 2: call address must not contain control/) }]);
  });

  it.each([['name'], ['uri'], ['id']])('refuses a control character in list %s', (field) => {
    expect(settingsErrors(withList(field, 'sip:a@b\n'))).toEqual([
      { field: `tileLists.0.${field}`, message: expect.stringMatching(/^List 1: .* must not contain control characters/) },
    ]);
  });

  it('requires ids unique across tiles and lists and says who has it', () => {
    const errors = settingsErrors(
      settings({
        tiles: [tile(1), tile(2, { id: 'tile-1' })],
        tileLists: [list(1, { id: 'tile-2' }), list(2, { id: 'tile-1' })],
      }),
    );
    expect(errors).toEqual([
      { field: 'tiles.1.id', message: 'Key 2: id "tile-1" is already used by key 1' },
      { field: 'tileLists.1.id', message: 'List 2: id "tile-1" is already used by key 1' },
    ]);
  });

  it('refuses a tile for an extension already on the panel and names the first one (issue 12 §4)', () => {
    const errors = settingsErrors(
      settings({
        lines: [line(1), line(2)],
        tiles: [
          tile(1, { name: 'Anna Alt' }),
          tile(2, { uri: 'sip:102@PBX.example.com:5060', line: 1 }),
          tile(3, { uri: '101' }),
          tile(4, { uri: '102', line: 1 }),
          tile(5, { uri: '102', line: 2 }),
          tile(6, { uri: 'sip:102@other.example.com', line: 1 }),
          tile(7, { uri: 'sip:102@pbx.example.com', line: 1 }),
        ],
      }),
    );
    expect(errors).toEqual([
      { field: 'tiles.2.uri', message: "Key 3: address 101 is already on the panel as 'Anna Alt' (key 1)" },
      { field: 'tiles.3.uri', message: "Key 4: address 102 is already on the panel as 'Extension 2' (key 2)" },
      { field: 'tiles.6.uri', message: "Key 7: address sip:102@pbx.example.com is already on the panel as 'Extension 2' (key 2)" },
    ]);
  });

  it('tells targets apart by line, host and the default line', () => {
    const index = new TileTargetIndex<string>();
    expect(index.claim({ uri: '101' }, 'a')).toBeUndefined();
    expect(index.claim({ uri: '101', line: 1 }, 'b')).toBeUndefined();
    expect(index.claim({ uri: 'sip:101@x.example.com', line: 1 }, 'c')).toBe('b');
    expect(index.claim({ uri: 'sip:101@y.example.com' }, 'd')).toBe('a');
    expect(index.claim({ uri: 'sips:Alice@x.example.com' }, 'e')).toBeUndefined();
    expect(index.claim({ uri: 'sip:alice@x.example.com' }, 'f')).toBeUndefined();
    expect(index.claim({ uri: 'sip:alice@X.example.com;transport=tcp' }, 'g')).toBe('f');
  });

  it('checks line numbers against the configured lines', () => {
    expect(
      fields(settings({ lines: [], defaultLine: 1, tiles: [tile(1, { line: 1 })], tileLists: [] })),
    ).toEqual(['tiles.0.line']);
    expect(
      fields(
        settings({ lines: [line(1)], tiles: [tile(1, { line: 1 })], tileLists: [list(1, { line: 2 })] }),
      ),
    ).toEqual(['tileLists.0.line']);
  });

  it(`supports MAX_TILES (${MAX_TILES}) keys and refuses more`, () => {
    const many = Array.from({ length: MAX_TILES }, (_, i) => tile(i));
    expect(settingsErrors(settings({ tiles: many }))).toEqual([]);
    expect(fields(settings({ tiles: [...many, tile(MAX_TILES)] }))).toEqual(['tiles']);
  });

  it('refuses tiles and lists that are not lists', () => {
    expect(fields(settings({ tiles: {} }))).toEqual(['tiles']);
    expect(fields(settings({ tileLists: 'x' }))).toEqual(['tileLists']);
    expect(fields(settings({ tiles: [null] }))).toEqual(['tiles.0']);
  });
});

describe('NOTIFY throttling settings', () => {
  const notify = (n: unknown) => validateSettings(settings({ notify: n }));

  it('normalises the console and phone profiles to their numbers, which may be omitted', () => {
    for (const profile of ['console', 'phone'] as const) {
      for (const given of [{}, { ratePerSecond: 7, queueBound: 77 }]) {
        const result = notify({ profile, ...given });
        expect(result.ok && result.value.notify).toEqual({ profile, ...NOTIFY_PROFILES[profile] });
      }
    }
  });

  it('keeps the numbers of the custom profile and requires them', () => {
    expect(notify({ profile: 'custom', ratePerSecond: 1, queueBound: 10 })).toMatchObject({
      ok: true,
      value: { notify: { profile: 'custom', ratePerSecond: 1, queueBound: 10 } },
    });
    expect(
      fields(settings({ notify: { profile: 'custom', ratePerSecond: 100000, queueBound: 1000000 } })),
    ).toEqual([]);
    expect(fields(settings({ notify: { profile: 'custom' } }))).toEqual([
      'notify.ratePerSecond',
      'notify.queueBound',
    ]);
  });

  it.each([
    [{ profile: 'fast' }, ['notify.profile']],
    [{ profile: 'custom', ratePerSecond: 0, queueBound: 100 }, ['notify.ratePerSecond']],
    [{ profile: 'custom', ratePerSecond: 100001, queueBound: 100 }, ['notify.ratePerSecond']],
    [{ profile: 'custom', ratePerSecond: 10.5, queueBound: 100 }, ['notify.ratePerSecond']],
    [{ profile: 'custom', ratePerSecond: 10, queueBound: 9 }, ['notify.queueBound']],
    [{ profile: 'custom', ratePerSecond: 10, queueBound: 1000001 }, ['notify.queueBound']],
    [{ profile: 'console', ratePerSecond: '10' }, ['notify.ratePerSecond']],
    [{ profile: 'phone', burst: 3 }, ['notify.burst']],
    ['console', ['notify']],
  ])('refuses %j', (n, expected) => {
    expect(fields(settings({ notify: n }))).toEqual(expected);
  });
});

describe('URI syntax', () => {
  it.each(['101', '*8', '#31', '+4930123', 'reception.desk', 'a_b-c'])('extension %s', (v) => {
    expect(isExtension(v)).toBe(true);
    expect(isTileUri(v)).toBe(true);
  });
  it.each([
    'sip:101@pbx.example.com',
    'sips:101@pbx.example.com:5061',
    'sip:101@[2001:db8::1]',
    'sip:reception-list@pbx.example.com;method=SUBSCRIBE',
    'sip:alice@example.com?subject=project%20x&priority=urgent',
    'sip:+1-212-555-1212;isub=1@gw.example.com;user=phone',
  ])('SIP URI %s', (v) => {
    expect(isSipUri(v)).toBe(true);
  });
  it.each([
    'sip:',
    'sip:@host',
    'sip:a@b@c',
    'sip:a@host:99999',
    'sip:a b@host',
    'sip:a@host;',
    'sip:a@host?x',
    'mailto:a@b',
    'sip:a@' + 'h'.repeat(300),
  ])('not a SIP URI: %s', (v) => {
    expect(isSipUri(v)).toBe(false);
  });
  it('tileErrors without a line count only needs a positive line number', () => {
    expect(tileErrors(tile(1, { line: 9 }), 0, undefined)).toEqual([]);
    expect(tileErrors(tile(1, { line: 0 }), 4, undefined)).toEqual([
      { field: 'tiles.4.line', message: 'Key 5: line must be a line number from 1' },
    ]);
  });
});
