/**
 * The one place where dialog state (RFC 4235), presence (RFC 3863/4480, Asterisk presence states) and registration
 * state (RFC 3680) of an extension combine into what its tile shows (issue 3 §4, issue 12). Pure.
 */
import type { Party, PresenceInfo, TileState, UnknownReason } from '../../../shared/tiles';
import { summarizeDialogs, type DialogSummary } from './dialog-summary';
import type { DialogInfoDialog, DialogParticipant } from '../../sip/event-bodies/types';

/** Where one event's subscription stands, as far as a tile cares. */
export interface SubStatus {
  state: 'active' | 'pending' | 'not-subscribed' | 'rejected' | 'error' | 'no-line';
  /** Human explanation, e.g. "403 Forbidden" or "noresource". */
  detail?: string;
}

export interface TileStateInput {
  /** Status per watched event; an event the tile does not watch is absent. */
  subscribed: { dialog?: SubStatus; presence?: SubStatus; reg?: SubStatus };
  /** Live dialogs of the extension (as kept by the DialogTracker); absent until a dialog-info body arrived. */
  dialog?: { dialogs: readonly DialogInfoDialog[]; summary?: DialogSummary };
  presence?: PresenceInfo;
  /** `reg` event (RFC 3680): whether the AoR has an active binding; absent until its first NOTIFY. */
  registered?: boolean;
}

export interface TileStateResult {
  state: TileState;
  unknownReason?: UnknownReason;
  detail?: string;
  /** The ringing caller (state `ringing`). */
  caller?: Party;
  /** The other party of the call (states `busy` and `hold`). */
  party?: Party;
  /** The presence used, carried whatever the state (e.g. busy with the note "Lunch"). */
  presence?: PresenceInfo;
  /** The registration used (RFC 3680), carried whatever the state; absent when the `reg` event does not tell. */
  registered?: boolean;
}

/** The facts a rule looks at: each event's data, only when its subscription has not failed. */
interface Facts {
  dialog: DialogSummary | undefined;
  presence: PresenceInfo | undefined;
  registered: boolean | undefined;
}

interface Rule {
  /** What the row says, for tests and for reading. */
  name: string;
  when: (f: Facts) => boolean;
  then: (f: Facts) => Omit<TileStateResult, 'presence' | 'registered' | 'unknownReason' | 'detail'>;
}

const dialogIs = (f: Facts, state: DialogSummary['state']): boolean => f.dialog?.state === state;
const remoteOf = (f: Facts): Party | undefined => partyFromParticipant(f.dialog?.dialog?.remote);
const offline = (p: PresenceInfo | undefined): boolean => p?.basic === 'closed' || p?.state === 'unavailable';

/**
 * The decision list: the first row whose `when` holds decides the state. Dialog activity comes first because it is
 * what a receptionist acts on (transfer, pickup) and it is the fresher source; presence refines an idle phone.
 *
 * | # | when                                                          | tile state | extra                     |
 * |---|---------------------------------------------------------------|------------|---------------------------|
 * | 1 | a dialog rings (early, recipient or no direction, not held)   | `ringing`  | caller = remote of it     |
 * | 2 | a dialog is held (local `+sip.rendering=no`)                  | `hold`     | party = remote of it      |
 * | 3 | a dialog is confirmed                                         | `busy`     | party = remote of it      |
 * | 4 | a dialog is being set up (trying/proceeding, outgoing early)  | `busy`     | party = remote of it      |
 * | 5 | no dialog info, presence activity `on-the-phone` (RFC 4480)   | `busy`     |                           |
 * | 6 | presence state `dnd`                                          | `dnd`      |                           |
 * | 7 | presence `<basic>closed` or state `unavailable`               | `offline`  |                           |
 * | 8 | `reg`: no active binding (RFC 3680 §5.1)                      | `offline`  |                           |
 * | 9 | dialog info present, no live dialog                           | `idle`     |                           |
 * |10 | any other presence (open, available, away, xa, chat, not_set) | `idle`     |                           |
 * |11 | `reg` only: an active binding                                 | `idle`     |                           |
 * | – | no event gives state                                          | `unknown`  | reason from subscriptions |
 *
 * Rows 2–4 follow the interop guide's "ringing before held before busy before trying" ({@link summarizeDialogs}).
 * Row 7 is what tells Asterisk's NOT_INUSE from UNAVAILABLE: both arrive as a `terminated` dialog (= no live dialog),
 * only presence differs. Row 8 does the same for servers whose dialog package cannot tell (Kamailio reports an
 * unregistered phone as idle); a call still shows (rows 1–4 come first: a phone in a call is busy even if its
 * registration lapsed). The presence (with its note) is carried on every row, so busy + note "Lunch" shows both.
 * Data of an event whose subscription was rejected, failed or has no line is not used (it may be stale); the unknown
 * reason is the most serious one among the watched events: no-line, rejected, error, pending, not-subscribed. A `reg`
 * subscription only adds registration to the other events: its failure (489 Bad Event from a server without the
 * package) counts for the unknown reason only when the tile watches nothing else, so the tile stays as dialog and
 * presence say, with its registration unknown.
 */
