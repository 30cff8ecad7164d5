import { describe, it, expect } from 'vitest';
import {
  describeProblems,
  isValidHost,
  isValidHostPort,
  settingsErrors,
  settingsInputErrors,
  validateSettings,
  validateSettingsInput,
} from './settings-validate';
import type { LineConfig, Settings } from './settings';
import { DEFAULT_SETTINGS, MAX_LINES } from './settings';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function line(n: number, extra: Partial<LineConfig> = {}): LineConfig {
  return {
    id: `line-${n}`,
    enabled: true,
    displayName: `Reception ${n}`,
    user: `10${n}`,
    domain: 'pbx.example.com',
    transport: 'udp',
    expires: 3600,
    ...extra,
  };
}

function settings(
  lines: LineConfig[] = [line(1), line(2)],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { ...clone(DEFAULT_SETTINGS), lines, ...extra };
}

/** Settings with one field of line `index` replaced (undefined removes it). */
function withLine(index: number, field: string, value: unknown): Record<string, unknown> {
  const s = settings([line(1), line(2), line(3)]);
  const l = (s.lines as Record<string, unknown>[])[index]!;
  if (value === undefined) delete l[field];
  else l[field] = value;
  return s;
}

const fields = (input: unknown): string[] => settingsErrors(input).map((e) => e.field);

