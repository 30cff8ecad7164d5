import { describe, it, expect } from 'vitest';
import { loadNotify } from './testing/body-fixtures';
import { parseEventBody } from './index';
import { parseRlmi, peekResourceListState } from './rlmi';
import type { ResourceListDocument, RlmiResource } from './types';

function list(
  path: string,
  lineEnd: 'crlf' | 'lf' = 'crlf',
  contentType?: string,
): { doc: ResourceListDocument; warnings: string[] } {
  const fixture = loadNotify(`rlmi/${path}`, lineEnd);
  const result = parseEventBody(contentType ?? fixture.contentType, fixture.body);
  if (!result.ok) throw new Error(`${path}: ${result.reason}`);
  if (result.value.type !== 'resource-list') throw new Error(`${path}: parsed as ${result.value.type}`);
  return { doc: result.value, warnings: result.warnings };
}

const byUri = (doc: ResourceListDocument, uri: string): RlmiResource => {
  const found = doc.resources.find((r) => r.uri === uri);
  if (!found) throw new Error(`no resource ${uri}`);
  return found;
};

describe('resource lists (RFC 4662)', () => {
  it('RFC 4662 full state: list names, bodies by cid, pending without body, nested list reported', () => {
    const { doc, warnings } = list('rfc4662-full.txt');
    expect(doc).toMatchObject({
      type: 'resource-list',
      uri: 'sip:adam-friends@pres.vancouver.example.com',
      version: 1,
      fullState: true,
      names: [
        { lang: 'en', text: 'Buddy List at COM' },
        { lang: 'de', text: 'Liste der Freunde an COM' },
      ],
    });
    expect(doc.resources.map((r) => r.uri)).toEqual([
      'sip:bob@vancouver.example.com',
      'sip:dave@vancouver.example.com',
      'sip:ed@dallas.example.net',
      'sip:adam-friends@stockholm.example.org',
    ]);
    expect(byUri(doc, 'sip:bob@vancouver.example.com')).toEqual({
      uri: 'sip:bob@vancouver.example.com',
      names: [{ text: 'Bob Smith' }],
      state: 'active',
      body: { type: 'presence', entity: 'sip:bob@vancouver.example.com', presence: { basic: 'open' } },
    });
    expect(byUri(doc, 'sip:dave@vancouver.example.com').body).toMatchObject({
      presence: { basic: 'closed' },
    });
    expect(byUri(doc, 'sip:ed@dallas.example.net')).toEqual({
      uri: 'sip:ed@dallas.example.net',
      names: [{ text: 'Ed at NET' }],
      state: 'pending',
    });
    const nested = byUri(doc, 'sip:adam-friends@stockholm.example.org');
    expect(nested).toMatchObject({
      state: 'active',
      names: [
        { lang: 'en', text: 'My Friends at ORG' },
        { lang: 'de', text: 'Meine Freunde an ORG' },
      ],
      problem: 'nested resource list not supported',
    });
    expect(nested.body).toBeUndefined();
    expect(warnings.some((w) => w.includes('adam-friends@stockholm') && w.includes('nested'))).toBe(true);
  });

  it('RFC 4662 partial state: version 2, terminated instance with reason', () => {
    const { doc } = list('rfc4662-partial.txt');
    expect(doc).toMatchObject({ version: 2, fullState: false });
    expect(byUri(doc, 'sip:bob@vancouver.example.com').body).toMatchObject({ presence: { basic: 'closed' } });
    expect(byUri(doc, 'sip:ed@dallas.example.net')).toMatchObject({
      state: 'terminated',
      reason: 'rejected',
    });
  });

  it('seed 003 snom NOTIFY: recovers unquoted kActive states, matches Content-ID-less parts by entity, reports the missing part', () => {
    const { doc, warnings } = list('seed003-snom.txt');
    expect(doc).toMatchObject({ uri: 'sip:adam-friends@stockholm.example.org', version: 1, fullState: true });
    expect(doc.resources.map((r) => [r.uri, r.state])).toEqual([
      ['sip:joe@stockholm.example.org', 'active'],
      ['sip:106@10.10.12.60', 'active'],
      ['sip:101@10.10.12.60', 'active'],
    ]);
    expect(byUri(doc, 'sip:joe@stockholm.example.org').body).toMatchObject({ presence: { basic: 'open' } });
    expect(byUri(doc, 'sip:101@10.10.12.60')).toMatchObject({
      names: [{ text: 'Marie Edwards' }],
      body: { presence: { basic: 'closed' } },
    });
    const mark = byUri(doc, 'sip:106@10.10.12.60');
    expect(mark.body).toBeUndefined();
    expect(mark.problem).toBe('no body part with Content-ID <mark@stockholm.example.org>');
    expect(
      warnings.filter((w) => w.includes('unquoted attribute value state=StrUtils::kActive')),
    ).toHaveLength(3);
    expect(warnings.filter((w) => w.includes('matched by entity'))).toHaveLength(2);
  });

  it('seed 003 with bare LF line ends parses the same', () => {
    const crlf = list('seed003-snom.txt').doc;
    expect(list('seed003-snom.txt', 'lf').doc).toEqual(crlf);
  });

  it('Kamailio rls: resources without instance have no state, a dialog-info part applies', () => {
    const { doc } = list('kamailio-rls-dialog.txt');
    expect(doc).toMatchObject({ uri: 'sip:panel@127.0.0.1', version: 0, fullState: true });
    expect(byUri(doc, 'sip:101@127.0.0.1')).toMatchObject({
      names: [{ text: 'Reception 101' }],
      state: 'active',
      body: {
        type: 'dialog-info',
        version: 3,
        dialogs: [{ state: 'early', direction: 'recipient', callId: 'a84b4c76e66710@127.0.0.1' }],
      },
    });
    expect(byUri(doc, 'sip:102@127.0.0.1')).toEqual({
      uri: 'sip:102@127.0.0.1',
      names: [{ text: 'Office 102' }],
    });
    expect(byUri(doc, 'sip:103@127.0.0.1')).toEqual({
      uri: 'sip:103@127.0.0.1',
      names: [{ text: 'Office 103' }],
      state: 'pending',
    });
  });

  it('a malformed part, a missing part and a bad instance are reported; every other resource applies', () => {
    const { doc, warnings } = list('malformed-part.txt');
    expect(doc.resources).toHaveLength(5);
    expect(byUri(doc, 'sip:201@pbx').body).toMatchObject({
      type: 'dialog-info',
      dialogs: [{ state: 'confirmed' }],
    });
    expect(byUri(doc, 'sip:202@pbx')).toMatchObject({
      state: 'active',
      problem: expect.stringContaining('not XML'),
    });
    expect(byUri(doc, 'sip:202@pbx').body).toBeUndefined();
    expect(byUri(doc, 'sip:203@pbx').problem).toBe('no body part with Content-ID <p203@pbx>');
    expect(byUri(doc, 'sip:204@pbx')).toEqual({
      uri: 'sip:204@pbx',
      names: [{ text: 'Dan' }],
      problem: 'instance state "sleepy" unknown',
    });
    // Content-ID matched case-insensitively as a fallback.
    expect(byUri(doc, 'sip:205@pbx').body).toMatchObject({ type: 'dialog-info', version: 5 });
    expect(warnings.filter((w) => /sip:20[234]@pbx/.test(w))).toHaveLength(3);
  });

  const full = loadNotify('rlmi/rfc4662-full.txt');
  it.each([
    [
      'boundary first, unquoted',
      'multipart/related;boundary=50UBfW7LSCVLtggUPe5z;type="application/rlmi+xml"',
    ],
    [
      'boundary in the middle',
      'multipart/related; type="application/rlmi+xml"; boundary="50UBfW7LSCVLtggUPe5z"; start="<nXYxAE@pres.vancouver.example.com>"',
    ],
    [
      'upper-case names and spaces',
      'Multipart/Related ; START = "<nXYxAE@pres.vancouver.example.com>" ; TYPE="Application/RLMI+XML" ; BOUNDARY = 50UBfW7LSCVLtggUPe5z',
    ],
    ['no start: first part is the root', 'multipart/related;;boundary="50UBfW7LSCVLtggUPe5z"'],
  ])('finds the boundary: %s', (_label, contentType) => {
    const { doc } = list('rfc4662-full.txt', 'crlf', contentType);
    expect(doc.resources).toHaveLength(4);
    expect(byUri(doc, 'sip:bob@vancouver.example.com').body).toMatchObject({ presence: { basic: 'open' } });
  });

  it.each([
    ['no boundary', 'multipart/related;type="application/rlmi+xml"', 'no boundary'],
    ['wrong boundary', 'multipart/related;boundary=nope', 'boundary delimiter not found'],
    [
      'not a resource list',
      'multipart/related;type="application/sdp";boundary=50UBfW7LSCVLtggUPe5z',
      'not a resource list',
    ],
  ])('refuses %s', (_label, contentType, reason) => {
    const result = parseEventBody(contentType, full.body);
    expect(!result.ok && result.reason).toContain(reason);
  });

  it('refuses a list whose root is not RLMI or lacks version/fullState', () => {
    const bad = (xml: string): string =>
      `--b\r\nContent-Type: application/rlmi+xml\r\n\r\n${xml}\r\n--b--\r\n`;
    const parse = (xml: string) => parseEventBody('multipart/related;boundary=b', bad(xml));
    expect(parse('<list uri="sip:l@x" fullState="true"/>')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('version'),
    });
    expect(parse('<list uri="sip:l@x" version="1"/>')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('fullState'),
    });
    expect(parse('<list uri="sip:l@x" version="1" fullState="true"><resource uri="a">')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not closed'),
    });
    const pidfRoot = parseEventBody(
      'multipart/related;boundary=b',
      '--b\r\nContent-Type: application/pidf+xml\r\n\r\n<presence/>\r\n--b--',
    );
    expect(pidfRoot).toMatchObject({
      ok: false,
      reason: expect.stringContaining('root part is application/pidf+xml'),
    });
  });

  it('uses the first active instance of a resource with several', () => {
    const result = parseRlmi(
      '<list uri="sip:l@x" version="1" fullState="true"><resource uri="sip:a@x">' +
        '<instance id="1" state="pending"/><instance id="2" state="active" cid="c2"/><instance id="3" state="active"/>' +
        '</resource><resource uri="sip:b@x"><instance id="4" state="terminated" reason="noresource"/></resource></list>',
    );
    expect(result).toMatchObject({
      ok: true,
      value: {
        resources: [
          { uri: 'sip:a@x', state: 'active' },
          { uri: 'sip:b@x', state: 'terminated', reason: 'noresource' },
        ],
      },
    });
  });

  it('keeps the first of repeated resources, skips resources without uri, warns on a nested <list>', () => {
    const result = parseRlmi(
      '<list uri="sip:l@x" version="3" fullState="false"><resource uri="sip:a@x"><name>A</name></resource>' +
        '<resource uri="sip:a@x"><name>A2</name></resource><resource><name>none</name></resource><list/></list>',
    );
    if (!result.ok) throw new Error(result.reason);
    expect(result.value.resources).toEqual([{ uri: 'sip:a@x', names: [{ text: 'A' }] }]);
    expect(result.warnings).toHaveLength(3);
  });
});

