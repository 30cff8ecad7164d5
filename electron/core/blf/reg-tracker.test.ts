import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRegInfo } from '../../sip/event-bodies/reginfo';
import type { RegContact, RegInfoDocument } from '../../sip/event-bodies/types';
import { RegTracker } from './reg-tracker';

const DIR = new URL('../../../test/fixtures/bodies/reginfo/', import.meta.url);

function fixture(name: string): RegInfoDocument {
  const result = parseRegInfo(readFileSync(new URL(name, DIR)));
  if (!result.ok) throw new Error(result.reason);
  return result.value;
}

function doc(version: number, state: 'full' | 'partial', regState: 'init' | 'active' | 'terminated', contacts: RegContact[]): RegInfoDocument {
  return { type: 'reginfo', version, state, registrations: [{ aor: 'sip:101@test.local', id: 'r', state: regState, contacts }] };
}
const live = (id: string): RegContact => ({ id, state: 'active', uri: `sip:101@${id}` });
const gone = (id: string): RegContact => ({ id, state: 'terminated' });

describe('RegTracker (RFC 3680 §5.3)', () => {
  it('knows nothing before the first document', () => {
    expect(new RegTracker().registered()).toBeUndefined();
  });

  it('reads the RFC example as registered through its one active contact', () => {
    const tracker = new RegTracker();
    expect(tracker.apply(fixture('rfc3680-full.xml'))).toEqual({ accepted: true, needFullState: false });
    expect(tracker.registered()).toBe(true);
    expect(tracker.activeContacts()).toEqual(['sip:user@pc887.example.com']);
    tracker.apply(fixture('rfc3680-partial.xml'));
    expect(tracker.registered()).toBe(false);
    expect(tracker.activeContacts()).toEqual([]);
  });

  it('reads a registration in state init as not registered', () => {
    const tracker = new RegTracker();
    tracker.apply(fixture('init.xml'));
    expect(tracker.registered()).toBe(false);
  });

  it('follows Kamailio, which republishes full state as version 0 every time, by NOTIFY CSeq', () => {
    const tracker = new RegTracker();
    tracker.apply(fixture('kamailio-registered.xml'), 3);
    expect(tracker.registered()).toBe(true);
    expect(tracker.apply(fixture('kamailio-unregistered.xml'), 4).accepted).toBe(true);
    expect(tracker.registered()).toBe(false);
    // A retransmission or a reordered older NOTIFY (same version, not a later CSeq) is not applied.
    expect(tracker.apply(fixture('kamailio-registered.xml'), 3).accepted).toBe(false);
    expect(tracker.registered()).toBe(false);
  });

  it('ignores stale versions and equal-version partial documents', () => {
    const tracker = new RegTracker();
    tracker.apply(doc(5, 'full', 'active', [live('a')]), 2);
    expect(tracker.apply(doc(4, 'full', 'terminated', []), 9).accepted).toBe(false);
    expect(tracker.apply(doc(5, 'partial', 'terminated', [gone('a')]), 9).accepted).toBe(false);
    expect(tracker.registered()).toBe(true);
  });

  it('merges partial documents by contact id and asks for full state after a gap', () => {
    const tracker = new RegTracker();
    tracker.apply(doc(1, 'full', 'active', [live('a')]));
    expect(tracker.apply(doc(2, 'partial', 'active', [live('b')]))).toEqual({ accepted: true, needFullState: false });
    expect(tracker.activeContacts().sort()).toEqual(['sip:101@a', 'sip:101@b']);
    tracker.apply(doc(3, 'partial', 'active', [gone('a')]));
    expect(tracker.registered()).toBe(true);
    expect(tracker.apply(doc(5, 'partial', 'active', [gone('b')]))).toEqual({ accepted: true, needFullState: true });
    // Active registration, no active contact left: not registered.
    expect(tracker.registered()).toBe(false);
  });

  it('asks for full state when the first document is partial', () => {
    expect(new RegTracker().apply(doc(7, 'partial', 'active', [live('a')])).needFullState).toBe(true);
  });

  it('drops every contact of a terminated registration, even those the document did not list', () => {
    const tracker = new RegTracker();
    tracker.apply(doc(1, 'full', 'active', [live('a'), live('b')]));
    tracker.apply(doc(2, 'partial', 'terminated', []));
    expect(tracker.activeContacts()).toEqual([]);
    expect(tracker.registered()).toBe(false);
  });

  it('starts a new version space after reset', () => {
    const tracker = new RegTracker();
    tracker.apply(doc(9, 'full', 'active', [live('a')]), 5);
    tracker.reset();
    expect(tracker.registered()).toBeUndefined();
    expect(tracker.apply(doc(0, 'full', 'terminated', []), 1).accepted).toBe(true);
    expect(tracker.registered()).toBe(false);
  });
});
