import { describe, it, expect } from 'vitest';
import { hasControlCharacters } from './control-characters';
import type { LineConfig } from './settings';
import { DEFAULT_SETTINGS } from './settings';
import { settingsErrors, validateSettingsInput } from './settings-validate';

const line = (extra: Record<string, unknown> = {}): LineConfig =>
  ({ id: 'a', enabled: true, displayName: 'Reception', user: '101', domain: 'pbx.example.com', transport: 'udp', expires: 3600, ...extra }) as LineConfig;
const settings = (lines: unknown[]): Record<string, unknown> => ({ ...(JSON.parse(JSON.stringify(DEFAULT_SETTINGS)) as typeof DEFAULT_SETTINGS), lines });
const INJECTIONS = ['a\r\nVia: evil', 'a\rb', 'a\nb', 'a\tb', 'a\u0000b', 'a\u007fb', 'a\u0085b'];

describe('control characters in line settings', () => {
  it('knows the Cc characters and nothing else', () => {
    for (const s of INJECTIONS) expect(hasControlCharacters(s)).toBe(true);
    for (const s of ['Réception Zürich', 'Empfang – Büro', '"quoted" \\ name', '\u00a0', '😀']) expect(hasControlCharacters(s)).toBe(false);
  });

  it('refuses a CR/LF display name on line 3 with the field named', () => {
    const errors = settingsErrors(settings([line({ id: 'a' }), line({ id: 'b' }), line({ id: 'c', displayName: 'Desk\r\nVia: evil' })]));
    expect(errors).toEqual([
      { field: 'lines.2.displayName', message: 'Line 3: display name must not contain control characters (CR, LF, tab, NUL …)' },
    ]);
  });

  it.each([
    ['displayName', 'display name'],
    ['user', 'user'],
    ['authUser', 'auth user'],
    ['domain', 'domain'],
    ['registrar', 'registrar'],
    ['outboundProxy', 'outbound proxy'],
    ['id', 'id'],
  ])('refuses every control character in %s, with one message of its own', (field, what) => {
    for (const bad of INJECTIONS)
      expect(settingsErrors(settings([line({ [field]: bad })]))).toEqual([
        { field: `lines.0.${field}`, message: `Line 1: ${what} must not contain control characters (CR, LF, tab, NUL …)` },
      ]);
  });

  it('refuses them in feature codes and the CA file path', () => {
    expect(settingsErrors(settings([line({ featureCodes: { dnd: '*78\r\n' } })]))).toEqual([
      { field: 'lines.0.featureCodes.dnd', message: 'Line 1: feature code for dnd must not contain control characters (CR, LF, tab, NUL …)' },
    ]);
    const ca = settingsErrors(settings([line({ transport: 'tls', tls: { caFile: '/etc/ca.pem\n' } })]));
    expect(ca.map((e) => e.field)).toEqual(['lines.0.tls.caFile']);
  });

  it('accepts printable Unicode, quotes and backslashes in a display name', () => {
    expect(settingsErrors(settings([line({ displayName: 'Empfang "Zürich" \\ Büro' })]))).toEqual([]);
  });

  it('refuses what settings.save sends with a CR/LF display name, naming the field', () => {
    const input = settings([{ ...line({ displayName: 'Desk\r\nX: y' }), hasPassword: false }]);
    expect(validateSettingsInput(input, DEFAULT_SETTINGS)).toEqual({
      ok: false,
      error: {
        code: 'invalid-settings',
        message: 'Line 1: display name must not contain control characters (CR, LF, tab, NUL …)',
        field: 'lines.0.displayName',
      },
    });
  });
});