describe('settingsErrors', () => {
  it('accepts the defaults and a typical configuration', () => {
    expect(settingsErrors(DEFAULT_SETTINGS)).toEqual([]);
    const s = settings([
      line(1, {
        registrar: 'registrar.example.com:5061',
        outboundProxy: '[2001:db8::1]:5060',
        authUser: 'auth-101',
        password: 'pw',
      }),
      line(2, {
        transport: 'tls',
        domain: '192.0.2.10',
        tls: { fingerprint256: 'ab'.repeat(32), caFile: '/etc/ssl/ca.pem' },
      }),
      line(3, { domain: '[::1]', user: 'alice%20b' }),
    ]);
    expect(settingsErrors(s)).toEqual([]);
  });

  it('supports MAX_LINES (at least 16) lines and refuses more', () => {
    expect(MAX_LINES).toBeGreaterThanOrEqual(16);
    const many = Array.from({ length: MAX_LINES }, (_, i) => line(i + 1));
    expect(settingsErrors(settings(many))).toEqual([]);
    expect(fields(settings([...many, line(MAX_LINES + 1)]))).toEqual(['lines']);
  });

  it('names the field with a 0-based path and the line with a 1-based number', () => {
    const errors = settingsErrors(withLine(2, 'domain', 'bad domain!'));
    expect(errors).toEqual([{ field: 'lines.2.domain', message: expect.stringMatching(/^Line 3: domain/) }]);
  });

  it('reports every problem, not just the first', () => {
    const s = withLine(0, 'transport', 'sctp');
    (s.lines as Record<string, unknown>[])[1]!.expires = 10;
    (s.sip as Record<string, unknown>).t1Ms = 1;
    expect(fields(s)).toEqual(['lines.0.transport', 'lines.1.expires', 'sip.t1Ms']);
  });

  it.each([
    ['id', ''],
    ['id', 'x'.repeat(65)],
    ['enabled', 'yes'],
    ['displayName', 'x'.repeat(65)],
    ['user', ''],
    ['user', 'a b'],
    ['user', 'a@b'],
    ['user', '%zz'],
    ['authUser', 'a"b'],
    ['password', 'x'.repeat(257)],
    ['password', 42],
    ['domain', ''],
    ['domain', '-bad.example.com'],
    ['domain', '1.2.3.256'],
    ['domain', '2001:db8::1'],
    ['domain', '[2001:db8::1::2]'],
    ['domain', 'pbx.example.com:5060'],
    ['registrar', 'pbx.example.com:0'],
    ['registrar', 'pbx.example.com:65536'],
    ['registrar', 'pbx.example.com:'],
    ['outboundProxy', 'sip:proxy.example.com'],
    ['transport', 'UDP'],
    ['expires', 59],
    ['expires', 86401],
    ['expires', 600.5],
    ['expires', '3600'],
  ])('refuses line field %s = %j', (field, value) => {
    expect(fields(withLine(1, field, value))).toEqual([`lines.1.${field}`]);
  });

  it.each([
    ['displayName', 'x'.repeat(64)],
    ['authUser', undefined],
    ['authUser', ''],
    ['registrar', ''],
    ['registrar', 'pbx.example.com:65535'],
    ['registrar', '127.0.0.1:1'],
    ['domain', 'localhost'],
    ['domain', '[::ffff:192.0.2.1]'],
    ['expires', 60],
    ['expires', 86400],
  ])('accepts line field %s = %j', (field, value) => {
    expect(settingsErrors(withLine(1, field, value))).toEqual([]);
  });

  it('requires unique line ids and says which line has it', () => {
    const errors = settingsErrors(settings([line(1), line(2), line(3, { id: 'line-1' })]));
    expect(errors).toEqual([
      { field: 'lines.2.id', message: 'Line 3: id "line-1" is already used by line 1' },
    ]);
  });

  it('checks TLS trust settings and that they belong to a TLS line', () => {
    const tls = (t: unknown, transport = 'tls'): string[] =>
      fields(settings([line(1, { transport: transport as 'tls', tls: t as LineConfig['tls'] })]));
    expect(tls({ fingerprint256: 'AB:'.repeat(31) + 'AB' })).toEqual([]);
    expect(tls({ fingerprint256: 'ab'.repeat(31) })).toEqual(['lines.0.tls.fingerprint256']);
    expect(tls({ fingerprint256: 'zz'.repeat(32) })).toEqual(['lines.0.tls.fingerprint256']);
    expect(tls({ caFile: 'relative/ca.pem' })).toEqual(['lines.0.tls.caFile']);
    expect(tls({ caFile: 'C:\\certs\\ca.pem' })).toEqual([]);
    expect(tls({ caFile: '/etc/ca.pem' }, 'tcp')).toEqual(['lines.0.tls']);
    expect(tls({ other: 1 })).toEqual(['lines.0.tls.other']);
  });

  it('checks feature codes: the six states only, 1–32 dial characters each, kept when valid', () => {
    const codes = (c: unknown): string[] => fields(settings([line(1, { featureCodes: c as LineConfig['featureCodes'] })]));
    expect(codes({ dnd: '*78', available: '*79', xa: '#21#', away: '+4930A' })).toEqual([]);
    expect(codes({ dnd: '' })).toEqual(['lines.0.featureCodes.dnd']);
    expect(codes({ dnd: '*7 8' })).toEqual(['lines.0.featureCodes.dnd']);
    expect(codes({ dnd: '1'.repeat(33) })).toEqual(['lines.0.featureCodes.dnd']);
    expect(codes({ dnd: 78 })).toEqual(['lines.0.featureCodes.dnd']);
    expect(codes({ lunch: '*1', not_set: '*2' })).toEqual(['lines.0.featureCodes.lunch', 'lines.0.featureCodes.not_set']);
    expect(codes(['*78'])).toEqual(['lines.0.featureCodes']);
    const valid = validateSettings(settings([line(1, { featureCodes: { dnd: '*78' } })]));
    expect(valid.ok && valid.value.lines[0]!.featureCodes).toEqual({ dnd: '*78' });
  });

  it('checks the default line against the number of lines', () => {
    expect(fields(settings([line(1), line(2)], { defaultLine: 2 }))).toEqual([]);
    expect(fields(settings([line(1), line(2)], { defaultLine: 3 }))).toEqual(['defaultLine']);
    expect(fields(settings([line(1)], { defaultLine: 0 }))).toEqual(['defaultLine']);
    expect(fields(settings([], { defaultLine: 1 }))).toEqual([]);
    expect(fields(settings([], { defaultLine: 2 }))).toEqual(['defaultLine']);
  });

  it('checks SIP timers and their ordering', () => {
    const sip = (patch: Record<string, number>): string[] =>
      fields(settings(undefined, { sip: { ...DEFAULT_SETTINGS.sip, ...patch } }));
    expect(sip({ t1Ms: 50, t2Ms: 50 })).toEqual([]);
    expect(sip({ t1Ms: 10001 })).toEqual(['sip.t1Ms']);
    expect(sip({ t1Ms: 1000, t2Ms: 999 })).toEqual(['sip.t2Ms']);
    expect(sip({ t2Ms: 60001 })).toEqual(['sip.t2Ms']);
    expect(sip({ t4Ms: 99 })).toEqual(['sip.t4Ms']);
    expect(sip({ retryBaseSeconds: 0 })).toEqual(['sip.retryBaseSeconds']);
    expect(sip({ retryBaseSeconds: 60, retryMaxSeconds: 59 })).toEqual(['sip.retryMaxSeconds']);
    expect(sip({ retryMaxSeconds: 86401 })).toEqual(['sip.retryMaxSeconds']);
  });

  it('checks diagnostics', () => {
    const diag = (d: unknown): string[] => fields(settings(undefined, { diagnostics: d }));
    expect(diag({ traceToFile: true, traceBufferSize: 100 })).toEqual([]);
    expect(diag({ traceToFile: 'true', traceBufferSize: 100 })).toEqual(['diagnostics.traceToFile']);
    expect(diag({ traceToFile: false, traceBufferSize: 100001 })).toEqual(['diagnostics.traceBufferSize']);
  });

  it('refuses unknown keys, a wrong version and non-objects', () => {
    expect(fields(settings(undefined, { colour: 'blue' }))).toEqual(['colour']);
    expect(fields(settings(undefined, { version: 2 }))).toEqual(['version']);
    expect(fields(withLine(0, 'pasword', 'x'))).toEqual(['lines.0.pasword']);
    expect(fields([])).toEqual(['']);
    expect(fields(settings(undefined, { lines: {} }))).toEqual(['lines']);
  });
});

