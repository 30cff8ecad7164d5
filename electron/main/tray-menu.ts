/**
 * The tray menu as a pure model (issue 4 §4): a function of the own presence, the custom states, the missed-call
 * count and window visibility. No Electron import, so it runs under plain Node tests; `tray-menu-electron.ts`
 * turns the model into an Electron menu.
 */
import type { LineState } from '../../shared/lines';
import type { CustomPresenceState } from '../../shared/presence';
import type { PresenceState } from '../../shared/tiles';

export type { CustomPresenceState };

/** The own state: a standard presence state, or one of the user's custom states (see `customId`). */
export type OwnPresenceState = PresenceState | 'custom';

export interface TrayState {
  own: {
    state: OwnPresenceState;
    /** Label of the custom state, used when `customId` names none of `customStates`. */
    label?: string;
    note?: string;
    /** Which custom state is chosen when `state` is `custom`; without it the custom state is found by `label`. */
    customId?: string;
  };
  customStates: CustomPresenceState[];
  /** Unseen missed calls; undefined while no call history exists. */
  missedCalls?: number;
  windowVisible: boolean;
  locale?: 'en' | 'de';
  /** The lines' own mailboxes (issue 12 §6); absent: no line watches one. */
  voicemail?: TrayVoicemail;
}

/** Waiting voicemail over every line, and the line whose mailbox "Call voicemail" dials. */
export interface TrayVoicemail {
  /** New messages waiting over all lines (see `waitingCount` in the renderer: "waiting" without counts is 1). */
  waiting: number;
  /** The line dialled: the first with messages waiting and a mailbox number, else the first with a number. */
  line?: number;
}

/** What a click on a tray item asks the app to do. */
export type TrayAction =
  | { kind: 'set-state'; state: OwnPresenceState; customId?: string }
  | { kind: 'set-note' }
  | { kind: 'show-missed' }
  | { kind: 'call-voicemail'; line: number }
  | { kind: 'toggle-window' }
  | { kind: 'quit' };

export interface TrayMenuItem {
  id: string;
  label: string;
  type?: 'normal' | 'radio' | 'separator' | 'submenu';
  checked?: boolean;
  enabled?: boolean;
  submenu?: TrayMenuItem[];
  action?: TrayAction;
}

/** The states offered in the menu, in menu order; `not_set` is what the server reports, never a choice. */
export const MENU_STATES: readonly PresenceState[] = [
  'available',
  'away',
  'xa',
  'chat',
  'dnd',
  'unavailable',
];

interface Strings {
  states: Record<PresenceState, string>;
  setNote: string;
  missedUnknown: string;
  missedNone: string;
  missed: (n: number) => string;
  callVoicemail: string;
  callVoicemailCount: (n: number) => string;
  voicemailWaiting: (n: number) => string;
  showWindow: string;
  hideWindow: string;
  quit: string;
}

const STRINGS: Record<'en' | 'de', Strings> = {
  en: {
    states: {
      available: 'Available',
      away: 'Away',
      xa: 'Extended away',
      chat: 'Free for chat',
      dnd: 'Do not disturb',
      unavailable: 'Unavailable',
      not_set: 'Not set',
    },
    setNote: 'Set note…',
    missedUnknown: 'Missed calls',
    missedNone: 'No missed calls',
    missed: (n) => (n === 1 ? '1 missed call' : `${n} missed calls`),
    callVoicemail: 'Call voicemail',
    callVoicemailCount: (n) => `Call voicemail (${n})`,
    voicemailWaiting: (n) => (n === 1 ? '1 new voicemail message' : `${n} new voicemail messages`),
    showWindow: 'Show window',
    hideWindow: 'Hide window',
    quit: 'Quit',
  },
  de: {
    states: {
      available: 'Verfügbar',
      away: 'Abwesend',
      xa: 'Länger abwesend',
      chat: 'Frei für Chat',
      dnd: 'Nicht stören',
      unavailable: 'Nicht verfügbar',
      not_set: 'Nicht gesetzt',
    },
    setNote: 'Notiz festlegen…',
    missedUnknown: 'Verpasste Anrufe',
    missedNone: 'Keine verpassten Anrufe',
    missed: (n) => (n === 1 ? '1 verpasster Anruf' : `${n} verpasste Anrufe`),
    callVoicemail: 'Mailbox anrufen',
    callVoicemailCount: (n) => `Mailbox anrufen (${n})`,
    voicemailWaiting: (n) => (n === 1 ? '1 neue Sprachnachricht' : `${n} neue Sprachnachrichten`),
    showWindow: 'Fenster anzeigen',
    hideWindow: 'Fenster ausblenden',
    quit: 'Beenden',
  },
};

/**
 * Tray colour per state, from the busy lamp field palette (`renderer/src/styles/theme.css`, light values: tray
 * icons sit on the OS panel, not on the app's surface). Available is the idle green, do not disturb the DND purple,
 * unavailable the offline grey, as colleagues' tiles show the same states; away is the hold amber and extended away
 * its darker `--busy` shade; chat takes the accent blue so it differs from plain available.
 */
export const TRAY_COLOURS: Readonly<Record<PresenceState, string>> = {
  available: '#167a3a', // --st-idle
  chat: '#1f5fd6', // --accent
  away: '#9c5a00', // --st-hold
  xa: '#a15a00', // --busy
  dnd: '#7d3aa6', // --st-dnd
  unavailable: '#626b78', // --st-off
  not_set: '#5d6673', // --st-unknown
};

// Windows truncates tray tooltips at 127 characters (NOTIFYICONDATA szTip); cut the note ourselves, visibly.
const TOOLTIP_MAX = 127;

function strings(locale: TrayState['locale']): Strings {
  return STRINGS[locale ?? 'en'];
}

