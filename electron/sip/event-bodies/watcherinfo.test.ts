import { readFileSync, readdirSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { parseEventBody } from './index';
import type { WatcherInfoDocument } from './types';
import { applyWatcherInfo, parseWatcherInfo, type WatcherInfoState } from './watcherinfo';

const DIR = new URL('../../../test/fixtures/bodies/watcherinfo/', import.meta.url);
const fixture = (name: string): Uint8Array => readFileSync(new URL(name, DIR));

function parsed(name: string): { doc: WatcherInfoDocument; warnings: string[] } {
  const result = parseWatcherInfo(fixture(name));
  if (!result.ok) throw new Error(`${name}: ${result.reason}`);
  return { doc: result.value, warnings: result.warnings };
}

const ids = (state: WatcherInfoState | undefined): string[] =>
  (state?.lists ?? []).flatMap((l) => l.watchers.map((w) => `${w.id}=${w.status}`));

describe('parseWatcherInfo: RFC 3858 §5 example', () => {
  it('reads version, state, the list and both watchers with their attributes', () => {
    const { doc, warnings } = parsed('rfc3858-example.xml');
    expect(warnings).toEqual([]);
    expect(doc).toEqual({
      type: 'watcherinfo',
      version: 0,
      state: 'full',
      lists: [
        {
          resource: 'sip:professor@example.net',
          package: 'presence',
          watchers: [
            {
              id: '8ajksjda7s',
              uri: 'sip:userA@example.net',
              status: 'active',
              event: 'approved',
              durationSubscribed: 509,
            },
            {
              id: 'hh8juja87s997-ass7',
              uri: 'sip:userB@example.org',
              status: 'pending',
              event: 'subscribe',
              displayName: 'Mr. Subscriber',
            },
          ],
        },
      ],
    });
  });

  it('reads a prefixed partial document with expiration and decoded entities', () => {
    const { doc, warnings } = parsed('rfc3858-partial.xml');
    expect(warnings).toEqual([]);
    expect(doc).toMatchObject({ version: 1, state: 'partial' });
    expect(doc.lists[0]?.watchers).toEqual([
      {
        id: 'hh8juja87s997-ass7',
        uri: 'sip:userB@example.org',
        status: 'active',
        event: 'approved',
        displayName: 'Mr. Subscriber',
        durationSubscribed: 12,
        expiration: 3588,
      },
      { id: '8ajksjda7s', uri: 'sip:userA@example.net', status: 'terminated', event: 'timeout' },
      {
        id: 'q8x0-new',
        uri: 'sip:userC@example.com',
        status: 'waiting',
        event: 'subscribe',
        displayName: 'C & D \u2014 Sales',
      },
    ]);
  });
});

describe('parseWatcherInfo: Kamailio presence module', () => {
  it('reads Call-ID watcher ids and statuses without warnings', () => {
    const { doc, warnings } = parsed('kamailio-full.xml');
    expect(warnings).toEqual([]);
    expect(doc.version).toBe(3);
    expect(doc.lists).toHaveLength(1);
    expect(doc.lists[0]).toMatchObject({ resource: 'sip:201@127.0.0.1', package: 'presence' });
    expect(doc.lists[0]?.watchers.map((w) => [w.id, w.uri, w.status, w.event])).toEqual([
      ['5e3c0a17-4b2d-4f8e-9c61-2d7a90b1e4f3', 'sip:202@127.0.0.1', 'active', 'subscribe'],
      ['a84b4c76e66710@127.0.0.1', 'sip:203@127.0.0.1', 'pending', 'subscribe'],
    ]);
  });

  it('an empty watcher list is a valid full document', () => {
    const { doc } = parsed('kamailio-empty-list.xml');
    expect(doc.lists).toEqual([{ resource: 'sip:201@127.0.0.1', package: 'presence', watchers: [] }]);
  });
});

describe('parseWatcherInfo: bad input', () => {
  it('refuses malformed XML, a missing or invalid version, a foreign root, an empty body and DTD entities', () => {
    expect(parseWatcherInfo(fixture('malformed.xml'))).toMatchObject({ ok: false });
    expect(parseWatcherInfo(fixture('missing-version.xml'))).toEqual({
      ok: false,
      reason: 'watcherinfo: missing version attribute',
    });
    expect(parseWatcherInfo('<watcherinfo version="1.5" state="full"/>')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('invalid version'),
    });
    expect(parseWatcherInfo('<presence version="1"/>')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('expected <watcherinfo>'),
    });
    expect(parseWatcherInfo('  \r\n')).toEqual({ ok: false, reason: 'watcherinfo: empty body' });
    const dtd = parseWatcherInfo(fixture('doctype-entities.xml'));
    expect(dtd.ok).toBe(false);
    expect(!dtd.ok && dtd.reason).toContain('DOCTYPE');
  });

  it('keeps what it can from a sloppy document and says why for each oddity', () => {
    const { doc, warnings } = parsed('sloppy.xml');
    expect(doc.state).toBe('full');
    expect(doc.lists[0]).toMatchObject({ resource: '', package: '' });
    expect(doc.lists[0]?.watchers).toEqual([
      { id: 'sip:204@127.0.0.1', uri: 'sip:204@127.0.0.1', status: 'active', event: 'approved' },
      { id: 'y2', uri: 'sip:205@127.0.0.1', status: 'pending' },
    ]);
    const expected = [
      'unknown state "Weird"',
      'no resource attribute',
      'no package attribute',
      'no id attribute, using its URI',
      'invalid duration-subscribed "-3"',
      'unknown status "sleeping", read as pending',
      'unknown event "bogus"',
      'invalid expiration "soon"',
      'watcher #3 has no URI, dropped',
    ];
    for (const text of expected)
      expect(
        warnings.some((w) => w.includes(text)),
        text,
      ).toBe(true);
    expect(warnings).toHaveLength(expected.length);
  });
});

