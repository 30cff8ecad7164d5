import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACCEPT_BY_EVENT, parseEventBody } from './index';
import { MAX_CONTACTS, MAX_REGISTRATIONS, parseRegInfo } from './reginfo';
import type { RegInfoDocument } from './types';

const DIR = new URL('../../../test/fixtures/bodies/reginfo/', import.meta.url);
const fixture = (name: string): Uint8Array => readFileSync(new URL(name, DIR));

function parsed(name: string): { doc: RegInfoDocument; warnings: string[] } {
  const result = parseRegInfo(fixture(name));
  if (!result.ok) throw new Error(`${name}: ${result.reason}`);
  return { doc: result.value, warnings: result.warnings };
}

describe('parseRegInfo: RFC 3680 §5 documents', () => {
  it('reads the full example: registration, an active and an expired contact', () => {
    const { doc, warnings } = parsed('rfc3680-full.xml');
    expect(warnings).toEqual([]);
    expect(doc).toEqual({
      type: 'reginfo',
      version: 0,
      state: 'full',
      registrations: [
        {
          aor: 'sip:user@example.com',
          id: 'as9',
          state: 'active',
          contacts: [
            { id: '76', state: 'active', event: 'registered', uri: 'sip:user@pc887.example.com', expires: 3600 },
            { id: '77', state: 'terminated', event: 'expired', uri: 'sip:user@university.edu' },
          ],
        },
      ],
    });
  });

  it('reads a partial document that terminates the registration', () => {
    const { doc } = parsed('rfc3680-partial.xml');
    expect(doc).toMatchObject({ version: 1, state: 'partial' });
    expect(doc.registrations[0]).toMatchObject({ id: 'as9', state: 'terminated' });
    expect(doc.registrations[0]?.contacts).toEqual([
      { id: '76', state: 'terminated', event: 'unregistered', uri: 'sip:user@pc887.example.com' },
    ]);
  });

  it('reads a registration in state init without contacts', () => {
    expect(parsed('init.xml').doc.registrations).toEqual([{ aor: 'sip:102@test.local', id: '102', state: 'init', contacts: [] }]);
  });

  it('reads a prefixed document and decodes entity references', () => {
    const { doc } = parsed('prefixed.xml');
    expect(doc.version).toBe(4);
    expect(doc.registrations[0]?.contacts[0]).toEqual({
      id: 'c1',
      state: 'active',
      event: 'refreshed',
      uri: 'sip:101@127.0.0.1:5080;transport=udp',
      displayName: 'Anna & Co',
      expires: 120,
    });
  });
});

describe('parseRegInfo: Kamailio pua_reginfo (captured)', () => {
  it('reads the registered document, ignoring the non-standard contact attributes', () => {
    const { doc, warnings } = parsed('kamailio-registered.xml');
    expect(warnings).toEqual([]);
    expect(doc).toMatchObject({ version: 0, state: 'full' });
    expect(doc.registrations).toHaveLength(1);
    expect(doc.registrations[0]).toMatchObject({ aor: 'sip:101@test.local', state: 'active' });
    expect(doc.registrations[0]?.contacts).toEqual([
      { id: expect.any(String), state: 'active', event: 'created', uri: expect.stringMatching(/^sip:101@127\.0\.0\.1:\d+;transport=UDP$/), expires: 600 },
    ]);
  });

  it('reads the unregistered document as a terminated registration with a terminated contact', () => {
    const { doc } = parsed('kamailio-unregistered.xml');
    expect(doc.registrations[0]).toMatchObject({ state: 'terminated' });
    expect(doc.registrations[0]?.contacts[0]).toMatchObject({ state: 'terminated', event: 'unregistered' });
  });
});

describe('parseRegInfo: tolerance and refusal', () => {
  it('keeps what it can of a sloppy document, with a warning for each guess', () => {
    const { doc, warnings } = parsed('tolerant.xml');
    expect(doc).toMatchObject({ version: 3, state: 'full' });
    expect(doc.registrations).toEqual([
      {
        aor: 'sip:101@test.local',
        id: 'sip:101@test.local',
        // Derived from its contacts: the refreshed one without a state is live.
        state: 'active',
        contacts: [
          { id: 'sip:101@10.0.0.5', state: 'active', event: 'refreshed', uri: 'sip:101@10.0.0.5' },
          { id: 'x', state: 'terminated', event: 'expired' },
        ],
      },
    ]);
    expect(warnings).toEqual([
      expect.stringContaining('contact #1 has no state, read as active'),
      expect.stringContaining('invalid expires "soon"'),
      expect.stringContaining('contact #2 has unknown state "gone", read as terminated'),
      expect.stringContaining('has no state, read as active from its contacts'),
      'reginfo: registration #2 has no aor attribute, dropped',
    ]);
  });

  it.each([
    ['missing-version.xml', 'reginfo: missing version attribute'],
    ['malformed.xml', 'reginfo: not XML'],
    ['doctype-entities.xml', 'reginfo: not XML'],
  ])('refuses %s', (name, reason) => {
    const result = parseRegInfo(fixture(name));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it('refuses an empty body, another root element and a negative version, without throwing', () => {
    expect(parseRegInfo('')).toEqual({ ok: false, reason: 'reginfo: empty body' });
    expect(parseRegInfo('<dialog-info version="1"/>')).toEqual({ ok: false, reason: 'reginfo: root element is <dialog-info>, expected <reginfo>' });
    expect(parseRegInfo('<reginfo version="-1" state="full"/>')).toEqual({ ok: false, reason: 'reginfo: invalid version attribute "-1"' });
    expect(parseRegInfo(new Uint8Array([0xff, 0xfe, 0x00])).ok).toBe(false);
  });

  it('keeps at most the bounded number of registrations and contacts', () => {
    const contacts = Array.from({ length: MAX_CONTACTS + 5 }, (_, i) => `<contact id="${i}" state="active"><uri>sip:a@h${i}</uri></contact>`).join('');
    const regs = Array.from({ length: MAX_REGISTRATIONS + 3 }, (_, i) => `<registration aor="sip:${i}@x" id="${i}" state="active">${i === 0 ? contacts : ''}</registration>`).join('');
    const result = parseRegInfo(`<reginfo xmlns="urn:ietf:params:xml:ns:reginfo" version="1" state="full">${regs}</reginfo>`);
    if (!result.ok) throw new Error(result.reason);
    expect(result.value.registrations).toHaveLength(MAX_REGISTRATIONS);
    expect(result.value.registrations[0]?.contacts).toHaveLength(MAX_CONTACTS);
    expect(result.warnings).toHaveLength(2);
  });
});

describe('reginfo in the event-body dispatcher', () => {
  it('is accepted for Event: reg and parsed by its media type, parameters ignored', () => {
    expect(ACCEPT_BY_EVENT.reg).toEqual(['application/reginfo+xml']);
    const result = parseEventBody('Application/Reginfo+XML; charset=utf-8', fixture('kamailio-registered.xml'));
    expect(result.ok && result.value.type).toBe('reginfo');
  });
});