/** The chosen custom state, when the own state is custom and it can be found. */
function chosenCustom(state: Pick<TrayState, 'own' | 'customStates'>): CustomPresenceState | undefined {
  const { own, customStates } = state;
  if (own.state !== 'custom') return undefined;
  if (own.customId !== undefined) return customStates.find((c) => c.id === own.customId);
  return own.label === undefined ? undefined : customStates.find((c) => c.label === own.label);
}

/** Builds the tray menu: the states as one radio group, set note, missed calls, show/hide window, quit. */
export function buildTrayMenu(state: TrayState): TrayMenuItem[] {
  const t = strings(state.locale);
  const custom = chosenCustom(state);
  const items: TrayMenuItem[] = MENU_STATES.map((s) => ({
    id: `state:${s}`,
    label: t.states[s],
    type: 'radio',
    checked: state.own.state === s,
    action: { kind: 'set-state', state: s },
  }));
  for (const c of state.customStates) {
    items.push({
      id: `state:custom:${c.id}`,
      label: c.label,
      type: 'radio',
      checked: custom?.id === c.id,
      action: { kind: 'set-state', state: 'custom', customId: c.id },
    });
  }
  const missed = state.missedCalls;
  const known = missed !== undefined && Number.isFinite(missed) && missed >= 0;
  const count = known ? Math.floor(missed) : 0;
  items.push(
    { id: 'separator:states', label: '', type: 'separator' },
    { id: 'set-note', label: t.setNote, type: 'normal', action: { kind: 'set-note' } },
    { id: 'separator:note', label: '', type: 'separator' },
    {
      id: 'missed-calls',
      label: !known ? t.missedUnknown : count === 0 ? t.missedNone : t.missed(count),
      type: 'normal',
      enabled: count > 0,
      action: { kind: 'show-missed' },
    },
    ...voicemailItems(state.voicemail, t),
    {
      id: 'toggle-window',
      label: state.windowVisible ? t.hideWindow : t.showWindow,
      type: 'normal',
      action: { kind: 'toggle-window' },
    },
    { id: 'separator:quit', label: '', type: 'separator' },
    { id: 'quit', label: t.quit, type: 'normal', action: { kind: 'quit' } },
  );
  return items;
}

/** "Call voicemail (3)" when a line watches its mailbox; disabled while no line has a number to dial. */
function voicemailItems(voicemail: TrayVoicemail | undefined, t: Strings): TrayMenuItem[] {
  if (!voicemail) return [];
  const waiting = waitingCount(voicemail);
  const item: TrayMenuItem = {
    id: 'call-voicemail',
    label: waiting > 0 ? t.callVoicemailCount(waiting) : t.callVoicemail,
    type: 'normal',
    enabled: voicemail.line !== undefined,
  };
  if (voicemail.line !== undefined) item.action = { kind: 'call-voicemail', line: voicemail.line };
  return [item];
}

/**
 * The tray's voicemail from the line states: the waiting total over enabled lines and the line to dial. Undefined
 * when no enabled line watches its mailbox or has a number to dial.
 */
export function trayVoicemail(lines: readonly LineState[]): TrayVoicemail | undefined {
  const enabled = lines.filter((line) => line.enabled && line.voicemail);
  const watched = enabled.filter((line) => line.voicemail!.state !== 'off' || line.voicemail!.dial !== undefined);
  if (watched.length === 0) return undefined;
  // "Messages-Waiting: yes" without counts still means something is waiting (RFC 3842 §5.2).
  const count = (line: LineState): number => (line.voicemail!.waiting ? Math.max(line.voicemail!.newMessages, 1) : 0);
  const dialable = watched.filter((line) => line.voicemail!.dial !== undefined);
  const line = dialable.find((l) => count(l) > 0) ?? dialable[0];
  return { waiting: watched.reduce((sum, l) => sum + count(l), 0), ...(line ? { line: line.number } : {}) };
}

function waitingCount(voicemail: TrayVoicemail | undefined): number {
  const n = voicemail?.waiting;
  return n !== undefined && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

/** The label of the own state as the tray shows it: the custom label, or the standard state's name. */
export function ownStateLabel(state: Pick<TrayState, 'own' | 'customStates' | 'locale'>): string {
  const t = strings(state.locale);
  if (state.own.state !== 'custom') return t.states[state.own.state];
  return chosenCustom(state)?.label ?? state.own.label ?? t.states.not_set;
}

/**
 * Tooltip: the state, then the note if any ("Available — Lunch break until 1 pm"), on one line; waiting voicemail
 * on a second ("3 new voicemail messages"), which the note is cut for, never the other way round.
 */
export function trayTooltip(state: Pick<TrayState, 'own' | 'customStates' | 'locale' | 'voicemail'>): string {
  const label = ownStateLabel(state);
  const note = state.own.note?.replace(/\s+/g, ' ').trim() ?? '';
  const waiting = waitingCount(state.voicemail);
  const second = waiting > 0 ? `\n${strings(state.locale).voicemailWaiting(waiting)}` : '';
  const max = TOOLTIP_MAX - second.length;
  const text = note === '' ? label : `${label} — ${note}`;
  if (text.length <= max) return text + second;
  // Never cut between the two halves of a surrogate pair (an emoji in the note).
  return `${text.slice(0, max - 1).replace(/[\uD800-\uDBFF]$/, '')}…${second}`;
}

/** Icon colour (`#rrggbb`) of the own state; a custom state shows its base state's colour. */
export function trayIconColor(state: Pick<TrayState, 'own' | 'customStates'>): string {
  if (state.own.state !== 'custom') return TRAY_COLOURS[state.own.state];
  const custom = chosenCustom(state);
  return TRAY_COLOURS[custom?.base ?? 'not_set'];
}
