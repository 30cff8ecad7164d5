import { describe, it, expect } from 'vitest';
import type { PresenceInfo, PresenceState } from '../../../shared/tiles';
import { loadBody } from './testing/body-fixtures';
import { parsePresenceBody } from './pidf';
import { buildOwnPidf, PidfBuildError, publishedPresenceInfo, type OwnPresence } from './pidf-build';
import { childNamed, childrenNamed, scanXml, type XmlElement } from './xml-scan';

const ENTITY = 'pres:200@test.local';

function readBack(body: string): PresenceInfo {
  const result = parsePresenceBody(body);
  if (!result.ok) throw new Error(result.reason);
  expect(result.warnings).toEqual([]);
  expect(result.value.entity).toBe(ENTITY);
  return result.value.presence;
}

function root(body: string): XmlElement {
  const tree = scanXml(body);
  if (!tree.ok) throw new Error(tree.reason);
  return tree.root;
}

describe('buildOwnPidf: every state reads back through parsePresenceBody', () => {
  const table: Array<[PresenceState, PresenceInfo]> = [
    ['available', { basic: 'open', state: 'available' }],
    ['away', { basic: 'open', state: 'away', activities: ['away'] }],
    ['xa', { basic: 'open', state: 'xa', activities: ['away'] }],
    ['chat', { basic: 'open', state: 'chat' }],
    ['dnd', { basic: 'open', state: 'dnd', activities: ['busy'] }],
    ['unavailable', { basic: 'closed', state: 'unavailable' }],
    ['not_set', { basic: 'open', state: 'not_set' }],
  ];
  it.each(table)('%s without label or note', (state, expected) => {
    const presence: OwnPresence = { entity: ENTITY, state };
    expect(readBack(buildOwnPidf(presence))).toEqual(expected);
    expect(publishedPresenceInfo(presence)).toEqual(expected);
  });

  it.each(table)('%s with label "Lunch", a note and on-the-phone', (state, plain) => {
    const presence: OwnPresence = { entity: ENTITY, state, label: 'Lunch', note: 'Back at 2', activities: ['on-the-phone'] };
    const expected = { ...plain, subtype: 'Lunch', note: 'Back at 2', activities: [...(plain.activities ?? []), 'on-the-phone'] };
    expect(readBack(buildOwnPidf(presence))).toEqual(expected);
    expect(publishedPresenceInfo(presence)).toEqual(expected);
  });

  it('a label alone is also the note (the tuple note), as snom watchers show it', () => {
    const presence: OwnPresence = { entity: ENTITY, state: 'away', label: 'Lunch' };
    expect(readBack(buildOwnPidf(presence))).toEqual({ basic: 'open', state: 'away', subtype: 'Lunch', note: 'Lunch', activities: ['away'] });
  });

  it('trims label and note; blank ones are absent', () => {
    const body = buildOwnPidf({ entity: ENTITY, state: 'available', label: '  ', note: '\n Out \n' });
    expect(readBack(body)).toEqual({ basic: 'open', state: 'available', note: 'Out' });
    expect(body).not.toContain('subtype=');
  });

  it('deduplicates activities and drops unknown; a state activity given twice appears once', () => {
    const presence: OwnPresence = { entity: ENTITY, state: 'dnd', activities: ['busy', 'unknown', 'meeting', 'meeting'] };
    expect(readBack(buildOwnPidf(presence)).activities).toEqual(['busy', 'meeting']);
  });
});