describe('host syntax', () => {
  it.each([
    'example.com',
    'a-b.example.com.',
    '10.0.0.1',
    '[::1]',
    '[fe80::1:2]',
    '[1:2:3:4:5:6:7:8]',
    '[::]',
  ])('accepts %s', (h) => {
    expect(isValidHost(h)).toBe(true);
  });
  it.each(['', 'a..b', 'a_b.com', '10.0.0', '[1:2:3:4:5:6:7:8:9]', '[::1', 'ex ample.com', '[1::2::3]'])(
    'refuses %s',
    (h) => {
      expect(isValidHost(h)).toBe(false);
    },
  );
  it('parses host:port', () => {
    expect(isValidHostPort('[::1]:5061')).toBe(true);
    expect(isValidHostPort('::1:5061')).toBe(false);
    expect(isValidHostPort('example.com:123456')).toBe(false);
  });
});

describe('validateSettings', () => {
  it('returns normalized settings without unset optional fields', () => {
    const result = validateSettings(settings([line(1, { registrar: '', authUser: '', tls: {} })]));
    expect(result).toEqual({ ok: true, value: { ...DEFAULT_SETTINGS, lines: [line(1)] } });
  });

  it('names the first field and lists every problem with its field', () => {
    const s = withLine(1, 'domain', '');
    s.defaultLine = 9;
    (s.sip as Record<string, unknown>).t1Ms = 1;
    const result = validateSettings(s);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ code: 'invalid-settings', field: 'lines.1.domain' });
    expect(result.error.message).toMatch(
      /^Line 2: domain .* \(field lines\.1\.domain\); Default line .* \(field defaultLine\); SIP timers: T1 .* \(field sip\.t1Ms\)$/,
    );
  });

  it('gives a single problem as its message alone (the field is in error.field)', () => {
    const result = validateSettings(withLine(1, 'domain', ''));
    expect(result).toMatchObject({ ok: false, error: { field: 'lines.1.domain', message: expect.stringMatching(/^Line 2: domain [^;]*$/) } });
  });

  it('loads a hand-written file with only lines, or nothing, with the defaults', () => {
    expect(validateSettings({})).toEqual({ ok: true, value: DEFAULT_SETTINGS });
    expect(validateSettings({ lines: [line(1)] })).toEqual({ ok: true, value: { ...DEFAULT_SETTINGS, lines: [line(1)] } });
    expect(validateSettings({ version: 1, lines: [line(1), line(2)], defaultLine: 2 })).toEqual({
      ok: true,
      value: { ...DEFAULT_SETTINGS, lines: [line(1), line(2)], defaultLine: 2 },
    });
  });

  it('gives missing fields inside sip and diagnostics their defaults', () => {
    const result = validateSettings({ lines: [line(1)], sip: { t1Ms: 250 }, diagnostics: { traceToFile: true } });
    expect(result).toEqual({
      ok: true,
      value: {
        ...DEFAULT_SETTINGS,
        lines: [line(1)],
        sip: { ...DEFAULT_SETTINGS.sip, t1Ms: 250 },
        diagnostics: { ...DEFAULT_SETTINGS.diagnostics, traceToFile: true },
      },
    });
  });

  it('still refuses present but wrong values, each with its field', () => {
    const input = { version: 2, lines: {}, defaultLine: 0, sip: { t2Ms: 100 }, diagnostics: null, notify: 'x' };
    expect(fields(input)).toEqual(['version', 'lines', 'defaultLine', 'sip.t2Ms', 'diagnostics', 'notify']);
    // A partial block is checked against the defaults of what it leaves out (T2 at least the default T1 of 500).
    expect(fields({ sip: { t1Ms: 5000 } })).toEqual(['sip.t2Ms']);
    expect(fields({ sip: null })).toEqual(['sip']);
  });
});