describe('parseEventBody dispatch', () => {
  it('routes application/watcherinfo+xml (any case, with parameters) to the watcherinfo parser', () => {
    const result = parseEventBody('Application/WatcherInfo+XML; charset=UTF-8', fixture('kamailio-full.xml'));
    expect(result).toMatchObject({ ok: true, value: { type: 'watcherinfo', version: 3 } });
  });

  it('a watcherinfo part inside a resource list is reported as a problem, not applied', () => {
    const body = [
      '--b',
      'Content-Type: application/rlmi+xml',
      'Content-ID: <root@x>',
      '',
      '<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:l@x" version="1" fullState="true">' +
        '<resource uri="sip:201@127.0.0.1"><instance id="i" state="active" cid="p1@x"/></resource></list>',
      '--b',
      'Content-Type: application/watcherinfo+xml',
      'Content-ID: <p1@x>',
      '',
      new TextDecoder().decode(fixture('kamailio-full.xml')),
      '--b--',
      '',
    ].join('\r\n');
    const result = parseEventBody(
      'multipart/related;type="application/rlmi+xml";start="<root@x>";boundary=b',
      body,
    );
    expect(result.ok).toBe(true);
    const resource =
      result.ok && result.value.type === 'resource-list' ? result.value.resources[0] : undefined;
    expect(resource?.body).toBeUndefined();
    expect(resource?.problem).toBe('watcherinfo is not a list member body');
  });
});

