import { describe, it, expect } from 'vitest';
import type { PresenceInfo } from '../../../shared/tiles';
import type { DialogInfoDialog } from '../../sip/event-bodies/types';
import {
  computeTileState,
  partyFromIdentity,
  TILE_STATE_RULES,
  tileStateRule,
  type SubStatus,
  type TileStateInput,
} from './tile-state';

const active: SubStatus = { state: 'active' };
const both = { dialog: active, presence: active };
const withReg = { dialog: active, reg: active };

function d(state: DialogInfoDialog['state'], extra: Partial<DialogInfoDialog> = {}): DialogInfoDialog {
  return {
    id: `d-${state}`,
    state,
    held: false,
    direction: 'recipient',
    remote: { identity: 'sip:102@pbx.example.com', displayName: 'Bob Smith' },
    ...extra,
  };
}

const bob = { uri: 'sip:102@pbx.example.com', number: '102', name: 'Bob Smith' };
const available: PresenceInfo = { basic: 'open', state: 'available' };
const lunch: PresenceInfo = { basic: 'open', note: 'Lunch' };

interface Row {
  rule: string;
  input: TileStateInput;
  expected: Record<string, unknown>;
}

const rows: Row[] = [
  {
    rule: 'ringing',
    input: { subscribed: both, dialog: { dialogs: [d('early')] }, presence: { state: 'dnd' } },
    expected: { state: 'ringing', caller: bob },
  },
  {
    rule: 'ringing',
    input: { subscribed: both, dialog: { dialogs: [d('confirmed'), d('early', { id: 'x', held: false })] } },
    expected: { state: 'ringing', caller: bob },
  },
  {
    rule: 'hold',
    input: { subscribed: both, dialog: { dialogs: [d('confirmed', { held: true })] } },
    expected: { state: 'hold', party: bob },
  },
  {
    rule: 'busy',
    input: { subscribed: both, dialog: { dialogs: [d('confirmed')] }, presence: lunch },
    expected: { state: 'busy', party: bob, presence: lunch },
  },
  {
    rule: 'busy',
    input: { subscribed: both, dialog: { dialogs: [d('confirmed')] }, presence: { basic: 'closed' } },
    expected: { state: 'busy', party: bob },
  },
  {
    rule: 'dialling',
    input: { subscribed: both, dialog: { dialogs: [d('trying', { direction: 'initiator' })] } },
    expected: { state: 'busy', party: bob },
  },
  {
    rule: 'dialling',
    input: { subscribed: both, dialog: { dialogs: [d('early', { direction: 'initiator' })] } },
    expected: { state: 'busy', party: bob },
  },
  {
    rule: 'on the phone (presence only)',
    input: { subscribed: { presence: active }, presence: { basic: 'open', activities: ['on-the-phone'] } },
    expected: { state: 'busy' },
  },
  {
    rule: 'do not disturb',
    input: {
      subscribed: both,
      dialog: { dialogs: [] },
      presence: { basic: 'open', state: 'dnd', note: 'Meeting' },
    },
    expected: { state: 'dnd', presence: { basic: 'open', state: 'dnd', note: 'Meeting' } },
  },
  // Asterisk UNAVAILABLE: terminated dialog (= no live dialog) and presence closed / "Unavailable".
  {
    rule: 'offline',
    input: {
      subscribed: both,
      dialog: { dialogs: [d('terminated')] },
      presence: { basic: 'closed', note: 'Unavailable' },
    },
    expected: { state: 'offline' },
  },
  {
    rule: 'offline',
    input: { subscribed: { presence: active }, presence: { state: 'unavailable' } },
    expected: { state: 'offline' },
  },
  // Asterisk NOT_INUSE: the same terminated dialog, presence available.
  {
    rule: 'idle (dialog)',
    input: { subscribed: both, dialog: { dialogs: [d('terminated')] }, presence: available },
    expected: { state: 'idle', presence: available },
  },
  {
    rule: 'idle (dialog)',
    input: { subscribed: { dialog: active }, dialog: { dialogs: [] } },
    expected: { state: 'idle' },
  },
  {
    rule: 'idle (dialog)',
    input: {
      subscribed: both,
      dialog: { dialogs: [] },
      presence: { basic: 'open', activities: ['on-the-phone'] },
    },
    expected: { state: 'idle' },
  },
  {
    rule: 'idle (presence)',
    input: {
      subscribed: { presence: active },
      presence: { basic: 'open', state: 'away', note: 'Back at 3' },
    },
    expected: { state: 'idle', presence: { basic: 'open', state: 'away', note: 'Back at 3' } },
  },
  // Kamailio: an unregistered phone has no dialogs, so dialog says idle; reg (RFC 3680) says no binding.
  {
    rule: 'not registered',
    input: { subscribed: withReg, dialog: { dialogs: [] }, registered: false },
    expected: { state: 'offline', registered: false },
  },
  {
    rule: 'not registered',
    input: { subscribed: { reg: active }, registered: false },
    expected: { state: 'offline', registered: false },
  },
  {
    rule: 'idle (dialog)',
    input: { subscribed: withReg, dialog: { dialogs: [] }, registered: true },
    expected: { state: 'idle', registered: true },
  },
  {
    rule: 'idle (registered)',
    input: { subscribed: { reg: active }, registered: true },
    expected: { state: 'idle', registered: true },
  },
  // A phone in a call stays busy even when its registration lapsed meanwhile.
  {
    rule: 'busy',
    input: { subscribed: withReg, dialog: { dialogs: [d('confirmed')] }, registered: false },
    expected: { state: 'busy', party: bob, registered: false },
  },
];

