import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { importKeyConfiguration, MAX_KEY_XML_DEPTH } from './console-format';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../../../test/fixtures/keys/${name}`, import.meta.url), 'utf8');

function counter(): () => string {
  let n = 0;
  return () => `t${++n}`;
}

/** A single key around the given reactions/invocations, for the error cases. */
function key(reactions: string, invocations = ''): string {
  return `<key><keyConfiguration><function>${invocations}<reactions><reaction><presence>${reactions}</presence></reaction></reactions></function></keyConfiguration></key>`;
}

function errorOf(xml: string, lineCount?: number): { message: string; field?: string } {
  const result = importKeyConfiguration(xml, { newId: counter(), lineCount });
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  expect(result.error.code).toBe('invalid-argument');
  return { message: result.error.message, field: result.error.field };
}

describe('importKeyConfiguration', () => {
  it("imports seed 000's speed dial key (invite + dialog subscription)", () => {
    expect(importKeyConfiguration(fixture('seed-000-presence-invite.xml'), { newId: counter() })).toEqual({
      ok: true,
      value: [{ id: 't1', name: '77', uri: '77', watch: ['dialog'], action: { kind: 'call', uri: '77' } }],
    });
  });

  it("imports seed 000's subscription with a line id", () => {
    expect(importKeyConfiguration(fixture('seed-000-line.xml'), { newId: counter(), lineCount: 1 })).toEqual({
      ok: true,
      value: [
        { id: 't1', name: '42', uri: '42', line: 1, watch: ['dialog'], action: { kind: 'call', uri: '42' } },
      ],
    });
  });

  it('finds keys under any root, skips keys without a subscription, reads labels and both event types', () => {
    const result = importKeyConfiguration(fixture('several-keys.xml'), { newId: counter() });
    expect(result).toEqual({
      ok: true,
      value: [
        {
          id: 't1',
          name: 'Reception',
          uri: '101',
          line: 2,
          watch: ['dialog', 'presence'],
          action: { kind: 'call', uri: '101' },
        },
        {
          id: 't2',
          name: 'Alice & Bob',
          uri: 'sip:alice@pbx.example.com',
          watch: ['dialog'],
          action: { kind: 'none' },
        },
      ],
    });
  });

  it('takes several keys side by side without a root, and generates distinct ids by default', () => {
    const one = fixture('seed-000-presence-invite.xml');
    const result = importKeyConfiguration(`${one}\n${one.replaceAll('77', '78')}`);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.map((t) => t.uri)).toEqual(['77', '78']);
    expect(result.value[0]!.id).toMatch(/^tile-[0-9a-f-]{36}$/);
    expect(result.value[0]!.id).not.toBe(result.value[1]!.id);
  });

  it('names the key of a bad line id', () => {
    expect(errorOf(fixture('bad-line.xml'))).toEqual({
      message: 'Key 2: line id "first" must be a line number from 1',
      field: 'keys.1.line',
    });
  });

  it('checks line ids against the configured lines when told how many there are', () => {
    expect(errorOf(fixture('seed-000-line.xml'), 0)).toEqual({
      message: 'Key 1: line cannot be set when no line is configured',
      field: 'keys.0.line',
    });
  });

  it.each([
    [
      key('<subscribe type="message-summary"><uri>77</uri></subscribe>'),
      /^Key 1: subscribe type "message-summary" is not supported/,
    ],
    [key('<subscribe type="dialog"></subscribe>'), /^Key 1: a <subscribe> has no <uri>/],
    [
      key('<subscribe><uri>77</uri></subscribe><subscribe type="presence"><uri>78</uri></subscribe>'),
      /^Key 1: its subscriptions name different addresses/,
    ],
    [
      key(
        '<subscribe><uri>77</uri><line><id>1</id></line></subscribe><subscribe type="presence"><uri>77</uri></subscribe>',
      ),
      /different addresses or lines/,
    ],
    [key('<subscribe><uri>not a uri</uri></subscribe>'), /^Key 1: address must be an extension/],
    [
      key(
        '<subscribe><uri>77</uri></subscribe>',
        '<invocations><invocation><invite><uri>http://x</uri></invite></invocation></invocations>',
      ),
      /^Key 1: call address/,
    ],
    ['<key><keyConfiguration>', /not well-formed XML/],
    ['<!DOCTYPE x [<!ENTITY a "aaaa">]><key/>', /DOCTYPE/],
    ['<keys><other/></keys>', /no <key> element/],
    ['<keys><key><keyConfiguration/></key></keys>', /No <key> has a <subscribe>/],
    ['', /no <key> element/],
  ])('refuses %s', (xml, message) => {
    expect(errorOf(xml).message).toMatch(message);
  });

  it('reports which key among several is wrong', () => {
    const good = key('<subscribe><uri>77</uri></subscribe>');
    const bad = key('<subscribe type="bogus"><uri>78</uri></subscribe>');
    expect(errorOf(`<keys>${good}${good}${bad}</keys>`)).toMatchObject({
      message: expect.stringMatching(/^Key 3: /),
      field: 'keys.2.watch',
    });
  });

  it('keeps numbers with leading zeros as text and tolerates an XML declaration and a BOM', () => {
    const xml = `\uFEFF<?xml version="1.0"?>${key('<subscribe><uri>0049301234</uri><line>3</line></subscribe>')}`;
    const result = importKeyConfiguration(xml, { newId: counter() });
    expect(result.ok && result.value[0]).toMatchObject({ uri: '0049301234', name: '0049301234', line: 3 });
  });

  // Issue 7, defect 5: 100,000 nested elements made the parser throw, and the command answered `internal`.
  it('refuses elements nested beyond the bound with a clear message, at once', () => {
    const nested = `${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`;
    const started = performance.now();
    expect(errorOf(nested)).toEqual({ message: `Key configuration nests elements deeper than ${MAX_KEY_XML_DEPTH} levels` });
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('accepts a key at the depth bound and does not count comments, CDATA or self-closing elements', () => {
    const one = key('<subscribe><uri>77</uri></subscribe>');
    const wrap = (n: number, inner: string): string => `${'<w x="a>b">'.repeat(n)}${inner}${'</w>'.repeat(n)}`;
    // A key is 8 elements deep down to its <uri>.
    expect(importKeyConfiguration(wrap(MAX_KEY_XML_DEPTH - 8, one)).ok).toBe(true);
    expect(errorOf(wrap(MAX_KEY_XML_DEPTH - 7, one)).message).toMatch(/deeper than/);
    const noise = `<!-- ${'<a>'.repeat(100)} --><![CDATA[${'<a>'.repeat(100)}]]>${'<e/>'.repeat(100)}`;
    expect(importKeyConfiguration(wrap(MAX_KEY_XML_DEPTH - 8, `${noise}${one}`)).ok).toBe(true);
  });
});