describe('applyWatcherInfo', () => {
  const full = parsed('rfc3858-example.xml').doc;
  const partial = parsed('rfc3858-partial.xml').doc;

  it('full state builds the table; the next partial approves, ends and adds watchers by id', () => {
    const first = applyWatcherInfo(undefined, full);
    expect(first).toMatchObject({ accepted: true, needFullState: false, ended: [] });
    expect(ids(first.state)).toEqual(['8ajksjda7s=active', 'hh8juja87s997-ass7=pending']);
    const second = applyWatcherInfo(first.state, partial);
    expect(second).toMatchObject({ accepted: true, needFullState: false });
    expect(ids(second.state)).toEqual(['hh8juja87s997-ass7=active', 'q8x0-new=waiting']);
    expect(second.ended.map((w) => [w.id, w.event])).toEqual([['8ajksjda7s', 'timeout']]);
    expect(second.state?.version).toBe(1);
  });

  it('does not mutate the previous table or the document', () => {
    const first = applyWatcherInfo(undefined, full);
    const snapshot = JSON.stringify(first.state);
    const docSnapshot = JSON.stringify(partial);
    applyWatcherInfo(first.state, partial);
    expect(JSON.stringify(first.state)).toBe(snapshot);
    expect(JSON.stringify(partial)).toBe(docSnapshot);
  });

  it('ignores stale and duplicate versions', () => {
    const first = applyWatcherInfo(undefined, partialOf(full, 5));
    const dup = applyWatcherInfo(first.state, partialOf(partial, 5));
    expect(dup).toMatchObject({ accepted: false, needFullState: false, ended: [] });
    expect(dup.state).toBe(first.state);
    const older = applyWatcherInfo(first.state, { ...full, version: 2 });
    expect(older.accepted).toBe(false);
  });

  it('flags a partial before any full state and a partial after a gap, but applies them', () => {
    const lone = applyWatcherInfo(undefined, partial);
    expect(lone.needFullState).toBe(true);
    expect(ids(lone.state)).toEqual(['hh8juja87s997-ass7=active', 'q8x0-new=waiting']);
    expect(lone.ended).toEqual([]);
    const first = applyWatcherInfo(undefined, full);
    const gap = applyWatcherInfo(first.state, { ...partial, version: 3 });
    expect(gap).toMatchObject({ accepted: true, needFullState: true });
    expect(gap.state?.version).toBe(3);
  });

  it('a full state replaces everything and reports who disappeared', () => {
    const first = applyWatcherInfo(undefined, full);
    const kamailio = parsed('kamailio-full.xml').doc;
    const next = applyWatcherInfo(first.state, kamailio);
    expect(next.needFullState).toBe(false);
    expect(next.state?.lists.map((l) => l.resource)).toEqual(['sip:201@127.0.0.1']);
    expect(next.ended.map((w) => w.id)).toEqual(['8ajksjda7s', 'hh8juja87s997-ass7']);
    const empty = applyWatcherInfo(next.state, { ...parsed('kamailio-empty-list.xml').doc, version: 9 });
    expect(ids(empty.state)).toEqual([]);
    expect(empty.ended).toHaveLength(2);
  });

  it('Kamailio full then partial: the pending watcher becomes active, the other stays', () => {
    const first = applyWatcherInfo(undefined, parsed('kamailio-full.xml').doc);
    const next = applyWatcherInfo(first.state, parsed('kamailio-partial.xml').doc);
    expect(next.needFullState).toBe(false);
    expect(ids(next.state)).toEqual([
      '5e3c0a17-4b2d-4f8e-9c61-2d7a90b1e4f3=active',
      'a84b4c76e66710@127.0.0.1=active',
    ]);
  });

  it('keeps lists of other resources or packages apart in partial state', () => {
    const first = applyWatcherInfo(undefined, full);
    const other: WatcherInfoDocument = {
      type: 'watcherinfo',
      version: 1,
      state: 'partial',
      lists: [
        {
          resource: 'sip:professor@example.net',
          package: 'dialog',
          watchers: [{ id: '8ajksjda7s', uri: 'sip:userZ@example.net', status: 'active' }],
        },
      ],
    };
    const next = applyWatcherInfo(first.state, other);
    expect(next.state?.lists.map((l) => `${l.package}:${l.watchers.length}`)).toEqual([
      'presence:2',
      'dialog:1',
    ]);
  });
});

function partialOf(doc: WatcherInfoDocument, version: number): WatcherInfoDocument {
  return { ...doc, version };
}

describe('never throws', () => {
  const files = readdirSync(DIR).filter((name) => name.endsWith('.xml'));

  it('refuses every truncation of every valid fixture', () => {
    for (const name of files) {
      const bytes = fixture(name);
      const whole = parseWatcherInfo(bytes);
      for (let cut = 1; cut < bytes.length; cut++) {
        const slice = bytes.subarray(0, cut);
        const onlyWhitespaceLost = new TextDecoder().decode(bytes.subarray(cut)).trim() === '';
        const result = parseWatcherInfo(slice);
        if (whole.ok && !onlyWhitespaceLost) expect(result.ok, `${name} cut at ${cut}`).toBe(false);
        expect(typeof result.ok).toBe('boolean');
      }
    }
  });

  it('returns a result for random bytes and random XML-ish text, and apply never throws on what it gets', () => {
    let seed = 4242;
    const next = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    const alphabet = '<>/="\' &;#x:!?-watcher-list id status event version state full partial 0123456789\n';
    let state: WatcherInfoState | undefined;
    for (let round = 0; round < 2000; round++) {
      const bytes = Uint8Array.from({ length: next() % 300 }, () => next() & 0xff);
      const chars = Array.from({ length: next() % 300 }, () => alphabet[next() % alphabet.length]).join('');
      for (const body of [bytes, chars, `<watcherinfo version="${round}" state="partial">${chars}`]) {
        const result = parseWatcherInfo(body);
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) expect(result.reason.length).toBeGreaterThan(0);
        else state = applyWatcherInfo(state, result.value).state;
      }
    }
  });
});