describe('describeProblems', () => {
  const problem = (i: number): { field: string; message: string } => ({ field: `tiles.${i}.name`, message: `Key ${i + 1}: bad` });

  it('lists every problem with its field, separated by semicolons', () => {
    expect(describeProblems([problem(0), { field: '', message: 'Settings must be a JSON object' }, problem(2)])).toBe(
      'Key 1: bad (field tiles.0.name); Settings must be a JSON object; Key 3: bad (field tiles.2.name)',
    );
  });

  it('spells out at most 20 and counts the rest', () => {
    const many = Array.from({ length: 23 }, (_, i) => problem(i));
    const text = describeProblems(many);
    expect(text.split('; ')).toHaveLength(21);
    expect(text).toMatch(/Key 20: bad \(field tiles\.19\.name\); and 3 more problems$/);
    expect(describeProblems(many.slice(0, 21), 20)).toMatch(/; and 1 more problem$/);
  });
});

describe('validateSettingsInput', () => {
  const stored: Settings = {
    ...DEFAULT_SETTINGS,
    lines: [line(1, { password: 'one' }), line(2, { password: 'two' })],
  };

  it('keeps the stored password by line id when absent, even after reordering', () => {
    const input = { ...DEFAULT_SETTINGS, lines: [{ ...line(2), hasPassword: true }, line(1)] };
    const result = validateSettingsInput(input, stored);
    expect(result.ok && result.value.lines.map((l) => l.password)).toEqual(['two', 'one']);
  });

  it("clears the password on '' and replaces it when given", () => {
    const input = { ...DEFAULT_SETTINGS, lines: [line(1, { password: '' }), line(2, { password: 'new' })] };
    const result = validateSettingsInput(input, stored);
    expect(result.ok && result.value.lines.map((l) => l.password)).toEqual([undefined, 'new']);
    expect(result.ok && 'password' in result.value.lines[0]!).toBe(false);
  });

  it('gives a new line no password and does not modify its input', () => {
    const input = { ...DEFAULT_SETTINGS, lines: [line(7)] };
    const copy = clone(input);
    const result = validateSettingsInput(input, stored);
    expect(result.ok && result.value.lines[0]!.password).toBeUndefined();
    expect(input).toEqual(copy);
  });

  it('validates like validateSettings', () => {
    const result = validateSettingsInput({ ...DEFAULT_SETTINGS, lines: [line(1, { expires: 5 })] }, stored);
    expect(!result.ok && result.error.field).toBe('lines.0.expires');
    expect(validateSettingsInput('nope', stored).ok).toBe(false);
  });

  it('settingsInputErrors accepts what the renderer edits (hasPassword, no password) and still checks fields', () => {
    const pub = { ...DEFAULT_SETTINGS, lines: [{ ...line(1), hasPassword: true }] };
    expect(settingsInputErrors(pub)).toEqual([]);
    expect(settingsErrors(pub).map((e) => e.field)).toEqual(['lines.0.hasPassword']);
    expect(settingsInputErrors({ ...pub, lines: [{ ...line(1), user: '' }] }).map((e) => e.field)).toEqual([
      'lines.0.user',
    ]);
  });
});
