/**
 * The tile rule over parsed dialog-info: the rank table of {@link summarizeDialogs}, and what real PBX bodies
 * (Asterisk, Kamailio, FreeSWITCH fixtures, parsed by the SIP layer) are shown as.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDialogInfo } from '../../sip/event-bodies/dialog-info';
import type { DialogInfoDialog } from '../../sip/event-bodies/types';
import { summarizeDialogs } from './dialog-summary';

const DIR = new URL('../../../test/fixtures/bodies/dialog-info/', import.meta.url);

function dialogsOf(name: string): DialogInfoDialog[] {
  const result = parseDialogInfo(readFileSync(new URL(name, DIR)));
  if (!result.ok) throw new Error(`${name}: ${result.reason}`);
  return result.value.dialogs;
}

function only(name: string): DialogInfoDialog {
  const dialogs = dialogsOf(name);
  expect(dialogs).toHaveLength(1);
  return dialogs[0] as DialogInfoDialog;
}

describe('summarizeDialogs on PBX bodies', () => {
  it('Asterisk RINGING is ringing, with the dialog that decided it', () => {
    const dialog = only('asterisk-ringing.xml');
    expect(summarizeDialogs([dialog])).toEqual({ state: 'ringing', dialog });
  });

  it('Asterisk INUSE is busy, ONHOLD is hold, NOT_INUSE is idle', () => {
    expect(summarizeDialogs([only('asterisk-inuse.xml')]).state).toBe('busy');
    expect(summarizeDialogs([only('asterisk-onhold.xml')]).state).toBe('hold');
    expect(summarizeDialogs([only('asterisk-idle.xml')])).toEqual({ state: 'idle' });
  });

  it('Kamailio capital Trying (initiator) is trying', () => {
    expect(summarizeDialogs([only('kamailio-trying.xml')]).state).toBe('trying');
  });

  it('a lingering terminated + confirmed pair summarizes to the live one', () => {
    const summary = summarizeDialogs(dialogsOf('kamailio-lingering.xml'));
    expect(summary.state).toBe('busy');
    expect(summary.dialog?.id).toBe('c44f0a9e-call-b');
  });

  it('FreeSWITCH ringing is ringing; early with local rendering=no is hold, not ringing', () => {
    expect(summarizeDialogs([only('freeswitch-ringing.xml')]).state).toBe('ringing');
    expect(summarizeDialogs([only('freeswitch-held.xml')]).state).toBe('hold');
  });
});

describe('summarizeDialogs', () => {
  const d = (
    id: string,
    state: DialogInfoDialog['state'],
    extra: Partial<DialogInfoDialog> = {},
  ): DialogInfoDialog => ({
    id,
    state,
    held: false,
    ...extra,
  });

  it('ranks ringing > hold > busy > trying > idle whatever the order', () => {
    const all = [
      d('t', 'terminated'),
      d('p', 'proceeding'),
      d('c', 'confirmed'),
      d('h', 'confirmed', { held: true }),
      d('r', 'early', { direction: 'recipient' }),
    ];
    const expected = ['r', 'h', 'c', 'p'];
    for (const id of expected) {
      expect(summarizeDialogs(all).dialog?.id).toBe(id);
      all.splice(
        all.findIndex((x) => x.id === id),
        1,
      );
    }
    expect(summarizeDialogs(all)).toEqual({ state: 'idle' });
    expect(summarizeDialogs([])).toEqual({ state: 'idle' });
  });

  it('an outgoing early dialog is trying; an early dialog without direction is ringing', () => {
    expect(summarizeDialogs([d('o', 'early', { direction: 'initiator' })]).state).toBe('trying');
    expect(summarizeDialogs([d('n', 'early')]).state).toBe('ringing');
  });

  it('an incoming call being set up (trying/proceeding as recipient) is ringing; outgoing or undirected is trying', () => {
    expect(summarizeDialogs([d('i', 'trying', { direction: 'recipient' })]).state).toBe('ringing');
    expect(summarizeDialogs([d('p', 'proceeding', { direction: 'recipient' })]).state).toBe('ringing');
    expect(summarizeDialogs([d('o', 'trying', { direction: 'initiator' })]).state).toBe('trying');
    expect(summarizeDialogs([d('u', 'trying')]).state).toBe('trying');
  });

  it('picks the first of equally relevant dialogs', () => {
    expect(summarizeDialogs([d('a', 'confirmed'), d('b', 'confirmed')]).dialog?.id).toBe('a');
  });
});