describe('computeTileState: one test per rule', () => {
  it.each(rows.map((r) => [r.rule, r] as const))('%s', (rule, row) => {
    expect(tileStateRule(row.input)).toBe(rule);
    const result = computeTileState(row.input);
    expect(result).toMatchObject(row.expected);
    // Exactly one of caller/party, and only on the states that have one.
    if (result.state !== 'ringing') expect(result.caller).toBeUndefined();
    if (result.state !== 'busy' && result.state !== 'hold') expect(result.party).toBeUndefined();
    expect(result.unknownReason).toBeUndefined();
  });

  it('every rule is exercised by a row', () => {
    expect(new Set(rows.map((r) => r.rule))).toEqual(new Set(TILE_STATE_RULES.map((r) => r.name)));
  });

  it('always carries the presence note', () => {
    for (const dialogs of [[d('early')], [d('confirmed')], [d('confirmed', { held: true })], []])
      expect(computeTileState({ subscribed: both, dialog: { dialogs }, presence: lunch }).presence).toEqual(
        lunch,
      );
  });

  it('uses a given summary instead of recomputing it', () => {
    const dialog = d('confirmed');
    expect(
      computeTileState({
        subscribed: both,
        dialog: { dialogs: [dialog], summary: { state: 'hold', dialog } },
      }).state,
    ).toBe('hold');
  });
});

describe('computeTileState: unknown', () => {
  it.each([
    [{}, undefined, 'not-subscribed', undefined],
    [{ dialog: { state: 'not-subscribed' } }, undefined, 'not-subscribed', undefined],
    [{ dialog: { state: 'pending' } }, undefined, 'pending', undefined],
    [{ dialog: active }, undefined, 'pending', undefined],
    [
      { dialog: { state: 'rejected', detail: '403 Forbidden' }, presence: { state: 'pending' } },
      undefined,
      'rejected',
      '403 Forbidden',
    ],
    [
      {
        dialog: { state: 'error', detail: 'timeout' },
        presence: { state: 'rejected', detail: 'noresource' },
      },
      undefined,
      'rejected',
      'noresource',
    ],
    [{ dialog: { state: 'no-line' }, presence: { state: 'error' } }, undefined, 'no-line', undefined],
    // Data of a failed subscription is not trusted.
    [{ dialog: { state: 'error', detail: '408' } }, [d('confirmed')], 'error', '408'],
  ] as const)('%j with dialogs %j → %s', (subscribed, dialogs, reason, detail) => {
    const input: TileStateInput = { subscribed: subscribed as TileStateInput['subscribed'] };
    if (dialogs) input.dialog = { dialogs: [...dialogs] };
    const result = computeTileState(input);
    expect(tileStateRule(input)).toBeUndefined();
    expect(result.state).toBe('unknown');
    expect(result.unknownReason).toBe(reason);
    expect(result.detail).toBe(detail);
  });

  it('one event giving state is enough even when the other failed', () => {
    const result = computeTileState({
      subscribed: { dialog: { state: 'rejected', detail: '489 Bad Event' }, presence: active },
      presence: { basic: 'closed' },
    });
    expect(result).toEqual({ state: 'offline', presence: { basic: 'closed' } });
  });
});

