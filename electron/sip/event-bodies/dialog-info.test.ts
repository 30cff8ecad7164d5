import { readFileSync, readdirSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { benchDialogInfo } from '../../../bench/dialog-info-parse';
import { parseDialogInfo, peekDialogInfoState } from './dialog-info';
import type { DialogInfoDialog, DialogInfoDocument } from './types';

const DIR = new URL('../../../test/fixtures/bodies/dialog-info/', import.meta.url);
const fixture = (name: string): Uint8Array => readFileSync(new URL(name, DIR));

function parsed(name: string): { doc: DialogInfoDocument; warnings: string[] } {
  const result = parseDialogInfo(fixture(name));
  if (!result.ok) throw new Error(`${name}: ${result.reason}`);
  return { doc: result.value, warnings: result.warnings };
}

function only(name: string): DialogInfoDialog {
  const { doc } = parsed(name);
  expect(doc.dialogs).toHaveLength(1);
  return doc.dialogs[0] as DialogInfoDialog;
}

describe('parseDialogInfo: RFC 4235 §5 examples', () => {
  it('reads the minimal trying dialog with its identifiers', () => {
    const { doc, warnings } = parsed('rfc4235-minimal.xml');
    expect(warnings).toEqual([]);
    expect(doc).toMatchObject({
      type: 'dialog-info',
      entity: 'sip:alice@example.com',
      version: 0,
      state: 'full',
    });
    expect(doc.dialogs).toEqual([
      {
        id: 'as7d900as8',
        callId: 'a84b4c76e66710',
        localTag: '1928301774',
        direction: 'initiator',
        state: 'trying',
        held: false,
      },
    ]);
  });

  it('reads both participants, display names, targets and rendering', () => {
    const dialog = only('rfc4235-full.xml');
    expect(dialog).toEqual({
      id: 'as7d900as8',
      callId: 'a84b4c76e66710',
      localTag: '1928301774',
      remoteTag: '456887766',
      direction: 'initiator',
      state: 'confirmed',
      held: false,
      remoteTarget: 'sip:bobster@phone21.example.org',
      local: {
        identity: 'sip:alice@example.com',
        displayName: 'Alice',
        target: 'sip:alice@pc33.example.com',
        rendering: 'yes',
      },
      remote: {
        identity: 'sip:bob@example.org',
        displayName: 'Bob',
        target: 'sip:bobster@phone21.example.org',
      },
    });
  });

  it('reads a prefixed document, partial state, state event/code and decodes builtin and numeric entities', () => {
    const { doc } = parsed('rfc4235-prefixed.xml');
    expect(doc).toMatchObject({ version: 7, state: 'partial', entity: 'sip:alice@example.com' });
    expect(doc.dialogs[0]).toMatchObject({
      state: 'terminated',
      event: 'rejected',
      code: 486,
      direction: 'recipient',
    });
    expect(doc.dialogs[0]?.local?.displayName).toBe('Alice & Co \u2014 Reception');
  });
});

describe('parseDialogInfo: Asterisk PJSIP', () => {
  it('RINGING is early/recipient with the caller in <remote>', () => {
    const dialog = only('asterisk-ringing.xml');
    expect(dialog).toMatchObject({ id: '101', state: 'early', direction: 'recipient', held: false });
    expect(dialog.callId).toBeUndefined();
    expect(dialog.remote).toEqual({
      identity: 'sip:102@pbx.example.com',
      displayName: 'Bob Jones',
      target: 'sip:102@pbx.example.com',
    });
  });

  it('INUSE is confirmed (busy), ONHOLD is confirmed with local rendering=no (hold), NOT_INUSE is terminated (idle)', () => {
    const inuse = only('asterisk-inuse.xml');
    const onhold = only('asterisk-onhold.xml');
    const idle = only('asterisk-idle.xml');
    expect(inuse).toEqual({ id: '101', state: 'confirmed', held: false });
    expect(onhold).toMatchObject({ id: '101', state: 'confirmed', held: true, local: { rendering: 'no' } });
    expect(idle).toEqual({ id: '101', state: 'terminated', held: false });
  });
});

describe('parseDialogInfo: Kamailio pua_dialoginfo', () => {
  it('accepts capital Trying and keeps call-id and tags for pickup', () => {
    const { warnings } = parsed('kamailio-trying.xml');
    expect(warnings).toEqual([]);
    const dialog = only('kamailio-trying.xml');
    expect(dialog).toMatchObject({
      state: 'trying',
      direction: 'initiator',
      callId: '8f2c1e40-5d7b-4c1a-9b0e-3a61d2f4c7aa',
      localTag: 'as5f1c2b7e',
      local: { identity: 'sip:102@127.0.0.1', displayName: 'Reception 102', target: 'sip:102@127.0.0.1' },
      remote: { identity: 'sip:101@127.0.0.1', target: 'sip:101@127.0.0.1' },
    });
    expect(dialog.remoteTag).toBeUndefined();
  });

  it('reads the callee side of a confirmed call', () => {
    const dialog = only('kamailio-confirmed.xml');
    expect(dialog).toMatchObject({
      state: 'confirmed',
      localTag: '3377641',
      remoteTag: 'as5f1c2b7e',
      remoteTarget: 'sip:102@127.0.0.1:5080',
    });
  });

  it('keeps every dialog of a lingering terminated + confirmed pair', () => {
    const { doc } = parsed('kamailio-lingering.xml');
    expect(doc.dialogs.map((d) => [d.id, d.state])).toEqual([
      ['1b7d9e02-call-a', 'terminated'],
      ['c44f0a9e-call-b', 'confirmed'],
    ]);
  });
});

describe('parseDialogInfo: FreeSWITCH', () => {
  it('ringing: channel UUID as id, **ext pickup target, anonymous caller', () => {
    const dialog = only('freeswitch-ringing.xml');
    expect(dialog).toMatchObject({
      id: '5d2f7a1c-8e3b-4b6a-a0f9-2c7e91d4b830',
      state: 'early',
      held: false,
      remoteTarget: 'sip:**101@pbx.example.com',
      remote: { identity: 'sip:anonymous@anonymous.invalid', displayName: 'Anonymous' },
    });
  });

  it('a held call reported as early with local rendering=no is hold, not ringing', () => {
    const dialog = only('freeswitch-held.xml');
    expect(dialog).toMatchObject({ state: 'early', held: true });
  });
});

describe('parseDialogInfo: idle and errors', () => {
  it('an empty <dialog-info/> is a full document with no dialogs', () => {
    const { doc, warnings } = parsed('empty-dialog-info.xml');
    expect(doc).toEqual({
      type: 'dialog-info',
      entity: 'sip:101@pbx.example.com',
      version: 2,
      state: 'full',
      dialogs: [],
    });
    expect(warnings).toEqual([]);
  });

  it('an empty body is idle without a version', () => {
    for (const body of [fixture('empty-body.xml'), '', ' \r\n']) {
      const result = parseDialogInfo(body);
      expect(result).toMatchObject({
        ok: true,
        value: { version: -1, state: 'full', entity: '', dialogs: [] },
      });
      expect(result.ok && result.warnings.length).toBe(1);
    }
  });

  it.each([
    ['malformed.xml', /^not XML: .*state/],
    ['missing-version.xml', /^dialog-info: missing version attribute$/],
    ['doctype-entities.xml', /DOCTYPE not allowed/],
  ])('%s is refused with a reason', (name, reason) => {
    const result = parseDialogInfo(fixture(name));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });

  it.each([
    ['<dialog-info version="-1" state="full" entity="sip:a@b"/>', 'invalid version attribute "-1"'],
    ['<dialog-info version="1.5" state="full" entity="sip:a@b"/>', 'invalid version attribute "1.5"'],
    ['<dialog-info version="99999999999999999999" state="full"/>', 'invalid version attribute'],
    ['<presence entity="sip:a@b"/>', 'root element is <presence>'],
    ['<a/><b/>', 'one root element'],
    ['not xml at all', 'not XML'],
  ])('refuses %s', (body, reason) => {
    const result = parseDialogInfo(body);
    expect(!result.ok && result.reason).toContain(reason);
  });

  it('keeps a dialog with an unknown or missing state as confirmed, with warnings', () => {
    const body =
      '<dialog-info version="1" state="full" entity="sip:a@b"><dialog id="x"><state>ringing</state></dialog>' +
      '<dialog id="y"/><dialog><state>early</state></dialog></dialog-info>';
    const result = parseDialogInfo(body);
    if (!result.ok) throw new Error(result.reason);
    expect(result.value.dialogs.map((d) => [d.id, d.state])).toEqual([
      ['x', 'confirmed'],
      ['y', 'confirmed'],
      ['#3', 'early'],
    ]);
    expect(result.warnings).toHaveLength(3);
  });

  it('reads a missing state attribute as full with a warning, and a remote rendering=no does not set held', () => {
    const body =
      '<dialog-info version="3" entity="sip:a@b"><dialog id="x"><state>confirmed</state>' +
      '<remote><target uri="sip:b@c"><param pname="+sip.rendering" pvalue="no"/></target></remote></dialog></dialog-info>';
    const result = parseDialogInfo(body);
    if (!result.ok) throw new Error(result.reason);
    expect(result.value.state).toBe('full');
    expect(result.warnings).toEqual(['dialog-info: missing state attribute, read as full']);
    expect(result.value.dialogs[0]).toMatchObject({ held: false, remote: { rendering: 'no' } });
  });
});

describe('peekDialogInfoState', () => {
  it('agrees with the full parse on every well-formed fixture', () => {
    for (const name of [
      'rfc4235-minimal.xml',
      'rfc4235-prefixed.xml',
      'asterisk-ringing.xml',
      'kamailio-lingering.xml',
      'empty-dialog-info.xml',
    ]) {
      const { doc } = parsed(name);
      expect(peekDialogInfoState(fixture(name)), name).toEqual({ version: doc.version, state: doc.state });
    }
  });

  it('ignores the XML declaration version and reads single-quoted attributes', () => {
    expect(peekDialogInfoState(`<?xml version='1.0'?><dialog-info state='partial' version='42'>`)).toEqual({
      version: 42,
      state: 'partial',
    });
  });

  it('returns what it can find, and nothing for an empty or foreign body', () => {
    expect(peekDialogInfoState('')).toEqual({});
    expect(peekDialogInfoState(fixture('missing-version.xml'))).toEqual({ state: 'full' });
    expect(peekDialogInfoState('<presence version="3"/>')).toEqual({});
    const late = `<!--${'x'.repeat(600)}--><dialog-info version="1" state="full"/>`;
    expect(peekDialogInfoState(late)).toEqual({});
  });
});

describe('never throws', () => {
  const files = readdirSync(DIR).filter((name) => name.endsWith('.xml'));

  it('returns ok:false, not a throw, for every truncation of every non-empty fixture', () => {
    for (const name of files) {
      const bytes = fixture(name);
      const whole = parseDialogInfo(bytes);
      for (let cut = 1; cut < bytes.length; cut++) {
        const slice = bytes.subarray(0, cut);
        const result = parseDialogInfo(slice);
        // A cut inside trailing whitespace leaves the document whole; any other cut must be refused.
        const onlyWhitespaceLost = new TextDecoder().decode(bytes.subarray(cut)).trim() === '';
        if (whole.ok && !onlyWhitespaceLost && new TextDecoder().decode(slice).trim() !== '') {
          expect(result.ok, `${name} cut at ${cut}`).toBe(false);
        }
        expect(() => peekDialogInfoState(slice)).not.toThrow();
      }
    }
  });

  it('holds its invariants on random bytes, random XML-ish text and mutated fixtures', () => {
    let seed = 12345;
    const next = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    const alphabet = '<>/="\' &;#x:!?[]-dialog-info version state 0123456789\n';
    const pick = (chars: string, n: number): string => Array.from({ length: n }, () => chars[next() % chars.length]).join('');
    const fixtures = readdirSync(DIR).filter((n) => n.endsWith('.xml')).map((n) => new TextDecoder().decode(fixture(n)));
    /** A fixture with one random span replaced: most stay parseable, so the ok-side invariants get exercised. */
    const mutate = (text: string): string => {
      const at = next() % (text.length + 1);
      return text.slice(0, at) + pick(alphabet, next() % 8) + text.slice(at + (next() % 8));
    };
    /** A fixture with one attribute value or text node swapped for a token that is valid somewhere, or nowhere. */
    const tokens = ['', 'early', 'EARLY', 'Confirmed', 'bogus', '-1', '007', '1e3', ' 5 ', '999', '1000', 'no', 'yes', 'initiator', 'recipient', 'partial', 'full'];
    const swap = (text: string): string => {
      const values = [...text.matchAll(/"([^"<>]*)"|>([^<>]*)</g)];
      const m = values[next() % values.length];
      if (!m) return text;
      const inner = m[1] ?? m[2] ?? '';
      const at = m.index + 1;
      return text.slice(0, at) + tokens[next() % tokens.length] + text.slice(at + inner.length);
    };
    const STATES = ['trying', 'proceeding', 'early', 'confirmed', 'terminated'];
    let accepted = 0;
    for (let round = 0; round < 1000; round++) {
      const bytes = Uint8Array.from({ length: next() % 300 }, () => next() & 0xff);
      const chars = pick(alphabet, next() % 300);
      const base = fixtures[next() % fixtures.length]!;
      for (const body of [bytes, chars, `<dialog-info version="1">${chars}`, mutate(base), mutate(mutate(base)), swap(base), swap(swap(base))]) {
        const result = parseDialogInfo(body);
        // Pure: the same input gives the same answer, and text gives what its UTF-8 bytes give.
        expect(parseDialogInfo(body)).toEqual(result);
        if (typeof body === 'string') expect(parseDialogInfo(new TextEncoder().encode(body))).toEqual(result);
        if (!result.ok) {
          expect(result.reason.trim().length).toBeGreaterThan(0);
          continue;
        }
        accepted++;
        const doc = result.value;
        expect(doc.type).toBe('dialog-info');
        expect(['full', 'partial']).toContain(doc.state);
        // -1 only for the empty body (idle, no ordering); otherwise a version the ordering can compare.
        expect(Number.isSafeInteger(doc.version) && (doc.version >= 0 || (doc.version === -1 && String(body).trim() === ''))).toBe(true);
        for (const d of doc.dialogs) {
          expect(d.id.length).toBeGreaterThan(0);
          expect(STATES).toContain(d.state);
          expect([undefined, 'initiator', 'recipient']).toContain(d.direction);
          expect(d.held).toBe(d.local?.rendering === 'no');
          if (d.code !== undefined) expect(Number.isInteger(d.code) && d.code >= 0 && d.code <= 999).toBe(true);
        }
        // The queue coalesces on the peek: where it finds version or state, they must be the parse's.
        const peek = peekDialogInfoState(body);
        if (peek.version !== undefined) expect(peek.version).toBe(doc.version);
        if (peek.state !== undefined) expect(peek.state).toBe(doc.state);
      }
    }
    // The invariants above only mean something if many inputs were accepted.
    expect(accepted).toBeGreaterThan(1000);
  }, 30_000);

  it('keeps version order: any decimal version in a fixture comes back as that number', () => {
    let seed = 777;
    const next = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    const text = new TextDecoder().decode(fixture('rfc4235-full.xml'));
    expect(text).toMatch(/version="\d+"/);
    let previous = -1;
    for (let round = 0; round < 500; round++) {
      const version = previous + 1 + (next() % 1000) * 10 ** (next() % 10);
      const result = parseDialogInfo(text.replace(/version="\d+"/, `version="${version}"`));
      expect(result.ok && result.value.version).toBe(version);
      expect(peekDialogInfoState(text.replace(/version="\d+"/, `version="${version}"`)).version).toBe(version);
      expect(version).toBeGreaterThan(previous);
      previous = version;
    }
  });
});

describe('benchDialogInfo', () => {
  it('measures a positive parse rate', () => {
    expect(benchDialogInfo(200)).toBeGreaterThan(0);
  });
});
