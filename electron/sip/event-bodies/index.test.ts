import { readdirSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { benchRlmi, buildRlmiBody } from '../../../bench/rlmi-parse';
import { loadBody, loadNotify } from './testing/body-fixtures';
import { ACCEPT_BY_EVENT, parseEventBody } from './index';

const FIXTURES = new URL('../../../test/fixtures/bodies/', import.meta.url);

describe('parseEventBody', () => {
  it.each([
    ['application/pidf+xml', 'pidf/seed003-snom-publish-lunch.xml', 'presence'],
    ['Application/PIDF+XML; charset="UTF-8"', 'pidf/rfc4480-example.xml', 'presence'],
    ['application/cpim-pidf+xml', 'xpidf/asterisk-inuse.xml', 'presence'],
    ['application/xpidf+xml', 'xpidf/asterisk-open.xml', 'presence'],
    ['application/dialog-info+xml;charset=UTF-8', 'dialog-info/asterisk-ringing.xml', 'dialog-info'],
    ['application/simple-message-summary', 'mwi/rfc3842-summary.txt', 'message-summary'],
  ])('dispatches %s', (contentType, fixture, type) => {
    const result = parseEventBody(contentType, new TextEncoder().encode(loadBody(fixture)));
    expect(result).toMatchObject({ ok: true, value: { type } });
  });

  it('passes the note language preference through, also into list parts', () => {
    const body = loadBody('pidf/kamailio-aggregated.xml');
    expect(parseEventBody('application/pidf+xml', body, { langs: ['de'] })).toMatchObject({
      value: { presence: { note: 'Im Termin' } },
    });
    const list =
      '--b\r\nContent-Type: application/rlmi+xml\r\n\r\n<list uri="sip:l@x" version="1" fullState="true">' +
      '<resource uri="sip:101@127.0.0.1"><instance id="1" state="active" cid="p"/></resource></list>\r\n' +
      `--b\r\nContent-ID: <p>\r\nContent-Type: application/pidf+xml\r\n\r\n${body}\r\n--b--\r\n`;
    const result = parseEventBody('multipart/related;boundary=b', list, { langs: ['de'] });
    expect(result).toMatchObject({
      ok: true,
      value: { resources: [{ body: { presence: { note: 'Im Termin' } } }] },
    });
  });

  it('reads a bare application/rlmi+xml as a list without bodies', () => {
    const result = parseEventBody(
      'application/rlmi+xml',
      '<list uri="sip:l@x" version="4" fullState="false"><resource uri="sip:a@x"/></list>',
    );
    expect(result).toEqual({
      ok: true,
      warnings: [],
      value: {
        type: 'resource-list',
        uri: 'sip:l@x',
        version: 4,
        fullState: false,
        names: [],
        resources: [{ uri: 'sip:a@x', names: [] }],
      },
    });
  });

  it.each([
    ['', '<presence/>', 'no Content-Type'],
    ['application/sdp', 'v=0', 'unsupported Content-Type "application/sdp"'],
    ['application/pidf+xml', '', 'empty body'],
  ])('refuses %j', (contentType, body, reason) => {
    const result = parseEventBody(contentType, body);
    expect(!result.ok && result.reason).toContain(reason);
  });

  it('holds its invariants on truncated, mutated and random bodies of every list and presence type', () => {
    let seed = 4242;
    const next = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    const types = [
      'application/pidf+xml',
      'application/xpidf+xml',
      'application/rlmi+xml',
      'multipart/related;boundary=b',
    ];
    const PRESENCE_STATES = ['available', 'away', 'xa', 'chat', 'dnd', 'unavailable', 'not_set', undefined];
    const INSTANCE_STATES = ['active', 'pending', 'terminated', undefined];
    const isVersion = (v: number): boolean => Number.isSafeInteger(v) && v >= 0;
    let accepted = 0;
    /** What any answer must satisfy, whatever the input: pure, total, and only values the callers know how to apply. */
    const check = (contentType: string, body: Uint8Array | string): void => {
      const result = parseEventBody(contentType, body);
      expect(parseEventBody(contentType, body)).toEqual(result);
      if (typeof body === 'string') expect(parseEventBody(contentType, new TextEncoder().encode(body))).toEqual(result);
      if (!result.ok) {
        expect(result.reason.trim().length).toBeGreaterThan(0);
        return;
      }
      accepted++;
      const doc = result.value;
      const essence = contentType.split(';')[0]!;
      // The document type follows the Content-Type: a list is never taken for a presence or the reverse.
      if (essence === 'multipart/related' || essence === 'application/rlmi+xml') expect(doc.type).toBe('resource-list');
      else expect(doc.type).toBe('presence');
      if (doc.type === 'presence') {
        expect(['open', 'closed', undefined]).toContain(doc.presence.basic);
        expect(PRESENCE_STATES).toContain(doc.presence.state);
      }
      if (doc.type !== 'resource-list') return;
      expect(isVersion(doc.version)).toBe(true);
      expect(typeof doc.fullState).toBe('boolean');
      for (const r of doc.resources) {
        expect(INSTANCE_STATES).toContain(r.state);
        expect(['dialog-info', 'presence', 'message-summary', undefined]).toContain(r.body?.type);
        // A part that failed is named as a problem, never applied half-read.
        if (r.problem !== undefined) expect(r.body).toBeUndefined();
        // -1 is the empty part (idle, no ordering) and only that: no dialogs, full state.
        if (r.body?.type === 'dialog-info')
          expect(isVersion(r.body.version) || (r.body.version === -1 && r.body.dialogs.length === 0 && r.body.state === 'full')).toBe(true);
        if (r.body?.type === 'presence') expect(PRESENCE_STATES).toContain(r.body.presence.state);
      }
    };
    const tokens = ['', 'active', 'pending', 'terminated', 'true', 'false', '-1', '007', '1e3', ' 4 ', 'open', 'closed', 'busy', 'b', '--b'];
    /** One attribute value or text node swapped for a token: keeps most bodies parseable, so the ok side is exercised. */
    const swap = (text: string): string => {
      const values = [...text.matchAll(/"([^"<>\r\n]*)"|>([^<>]*)</g)];
      const m = values[next() % values.length];
      if (!m) return text;
      const inner = m[1] ?? m[2] ?? '';
      return text.slice(0, m.index + 1) + tokens[next() % tokens.length] + text.slice(m.index + 1 + inner.length);
    };
    for (const name of readdirSync(new URL('rlmi/', FIXTURES)).filter((n) => n.endsWith('.txt'))) {
      const { contentType, body } = loadNotify(`rlmi/${name}`);
      for (let cut = 0; cut < body.length; cut += 11) check(contentType, body.slice(0, cut));
      for (let round = 0; round < 60; round++) check(contentType, swap(swap(body)));
      // The list's own ordering fields get every token, not left to chance.
      for (const token of tokens)
        for (const attr of ['version', 'fullState']) check(contentType, body.replace(new RegExp(`(<list\\b[^>]*\\b${attr}=")[^"]*`), `$1${token}`));
    }
    for (const kind of ['pidf', 'xpidf']) {
      for (const name of readdirSync(new URL(`${kind}/`, FIXTURES))) {
        const body = loadBody(`${kind}/${name}`);
        for (let cut = 0; cut < body.length; cut += 5) check(`application/${kind}+xml`, body.slice(0, cut));
        for (let round = 0; round < 30; round++) check(`application/${kind}+xml`, swap(body));
      }
    }
    const alphabet = '<>/="\' &;#x:!?[]-presence tuple status basic open list resource instance --b\r\n';
    for (let round = 0; round < 800; round++) {
      const type = types[next() % types.length] ?? '';
      check(
        type,
        Uint8Array.from({ length: next() % 300 }, () => next() & 0xff),
      );
      check(type, Array.from({ length: next() % 300 }, () => alphabet[next() % alphabet.length]).join(''));
    }
    // The invariants only mean something if many answers were documents.
    expect(accepted).toBeGreaterThan(300);
  }, 30_000);

  it('refuses a truncated presence document instead of reading half of it', () => {
    const body = loadBody('pidf/kamailio-aggregated.xml');
    const cut = body.indexOf('</presence>');
    expect(parseEventBody('application/pidf+xml', body.slice(0, cut)).ok).toBe(false);
  });
});

describe('ACCEPT_BY_EVENT', () => {
  it('lists PIDF first for presence and the list types for every package', () => {
    expect(ACCEPT_BY_EVENT.presence[0]).toBe('application/pidf+xml');
    expect(ACCEPT_BY_EVENT.dialog[0]).toBe('application/dialog-info+xml');
    expect(ACCEPT_BY_EVENT['message-summary'][0]).toBe('application/simple-message-summary');
    expect(ACCEPT_BY_EVENT['presence.winfo']).toEqual(['application/watcherinfo+xml']);
    // Watcher information and registration state are subscribed per resource, never as a list.
    expect(ACCEPT_BY_EVENT.reg).toEqual(['application/reginfo+xml']);
    for (const [event, types] of Object.entries(ACCEPT_BY_EVENT)) {
      if (event === 'presence.winfo' || event === 'reg') continue;
      expect(types).toContain('multipart/related');
      expect(types).toContain('application/rlmi+xml');
    }
  });

  it('every advertised type is one the dispatcher parses', () => {
    for (const type of Object.values(ACCEPT_BY_EVENT).flat()) {
      const result = parseEventBody(type, '<x/>');
      expect(!result.ok && result.reason).not.toContain('unsupported Content-Type');
    }
  });
});

describe('benchRlmi', () => {
  it('builds a list whose every resource gets its dialog-info body, and times it', () => {
    const { contentType, body } = buildRlmiBody(50);
    const result = parseEventBody(contentType, body);
    expect(result).toMatchObject({ ok: true, value: { fullState: true } });
    expect(
      result.ok &&
        result.value.type === 'resource-list' &&
        result.value.resources.filter((r) => r.body?.type === 'dialog-info'),
    ).toHaveLength(50);
    const { parseMs } = benchRlmi(50);
    expect(parseMs).toBeGreaterThan(0);
  });
});
