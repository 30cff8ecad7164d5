import { describe, it, expect } from 'vitest';
import { loadBody } from './testing/body-fixtures';
import { parseCpimPidf, parsePidf, type PresenceOptions } from './pidf';
import type { PresenceDocument } from './types';

function read(name: string, options?: PresenceOptions): { doc: PresenceDocument; warnings: string[] } {
  const result = parsePidf(loadBody(`pidf/${name}`), options);
  if (!result.ok) throw new Error(`${name}: ${result.reason}`);
  return { doc: result.value, warnings: result.warnings };
}

describe('parsePidf', () => {
  it('RFC 3863 example: open, presence-level note before tuple notes', () => {
    const { doc, warnings } = read('rfc3863-example.xml');
    expect(doc).toEqual({
      type: 'presence',
      entity: 'pres:someone@example.com',
      presence: { basic: 'open', note: "I'll be in Tokyo next week" },
    });
    expect(warnings).toEqual([]);
  });

  it.each([
    [['en'], "Don't Disturb Please!"],
    [['fr', 'en'], "Ne derangez pas, s'il vous plait"],
    [['en-GB'], "Don't Disturb Please!"],
    [['it'], 'Untagged note'],
    [[], 'Untagged note'],
  ])('picks the tuple note for langs %j', (langs, note) => {
    const { doc } = read('rfc3863-tuple-notes.xml', { langs });
    expect(doc.presence).toEqual({ basic: 'closed', note });
  });

  it('RFC 4480 example: person activity away → state away, person note wins, <note> inside activities is no activity', () => {
    const { doc } = read('rfc4480-example.xml');
    expect(doc.presence).toEqual({ basic: 'open', state: 'away', activities: ['away'], note: 'Scoring 120' });
  });

  it('seed 003 snom PUBLISH: open with note Lunch', () => {
    const { doc } = read('seed003-snom-publish-lunch.xml');
    expect(doc).toEqual({
      type: 'presence',
      entity: 'pres:431@192.168.10.59',
      presence: { basic: 'open', note: 'Lunch' },
    });
  });

  it('falls back to <im:im> when there is no <note>', () => {
    expect(read('snom-im-only.xml').doc.presence).toEqual({ basic: 'open', note: 'Meeting until 3' });
  });

  it('Asterisk available via the Digium supplement: the machine note "Ready" is not shown', () => {
    const { doc } = read('asterisk-available-digium.xml');
    expect(doc).toEqual({
      type: 'presence',
      entity: 'sip:101@pbx.example.com',
      presence: { basic: 'open', state: 'available' },
    });
  });

  it('Asterisk away with subtype and an escaped multi-line message', () => {
    expect(read('asterisk-away-digium.xml').doc.presence).toEqual({
      basic: 'open',
      state: 'away',
      subtype: 'at lunch',
      note: 'Back at 2 & then in room "B"\next 7',
    });
  });

  it('Asterisk dnd while on the phone: Digium state wins, "On the phone" becomes an activity', () => {
    expect(read('asterisk-dnd-busy-digium.xml').doc.presence).toEqual({
      basic: 'closed',
      state: 'dnd',
      subtype: 'meeting',
      activities: ['on-the-phone'],
    });
  });

  it('Asterisk UNAVAILABLE (closed + "Unavailable") → unavailable; in use (closed + "On the phone") is not', () => {
    expect(read('asterisk-unavailable.xml').doc.presence).toEqual({ basic: 'closed', state: 'unavailable' });
    expect(read('asterisk-inuse.xml').doc.presence).toEqual({
      basic: 'closed',
      activities: ['on-the-phone'],
    });
  });

  it('Kamailio aggregate: any open tuple → open, activities merged, strongest state, person note by language', () => {
    expect(read('kamailio-aggregated.xml').doc.presence).toEqual({
      basic: 'open',
      state: 'xa',
      activities: ['on-the-phone', 'meeting', 'vacation'],
      note: 'In a meeting',
    });
    expect(read('kamailio-aggregated.xml', { langs: ['de'] }).doc.presence.note).toBe('Im Termin');
  });

  it('CPIM-PIDF with draft-style <activity>busy</activity> → dnd', () => {
    const result = parseCpimPidf(loadBody('pidf/cpim-pidf.xml'));
    expect(result).toMatchObject({
      ok: true,
      value: {
        entity: 'sip:2001@cucm.example.com',
        presence: { basic: 'open', state: 'dnd', activities: ['busy'], note: 'Do not disturb' },
      },
    });
  });

  it('derives dnd from busy over away, and uses <other> text as the last note fallback', () => {
    const body =
      '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:r="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:a@b">' +
      '<tuple id="t"><status><basic>open</basic></status></tuple>' +
      '<person><r:activities><r:away/><r:other>Dentist</r:other><r:busy/><r:unknown/></r:activities></person></presence>';
    const result = parsePidf(body);
    expect(result).toMatchObject({
      ok: true,
      value: { presence: { state: 'dnd', activities: ['away', 'other', 'busy'], note: 'Dentist' } },
    });
  });

  it('decodes references in attributes and text, keeping an unknown one literally', () => {
    const body =
      '<presence entity="sip:a&amp;b@x"><tuple id="digium-presence"><status>' +
      '<digium_presence type="away" subtype="at &amp; &#x41;home">m &lt;x&gt; &bogus;</digium_presence></status></tuple></presence>';
    expect(parsePidf(body)).toMatchObject({
      ok: true,
      value: {
        entity: 'sip:a&b@x',
        presence: { state: 'away', subtype: 'at & Ahome', note: 'm <x> &bogus;' },
      },
    });
  });

  it('warns on an unknown Digium type and an unknown basic, and on a missing entity', () => {
    const body =
      '<presence><tuple id="x"><status><basic>maybe</basic></status></tuple>' +
      '<tuple id="digium-presence"><status><digium_presence type="partying"/></status></tuple></presence>';
    const result = parsePidf(body);
    if (!result.ok) throw new Error(result.reason);
    expect(result.value).toEqual({ type: 'presence', entity: '', presence: {} });
    expect(result.warnings).toHaveLength(3);
  });

  it.each([
    ['', 'empty body'],
    ['<dialog-info/>', 'root element is <dialog-info>'],
    ['<presence><tuple></presence>', 'not XML'],
    ['<!DOCTYPE presence [<!ENTITY a "x">]><presence entity="&a;"/>', 'DOCTYPE not allowed'],
  ])('refuses %j', (body, reason) => {
    const result = parsePidf(body);
    expect(!result.ok && result.reason).toContain(reason);
  });
});