describe('computeTileState: registration (reg event)', () => {
  it('a rejected reg subscription leaves the tile as dialog says, with its registration unknown', () => {
    const rejected: SubStatus = { state: 'rejected', detail: '489 Bad Event' };
    const result = computeTileState({ subscribed: { dialog: active, reg: rejected }, dialog: { dialogs: [] }, registered: false });
    expect(result).toEqual({ state: 'idle' });
  });

  it('a pending or failed reg subscription does not decide why a tile is unknown when it watches more', () => {
    const input: TileStateInput = { subscribed: { dialog: { state: 'pending' }, reg: { state: 'rejected', detail: '489 Bad Event' } } };
    expect(computeTileState(input)).toEqual({ state: 'unknown', unknownReason: 'pending' });
  });

  it('a tile watching only reg is unknown for the reg subscription\'s reason', () => {
    expect(computeTileState({ subscribed: { reg: { state: 'rejected', detail: '489 Bad Event' } } })).toEqual({
      state: 'unknown',
      unknownReason: 'rejected',
      detail: '489 Bad Event',
    });
  });

  it('presence <basic>closed stays offline whatever reg says', () => {
    expect(computeTileState({ subscribed: { presence: active, reg: active }, presence: { basic: 'closed' }, registered: true })).toMatchObject({
      state: 'offline',
      registered: true,
    });
  });
});

describe('partyFromIdentity', () => {
  it.each([
    ['sip:102@pbx.example.com', 'Bob', { uri: 'sip:102@pbx.example.com', number: '102', name: 'Bob' }],
    [
      '<sips:alice@example.com;transport=tls>',
      undefined,
      { uri: 'sips:alice@example.com;transport=tls', number: 'alice' },
    ],
    [
      'sip:%2B4930123;isub=1@gw.example.com',
      ' ',
      { uri: 'sip:%2B4930123;isub=1@gw.example.com', number: '+4930123' },
    ],
    [
      'tel:+4930123;phone-context=example.com',
      'Berlin',
      { uri: 'tel:+4930123;phone-context=example.com', number: '+4930123', name: 'Berlin' },
    ],
    ['sip:pbx.example.com', undefined, { uri: 'sip:pbx.example.com' }],
    [
      'sip:anonymous@anonymous.invalid',
      'Anonymous',
      { uri: 'sip:anonymous@anonymous.invalid', number: 'anonymous', name: 'Anonymous' },
    ],
    ['103', undefined, { uri: '103', number: '103' }],
    ['sip:%zz@h', undefined, { uri: 'sip:%zz@h', number: '%zz' }],
    [undefined, 'Only a name', { name: 'Only a name' }],
    [undefined, undefined, undefined],
    ['', '', undefined],
  ] as const)('%s / %s', (identity, display, expected) => {
    expect(partyFromIdentity(identity, display)).toEqual(expected);
  });

  it('falls back to the remote target when a dialog has no remote identity', () => {
    const dialog = d('early', { remote: { target: 'sip:104@10.0.0.9:5060' } });
    expect(computeTileState({ subscribed: both, dialog: { dialogs: [dialog] } }).caller).toEqual({
      uri: 'sip:104@10.0.0.9:5060',
      number: '104',
    });
  });
});