describe('buildOwnPidf: document shape', () => {
  it('has the seed 003 shape: open, <im:im>Lunch</im:im> in the status, <note>Lunch</note> in the tuple', () => {
    const body = buildOwnPidf({ entity: 'pres:431@192.168.10.59', state: 'away', label: 'Lunch', tupleId: 'snom320-0004132495C2', contact: 'sip:431@192.168.10.59' });
    const doc = root(body);
    expect(doc.attrs['entity']).toBe('pres:431@192.168.10.59');
    const [main, digium, ...rest] = childrenNamed(doc, 'tuple');
    expect(rest).toEqual([]);
    expect(main!.attrs['id']).toBe('snom320-0004132495C2');
    const status = childNamed(main, 'status');
    expect(childNamed(status, 'basic')!.text).toBe('open');
    expect(childNamed(status, 'im')!.text).toBe('Lunch');
    expect(childNamed(main, 'note')).toMatchObject({ text: 'Lunch', attrs: { lang: 'en' } });
    expect(childNamed(main, 'contact')).toMatchObject({ text: 'sip:431@192.168.10.59', attrs: { priority: '1.00' } });
    expect(digium!.attrs['id']).toBe('digium-presence');
    expect(childNamed(childNamed(digium, 'status'), 'digium_presence')!.attrs).toMatchObject({ type: 'away', subtype: 'Lunch' });
    // Namespaces a PIDF/RPID reader resolves the prefixes with (RFC 3863 §4.1, RFC 4479 §4, RFC 4480 §6).
    expect(body).toContain('xmlns="urn:ietf:params:xml:ns:pidf"');
    expect(body).toContain('xmlns:im="urn:ietf:params:xml:ns:pidf:im"');
    expect(body).toContain('xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"');
    expect(body).toContain('xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid"');
  });

  it('puts RPID activities in a data-model person, none without activities', () => {
    const person = childNamed(root(buildOwnPidf({ entity: ENTITY, state: 'xa', activities: ['on-the-phone'] })), 'person');
    expect(person!.attrs['id']).toBeTruthy();
    expect(childNamed(person, 'activities')!.children.map((c) => c.name)).toEqual(['away', 'on-the-phone']);
    expect(childNamed(root(buildOwnPidf({ entity: ENTITY, state: 'available' })), 'person')).toBeUndefined();
  });

  it('writes the documented layout byte for byte (fixture)', () => {
    const body = buildOwnPidf({
      entity: ENTITY,
      state: 'away',
      label: 'Lunch',
      note: 'back at 2 & in room "B"',
      activities: ['on-the-phone'],
      tupleId: 'console-1',
      contact: 'sip:200@test.local',
    });
    expect(body).toBe(loadBody('pidf-build/away-lunch-on-the-phone.xml'));
  });
});

describe('buildOwnPidf: escaping', () => {
  it('escapes markup in label, note, entity and contact, and reads them back unchanged', () => {
    const label = `<b>"R&D"</b> 'lunch'`;
    const note = 'a < b && c > d ]]> <!-- x --> é ✓';
    const entity = `pres:o'brien&co@test.local`;
    const body = buildOwnPidf({ entity, state: 'dnd', label, note, contact: 'sip:a@b;x="<y>"' });
    expect(body).not.toContain('<b>');
    expect(body).not.toContain(']]>');
    const result = parsePresenceBody(body);
    if (!result.ok) throw new Error(result.reason);
    expect(result.value.entity).toBe(entity);
    expect(result.value.presence).toMatchObject({ subtype: label, note });
    const main = childrenNamed(root(body), 'tuple')[0];
    expect(childNamed(main, 'note')!.text).toBe(`${label}: ${note}`);
    expect(childNamed(main, 'contact')!.text).toBe('sip:a@b;x="<y>"');
  });

  it('keeps line breaks inside the subtype attribute and the message', () => {
    const presence: OwnPresence = { entity: ENTITY, state: 'away', label: 'Out\nof office', note: 'line 1\nline 2' };
    expect(readBack(buildOwnPidf(presence))).toMatchObject({ subtype: 'Out\nof office', note: 'line 1\nline 2' });
  });

  it('refuses what cannot be written as PIDF', () => {
    const build = (p: Partial<OwnPresence>): (() => string) => () => buildOwnPidf({ entity: ENTITY, state: 'available', ...p });
    expect(build({ entity: 'mailto:x@y' })).toThrow(PidfBuildError);
    expect(build({ entity: 'sip:a b@c' })).toThrow(expect.objectContaining({ code: 'invalid-entity' }) as Error);
    expect(build({ activities: ['on the phone'] })).toThrow(expect.objectContaining({ code: 'invalid-activity' }) as Error);
    expect(build({ activities: ['x"/><evil'] })).toThrow(PidfBuildError);
    expect(build({ tupleId: 'digium-presence' })).toThrow(expect.objectContaining({ code: 'invalid-tuple-id' }) as Error);
    expect(build({ tupleId: '1abc' })).toThrow(PidfBuildError);
  });
});