describe('peekResourceListState', () => {
  const enc = (text: string): Uint8Array => new TextEncoder().encode(text);

  it('agrees with the full parse on the list fixtures', () => {
    for (const name of ['rfc4662-full.txt', 'rfc4662-partial.txt', 'kamailio-rls-dialog.txt']) {
      const { doc } = list(name);
      const fixture = loadNotify(`rlmi/${name}`, 'crlf');
      expect(peekResourceListState(enc(fixture.body)), name).toEqual({
        state: doc.fullState ? 'full' : 'partial',
        version: doc.version,
      });
    }
  });

  it('reads 1/0 as full/partial and leaves out what it cannot find', () => {
    expect(peekResourceListState(enc('<list uri="sip:a@b" version="7" fullState="1">'))).toEqual({ state: 'full', version: 7 });
    expect(peekResourceListState(enc("<list version='3' fullState='0'>"))).toEqual({ state: 'partial', version: 3 });
    expect(peekResourceListState(enc('<list uri="sip:a@b">'))).toEqual({});
    expect(peekResourceListState(new Uint8Array())).toEqual({});
  });

  it('looks only at the head of the body', () => {
    expect(peekResourceListState(enc(`${' '.repeat(4096)}<list version="1" fullState="true">`))).toEqual({});
  });
});
