import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { parseDialogInfo } from '../../sip/event-bodies/dialog-info';
import type { DialogInfoDialog, DialogInfoDocument } from '../../sip/event-bodies/types';
import { DialogTracker, EMPTY_BODY_VERSION, ENDED_MEMORY } from './dialog-tracker';

function dialog(
  id: string,
  state: DialogInfoDialog['state'],
  extra: Partial<DialogInfoDialog> = {},
): DialogInfoDialog {
  return { id, state, held: false, direction: 'recipient', ...extra };
}

function doc(version: number, state: 'full' | 'partial', dialogs: DialogInfoDialog[]): DialogInfoDocument {
  return { type: 'dialog-info', entity: 'sip:101@pbx.example.com', version, state, dialogs };
}

const ids = (dialogs: DialogInfoDialog[]): string[] => dialogs.map((d) => `${d.id}:${d.state}`);

describe('DialogTracker', () => {
  it('replaces everything on full state', () => {
    const t = new DialogTracker();
    t.apply(doc(0, 'full', [dialog('a', 'confirmed'), dialog('b', 'early')]));
    const r = t.apply(doc(1, 'full', [dialog('c', 'early')]));
    expect(r).toMatchObject({ accepted: true, needFullState: false });
    expect(ids(r.dialogs)).toEqual(['c:early']);
    expect(ids(r.ended)).toEqual(['a:confirmed', 'b:early']);
  });

  it('merges partial state by dialog id and removes terminated dialogs', () => {
    const t = new DialogTracker();
    t.apply(doc(4, 'full', [dialog('a', 'early'), dialog('b', 'confirmed')]));
    const r1 = t.apply(doc(5, 'partial', [dialog('a', 'confirmed'), dialog('c', 'trying')]));
    expect(ids(r1.dialogs)).toEqual(['a:confirmed', 'b:confirmed', 'c:trying']);
    const r2 = t.apply(doc(6, 'partial', [dialog('b', 'terminated', { event: 'local-bye' })]));
    expect(ids(r2.dialogs)).toEqual(['a:confirmed', 'c:trying']);
    expect(r2.ended).toEqual([dialog('b', 'terminated', { event: 'local-bye' })]);
    expect(r2.needFullState).toBe(false);
    expect(t.lastVersion).toBe(6);
  });

  it('ignores stale and duplicate versions', () => {
    const t = new DialogTracker();
    t.apply(doc(10, 'full', [dialog('a', 'confirmed')]));
    for (const version of [10, 9, 0]) {
      const r = t.apply(doc(version, 'full', []));
      expect(r).toEqual({
        accepted: false,
        needFullState: false,
        dialogs: [dialog('a', 'confirmed')],
        ended: [],
      });
    }
    expect(t.lastVersion).toBe(10);
  });

  it('applies a partial after a gap and asks for full state', () => {
    const t = new DialogTracker();
    t.apply(doc(1, 'full', [dialog('a', 'confirmed')]));
    const r = t.apply(doc(3, 'partial', [dialog('b', 'early')]));
    expect(r).toMatchObject({ accepted: true, needFullState: true });
    expect(ids(r.dialogs)).toEqual(['a:confirmed', 'b:early']);
    expect(t.apply(doc(4, 'partial', [])).needFullState).toBe(false);
  });

  it('asks for full state when the first document is partial, and not when a full one has a gap', () => {
    const t = new DialogTracker();
    expect(t.apply(doc(7, 'partial', [dialog('a', 'early')]))).toMatchObject({
      accepted: true,
      needFullState: true,
    });
    expect(t.apply(doc(20, 'full', []))).toMatchObject({ accepted: true, needFullState: false, dialogs: [] });
  });

  it('treats an empty body (version -1) as idle and restarts the version space', () => {
    const t = new DialogTracker();
    t.apply(doc(50, 'full', [dialog('a', 'confirmed')]));
    const r = t.apply(doc(EMPTY_BODY_VERSION, 'full', []));
    expect(r).toMatchObject({ accepted: true, needFullState: false, dialogs: [] });
    expect(ids(r.ended)).toEqual(['a:confirmed']);
    expect(t.lastVersion).toBeUndefined();
    expect(t.apply(doc(0, 'full', [dialog('b', 'early')])).accepted).toBe(true);
  });

  it('reset() accepts any version again (new subscription dialog)', () => {
    const t = new DialogTracker();
    t.apply(doc(99, 'full', [dialog('a', 'confirmed')]));
    t.reset();
    expect(t.dialogs).toEqual([]);
    expect(t.apply(doc(0, 'full', [dialog('a', 'early')])).accepted).toBe(true);
  });

  it('never resurrects an ended call with the same call-id, but lets Asterisk reuse its dialog id', () => {
    const t = new DialogTracker();
    const call = { callId: 'c1', localTag: 'l', remoteTag: 'r' };
    t.apply(doc(1, 'full', [dialog('d1', 'confirmed', call)]));
    t.apply(doc(2, 'partial', [dialog('d1', 'terminated', call)]));
    expect(t.apply(doc(3, 'partial', [dialog('d1', 'early', call)])).dialogs).toEqual([]);
    expect(t.apply(doc(4, 'full', [dialog('d1', 'confirmed', call)])).dialogs).toEqual([]);
    expect(ids(t.apply(doc(5, 'partial', [dialog('d1', 'early', { callId: 'c2' })])).dialogs)).toEqual([
      'd1:early',
    ]);

    const asterisk = new DialogTracker();
    asterisk.apply(doc(1, 'full', [dialog('101', 'confirmed')]));
    asterisk.apply(doc(2, 'full', [dialog('101', 'terminated')]));
    expect(ids(asterisk.apply(doc(3, 'full', [dialog('101', 'early')])).dialogs)).toEqual(['101:early']);
  });

  it('remembers the last ENDED_MEMORY ended calls, not every call ever ended', () => {
    const t = new DialogTracker();
    let version = 0;
    const calls = Array.from({ length: ENDED_MEMORY + 8 }, (_, i) => ({ callId: `c${i}`, localTag: 'l', remoteTag: 'r' }));
    for (const call of calls) {
      t.apply(doc(++version, 'partial', [dialog('d1', 'confirmed', call)]));
      t.apply(doc(++version, 'partial', [dialog('d1', 'terminated', call)]));
    }
    // The newest ones still refuse to come back; the oldest are forgotten and may.
    expect(t.apply(doc(++version, 'partial', [dialog('d1', 'early', calls.at(-1))])).dialogs).toEqual([]);
    expect(t.apply(doc(++version, 'partial', [dialog('d1', 'early', calls[8])])).dialogs).toEqual([]);
    expect(ids(t.apply(doc(version + 1, 'partial', [dialog('d1', 'early', calls[0])])).dialogs)).toEqual(['d1:early']);
  });

  it("drops Kamailio's lingering terminated dialog from a full document (guide trap 6)", () => {
    const body = readFileSync(
      new URL('../../../test/fixtures/bodies/dialog-info/kamailio-lingering.xml', import.meta.url),
    );
    const parsed = parseDialogInfo(body);
    if (!parsed.ok) throw new Error(parsed.reason);
    const t = new DialogTracker();
    const r = t.apply(parsed.value);
    expect(r.dialogs.map((d) => d.id)).toEqual(['c44f0a9e-call-b']);
    // The same document again (retransmitted NOTIFY) is stale and changes nothing.
    expect(t.apply(parsed.value).accepted).toBe(false);
    // After the second call ends, only terminated dialogs linger: nothing live.
    const later = t.apply({
      ...parsed.value,
      version: 10,
      dialogs: parsed.value.dialogs.map((d) => ({ ...d, state: 'terminated' as const })),
    });
    expect(later.dialogs).toEqual([]);
    expect(later.ended.map((d) => d.id)).toEqual(['c44f0a9e-call-b']);
  });
});