export const TILE_STATE_RULES: readonly Rule[] = [
  {
    name: 'ringing',
    when: (f) => dialogIs(f, 'ringing'),
    then: (f) => ({ state: 'ringing', caller: remoteOf(f) }),
  },
  { name: 'hold', when: (f) => dialogIs(f, 'hold'), then: (f) => ({ state: 'hold', party: remoteOf(f) }) },
  { name: 'busy', when: (f) => dialogIs(f, 'busy'), then: (f) => ({ state: 'busy', party: remoteOf(f) }) },
  {
    name: 'dialling',
    when: (f) => dialogIs(f, 'trying'),
    then: (f) => ({ state: 'busy', party: remoteOf(f) }),
  },
  {
    name: 'on the phone (presence only)',
    when: (f) => !f.dialog && !!f.presence?.activities?.includes('on-the-phone'),
    then: () => ({ state: 'busy' }),
  },
  { name: 'do not disturb', when: (f) => f.presence?.state === 'dnd', then: () => ({ state: 'dnd' }) },
  { name: 'offline', when: (f) => offline(f.presence), then: () => ({ state: 'offline' }) },
  { name: 'not registered', when: (f) => f.registered === false, then: () => ({ state: 'offline' }) },
  { name: 'idle (dialog)', when: (f) => dialogIs(f, 'idle'), then: () => ({ state: 'idle' }) },
  { name: 'idle (presence)', when: (f) => !!f.presence, then: () => ({ state: 'idle' }) },
  { name: 'idle (registered)', when: (f) => f.registered === true, then: () => ({ state: 'idle' }) },
];

const FAILED: ReadonlySet<SubStatus['state']> = new Set(['rejected', 'error', 'no-line']);
const REASON_ORDER: readonly UnknownReason[] = ['no-line', 'rejected', 'error', 'pending', 'not-subscribed'];

function usable(status: SubStatus | undefined): boolean {
  return !status || !FAILED.has(status.state);
}

function factsOf(input: TileStateInput): Facts {
  return {
    dialog:
      input.dialog && usable(input.subscribed.dialog)
        ? (input.dialog.summary ?? summarizeDialogs(input.dialog.dialogs))
        : undefined,
    presence: input.presence && usable(input.subscribed.presence) ? input.presence : undefined,
    registered: usable(input.subscribed.reg) ? input.registered : undefined,
  };
}

/** Name of the {@link TILE_STATE_RULES} row that decides `input`; undefined when the tile is `unknown`. */
export function tileStateRule(input: TileStateInput): string | undefined {
  const facts = factsOf(input);
  return TILE_STATE_RULES.find((r) => r.when(facts))?.name;
}

/** Combines dialog and presence of one extension into its tile state by {@link TILE_STATE_RULES}. */
export function computeTileState(input: TileStateInput): TileStateResult {
  const facts = factsOf(input);
  const rule = TILE_STATE_RULES.find((r) => r.when(facts));
  const result: TileStateResult = rule ? dropUndefined(rule.then(facts)) : unknown(input.subscribed);
  if (facts.presence) result.presence = facts.presence;
  if (facts.registered !== undefined) result.registered = facts.registered;
  return result;
}

function unknown(subscribed: TileStateInput['subscribed']): TileStateResult {
  const others = [subscribed.dialog, subscribed.presence].filter((s): s is SubStatus => !!s);
  const statuses = others.length > 0 ? others : [subscribed.reg].filter((s): s is SubStatus => !!s);
  if (statuses.length === 0) return { state: 'unknown', unknownReason: 'not-subscribed' };
  // An active subscription without any body yet is still waiting for its first NOTIFY.
  const reasonOf = (s: SubStatus): UnknownReason => (s.state === 'active' ? 'pending' : s.state);
  let worst = statuses[0]!;
  for (const s of statuses)
    if (REASON_ORDER.indexOf(reasonOf(s)) < REASON_ORDER.indexOf(reasonOf(worst))) worst = s;
  const result: TileStateResult = { state: 'unknown', unknownReason: reasonOf(worst) };
  if (worst.detail) result.detail = worst.detail;
  return result;
}

function dropUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as Array<keyof T>) if (value[key] === undefined) delete value[key];
  return value;
}

/** The party of a dialog participant: its identity, else its target (RFC 4235 §4.1.6). */
export function partyFromParticipant(participant: DialogParticipant | undefined): Party | undefined {
  if (!participant) return undefined;
  return partyFromIdentity(participant.identity ?? participant.target, participant.displayName);
}

/**
 * A displayable party from a URI (`sip:102@pbx`, `<sips:alice@host;user=phone>`, `tel:+4930123;phone-context=…`)
 * and an optional display name: number = the user part without parameters, percent-decoded.
 */
export function partyFromIdentity(identity: string | undefined, display?: string): Party | undefined {
  const party: Party = {};
  const name = display?.trim();
  if (name) party.name = name;
  const uri = identity
    ?.trim()
    .replace(/^<(.*)>$/, '$1')
    .trim();
  if (uri) {
    party.uri = uri;
    const number = userPart(uri);
    if (number) party.number = number;
  }
  return party.uri || party.name ? party : undefined;
}

function userPart(uri: string): string | undefined {
  const scheme = /^(sips?|tel):/i.exec(uri);
  const rest = scheme ? uri.slice(scheme[0].length) : uri;
  const at = rest.indexOf('@');
  let user = scheme?.[1]?.toLowerCase() === 'tel' ? rest : at >= 0 ? rest.slice(0, at) : scheme ? '' : rest;
  user = user.split(';')[0] ?? '';
  if (!user) return undefined;
  try {
    return decodeURIComponent(user);
  } catch {
    return user;
  }
}
