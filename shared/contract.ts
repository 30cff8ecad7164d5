/**
 * The one typed contract between main and renderer. Both the Electron IPC wrapper (electron/main/ipc.ts,
 * electron/preload/index.ts) and the serve-mode WebSocket server (electron/serve/) are generated from
 * {@link commandValidators} and {@link eventNames}; nothing else touches IPC. See docs/api.md for the wire format.
 */
import type { AudioSettings, AudioDeviceChoice } from './audio';
import { audioSettingsErrors } from './audio-validate';
import { DTMF_DIGITS, type CallView } from './calls';
import { controlCharactersMessage, hasControlCharacters } from './control-characters';
import type { HistoryFilter, HistoryPage, HistoryQuery, HistorySummary } from './history';
import { MAX_KEY_FILE_CHARS, type KeyImportReport } from './key-import';
import type { LineState } from './lines';
import type { Result } from './result';
import { fail, ok } from './result';
import type { PublicSettings, SettingsInput } from './settings';
import type { OwnPresence, PresenceSnapshot } from './presence';
import type { NotifyQueueStats, PresenceState, TileConfig, TilesPatch, TileView } from './tiles';
import type { TraceEntry, TraceFilter, TracePage } from './trace';

/** Everything the UI needs to draw itself from nothing. Tiles, calls and history join it in later issues. */
export interface Snapshot {
  app: { version: string; mode: 'electron' | 'serve' };
  settings: PublicSettings;
  lines: LineState[];
  /** Every tile (configured tiles first, in order, then list members by list). */
  tiles: TileView[];
  blf: NotifyQueueStats;
  presence: PresenceSnapshot;
  /** Every call in progress (and calls ended in the last few seconds, so their outcome stays readable). */
  calls: CallView[];
  history: HistorySummary;
  /** Whether the last settings file load failed, and why (the app then runs on the last good settings). */
  settingsProblem?: string;
}

/** Commands: name → { args, result }. `args` is what the caller passes; `result` is the success value. */
export interface Commands {
  snapshot: { args: void; result: Snapshot };
  'settings.save': { args: SettingsInput; result: PublicSettings };
  'lines.reregister': { args: { line: number }; result: LineState };
  /** One page of the SIP trace, newest matches first fetched; page backwards with `before: nextCursor`. */
  'trace.list': { args: TraceFilter; result: TracePage };
  'trace.clear': { args: void; result: void };
  /** Parses a phone key configuration (seed 000 `<key><keyConfiguration>…`) into tiles; the caller saves them. */
  'tiles.importXml': { args: { xml: string }; result: TileConfig[] };
  /**
   * Reads a key file of any supported format (console XML, snom, Yealink, Grandstream, Auerswald-style CSV; issue
   * 12 §5) into tiles with the detected format and a warning per skipped key; the caller previews and saves them.
   */
  'tiles.importKeys': { args: { text: string }; result: KeyImportReport };
  'blf.stats': { args: void; result: NotifyQueueStats };
  /**
   * "Refresh lamps": renews every BLF subscription (of one line, or all), paced, and marks the tiles stale until
   * the fresh state arrives. Result: how many subscriptions are being renewed.
   */
  'blf.refresh': { args: { line?: number }; result: { subscriptions: number } };
  /** Sets the own presence; every line publishes it (issue 4). */
  'presence.set': { args: OwnPresence; result: PresenceSnapshot };
  /** The user is at the screen (serve mode has no OS idle time: the UI reports input, throttled). */
  'presence.activity': { args: void; result: void };
  /**
   * Dials `target` (a number, `sip:` or `tel:` URI) on `line` (default: the default line). Answering is not
   * awaited: the result is the call as it starts; `calls.changed` follows it.
   */
  'calls.dial': { args: { line?: number; target: string }; result: CallView };
  /** Answers a ringing incoming call; a connected call is put on hold first. */
  'calls.answer': { args: { call: string }; result: CallView };
  /** Rejects a ringing incoming call: 603 Decline, or 302 to the line's voicemail code with `voicemail: true`. */
  'calls.reject': { args: { call: string; voicemail?: boolean }; result: CallView };
  /** Ends a call in any state (CANCEL while dialling, BYE once answered, 603 while ringing here). */
  'calls.hangup': { args: { call: string }; result: CallView };
  'calls.hold': { args: { call: string }; result: CallView };
  /** Takes a call off hold; any other connected call is held first. */
  'calls.resume': { args: { call: string }; result: CallView };
  /** Sends DTMF digits: RFC 4733 events when negotiated, else SIP INFO (application/dtmf-relay). */
  'calls.sendDtmf': { args: { call: string; digits: string }; result: void };
  /**
   * Transfers a call (issue 11). `blind`: REFER to `target` at once (RFC 3515); the call stays until the transfer
   * succeeded, and comes back off hold when it fails. `attended`: the same as `calls.consult`. `voicemail: true`
   * transfers to the voicemail of extension `target` (the line's `voicemailTransferPrefix`).
   */
  'calls.transfer': { args: { call: string; target: string; mode: 'blind' | 'attended'; voicemail?: boolean }; result: CallView };
  /** Holds `call` and dials `target` as a consultation (its CallView has `consultFor`). Result: the consultation. */
  'calls.consult': { args: { call: string; target: string }; result: CallView };
  /**
   * Completes an attended transfer: REFER with Replaces for the consultation (RFC 5589 §7); while the target still
   * rings, the consultation is cancelled and the call is transferred blind (semi-attended). Result: the held call.
   */
  'calls.completeTransfer': { args: { consult: string }; result: CallView };
  /** Directed pickup of the call ringing at a tile: INVITE with Replaces (early-only), else the line's pickup code. */
  'calls.pickup': { args: { tile: string }; result: CallView };
  /** Parks a call: blind transfer to a park slot tile's extension (`slot`), or to the line's park code. */
  'calls.park': { args: { call: string; slot?: string }; result: CallView };
  /** Mutes or unmutes the microphone for one call: the far end hears silence, RTP keeps flowing. */
  'calls.mute': { args: { call: string; muted: boolean }; result: CallView };
  /**
   * Changes the audio settings (devices, processing, ringer volume) without a full settings save: fields present
   * replace, a device set to `null` goes back to the system default. Result: the audio settings as saved.
   */
  'audio.save': { args: AudioSettingsPatch; result: AudioSettings };
  /** One page of the call history, newest first. */
  'history.list': { args: HistoryQuery; result: HistoryPage };
  /** Marks every missed call seen (the badge clears). */
  'history.markSeen': { args: void; result: HistorySummary };
  /** Forgets the whole history (the journal is emptied). */
  'history.clear': { args: void; result: HistorySummary };
}

/** `audio.save` arguments: any subset of {@link AudioSettings}; `null` clears a device choice. */
export type AudioSettingsPatch = Partial<Omit<AudioSettings, 'microphone' | 'headset' | 'ringer'>> & {
  microphone?: AudioDeviceChoice | null;
  headset?: AudioDeviceChoice | null;
  ringer?: AudioDeviceChoice | null;
};

/** Events main → renderer: name → payload. */
export interface Events {
  /** The whole list of line states after any change (at most a few per second). */
  'lines.changed': LineState[];
  'settings.changed': PublicSettings;
  /** New trace entries, batched. */
  'trace.appended': TraceEntry[];
  /** Tile changes, batched (at most ~20 a second). */
  'tiles.patch': TilesPatch;
  /** NOTIFY queue figures, at most once a second while they change. */
  'blf.stats': NotifyQueueStats;
  /** Own presence, per-line publication status or watchers changed. */
  'presence.changed': PresenceSnapshot;
  /** Every call after any change of one (state, hold, timers' anchors, media counters at most once a second). */
  'calls.changed': CallView[];
  /** The history changed (a call ended, seen, cleared): the summary; views refetch their page. */
  'history.changed': HistorySummary;
}

export type CommandName = keyof Commands;
export type EventName = keyof Events;
export type CommandArgs<K extends CommandName> = Commands[K]['args'];
export type CommandResult<K extends CommandName> = Result<Commands[K]['result']>;

/** The API the renderer gets, over IPC (preload) or WebSocket (serve). */
export interface ConsoleApi {
  invoke<K extends CommandName>(command: K, args: CommandArgs<K>): Promise<CommandResult<K>>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

/** The main-side implementation of every command. */
export type CommandHandlers = {
  [K in CommandName]: (args: CommandArgs<K>) => Promise<CommandResult<K>> | CommandResult<K>;
};

/** Validates raw arguments at the trust boundary. */
export type ArgsValidator<T> = (raw: unknown) => Result<T>;

const noArgs: ArgsValidator<void> = (raw) =>
  raw === undefined || raw === null ? ok(undefined) : fail('invalid-argument', 'This command takes no arguments');

function isRecord(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

const lineRef: ArgsValidator<{ line: number }> = (raw) => {
  if (!isRecord(raw) || !Number.isInteger(raw.line) || (raw.line as number) < 1)
    return fail('invalid-argument', 'line must be a line number from 1', { field: 'line' });
  return ok({ line: raw.line as number });
};

const callRef: ArgsValidator<{ call: string }> = (raw) => {
  if (!isRecord(raw) || typeof raw.call !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(raw.call))
    return fail('invalid-argument', 'call must be a call id from calls.changed', { field: 'call' });
  return ok({ call: raw.call });
};

/** A number or SIP address to dial or transfer to (the same rule as `calls.dial`'s target). */
function dialTarget(raw: unknown, field = 'target'): Result<string> {
  if (typeof raw !== 'string' || raw.trim().length === 0 || raw.length > 256)
    return fail('invalid-argument', `${field} must be a number or SIP address of at most 256 characters`, { field });
  if (hasControlCharacters(raw)) return fail('invalid-argument', controlCharactersMessage('', field), { field });
  return ok(raw.trim());
}

const traceFilter: ArgsValidator<TraceFilter> = (raw) => {
  if (raw === undefined || raw === null) return ok({});
  if (!isRecord(raw)) return fail('invalid-argument', 'filter must be an object');
  const filter: TraceFilter = {};
  if (raw.text !== undefined) {
    if (typeof raw.text !== 'string' || raw.text.length > 200)
      return fail('invalid-argument', 'text must be a string of at most 200 characters', { field: 'text' });
    filter.text = raw.text;
  }
  if (raw.method !== undefined) {
    if (typeof raw.method !== 'string' || !/^[A-Za-z]{0,20}$/.test(raw.method))
      return fail('invalid-argument', 'method must be a SIP method name', { field: 'method' });
    filter.method = raw.method;
  }
  if (raw.direction !== undefined) {
    if (raw.direction !== 'in' && raw.direction !== 'out')
      return fail('invalid-argument', 'direction must be "in" or "out"', { field: 'direction' });
    filter.direction = raw.direction;
  }
  if (raw.limit !== undefined) {
    if (!Number.isInteger(raw.limit) || (raw.limit as number) < 1 || (raw.limit as number) > 100_000)
      return fail('invalid-argument', 'limit must be an integer from 1 to 100000', { field: 'limit' });
    filter.limit = raw.limit as number;
  }
  if (raw.before !== undefined) {
    if (!Number.isSafeInteger(raw.before) || (raw.before as number) < 1)
      return fail('invalid-argument', 'before must be a cursor from a previous page (a positive integer)', {
        field: 'before',
      });
    filter.before = raw.before as number;
  }
  return ok(filter);
};

/**
 * Shape check for `settings.save`; the full field-by-field validation (with field paths) runs in main through
 * `validateSettingsInput` so the same messages reach the UI.
 */
const settingsInput: ArgsValidator<SettingsInput> = (raw) =>
  isRecord(raw) ? ok(raw as unknown as SettingsInput) : fail('invalid-settings', 'settings must be an object');

/** One validator per command: the runtime list of commands the transports expose. */
export const commandValidators: { [K in CommandName]: ArgsValidator<CommandArgs<K>> } = {
  snapshot: noArgs,
  'settings.save': settingsInput,
  'lines.reregister': lineRef,
  'trace.list': traceFilter,
  'trace.clear': noArgs,
  'tiles.importXml': (raw) => {
    if (!isRecord(raw) || typeof raw.xml !== 'string') return fail('invalid-argument', 'xml must be a string', { field: 'xml' });
    if (raw.xml.length > 2_000_000) return fail('invalid-argument', 'xml is larger than 2 MB', { field: 'xml' });
    return ok({ xml: raw.xml });
  },
  'tiles.importKeys': (raw) => {
    if (!isRecord(raw) || typeof raw.text !== 'string') return fail('invalid-argument', 'text must be a string', { field: 'text' });
    if (raw.text.length > MAX_KEY_FILE_CHARS)
      return fail('invalid-argument', `the key file is larger than ${MAX_KEY_FILE_CHARS >> 20} MB`, { field: 'text' });
    return ok({ text: raw.text });
  },
  'blf.stats': noArgs,
  'blf.refresh': (raw) => {
    if (raw === undefined || raw === null) return ok({});
    if (!isRecord(raw)) return fail('invalid-argument', 'blf.refresh takes { line? }');
    if (raw.line === undefined) return ok({});
    return lineRef(raw);
  },
  'presence.set': (raw) => {
    if (!isRecord(raw)) return fail('invalid-argument', 'presence must be an object');
    if (typeof raw.state !== 'string' || !PRESENCE_STATES.includes(raw.state as PresenceState))
      return fail('invalid-argument', `state must be one of ${PRESENCE_STATES.join(', ')}`, { field: 'state' });
    if (raw.note !== undefined && (typeof raw.note !== 'string' || raw.note.length > 200))
      return fail('invalid-argument', 'note must be text of at most 200 characters', { field: 'note' });
    // The note is published in the PIDF body on every line: no control characters (shared/control-characters.ts).
    if (typeof raw.note === 'string' && hasControlCharacters(raw.note))
      return fail('invalid-argument', controlCharactersMessage('', 'note'), { field: 'note' });
    if (raw.customId !== undefined && (typeof raw.customId !== 'string' || raw.customId.length > 64))
      return fail('invalid-argument', 'customId must be a custom state id', { field: 'customId' });
    const own: OwnPresence = { state: raw.state as PresenceState };
    if (raw.note) own.note = raw.note as string;
    if (raw.customId) own.customId = raw.customId as string;
    return ok(own);
  },
  'presence.activity': noArgs,
  'calls.dial': (raw) => {
    if (!isRecord(raw)) return fail('invalid-argument', 'calls.dial takes { line?, target }');
    if (typeof raw.target !== 'string' || raw.target.trim().length === 0 || raw.target.length > 256)
      return fail('invalid-argument', 'target must be a number or SIP address of at most 256 characters', { field: 'target' });
    if (hasControlCharacters(raw.target)) return fail('invalid-argument', controlCharactersMessage('', 'target'), { field: 'target' });
    if (raw.line === undefined || raw.line === null) return ok({ target: raw.target.trim() });
    const line = lineRef(raw);
    return line.ok ? ok({ line: line.value.line, target: raw.target.trim() }) : line;
  },
  'calls.answer': callRef,
  'calls.reject': (raw) => {
    const ref = callRef(raw);
    if (!ref.ok) return ref;
    const voicemail = (raw as Record<string, unknown>).voicemail;
    if (voicemail !== undefined && typeof voicemail !== 'boolean')
      return fail('invalid-argument', 'voicemail must be true or false', { field: 'voicemail' });
    return ok(voicemail ? { call: ref.value.call, voicemail } : ref.value);
  },
  'calls.hangup': callRef,
  'calls.hold': callRef,
  'calls.resume': callRef,
  'calls.sendDtmf': (raw) => {
    const ref = callRef(raw);
    if (!ref.ok) return ref;
    const digits = (raw as Record<string, unknown>).digits;
    if (typeof digits !== 'string' || !DTMF_DIGITS.test(digits))
      return fail('invalid-argument', 'digits must be 1–32 of 0-9, *, #, A-D', { field: 'digits' });
    return ok({ call: ref.value.call, digits });
  },
  'calls.transfer': (raw) => {
    const ref = callRef(raw);
    if (!ref.ok) return ref;
    const r = raw as Record<string, unknown>;
    const target = dialTarget(r.target);
    if (!target.ok) return target;
    if (r.mode !== 'blind' && r.mode !== 'attended') return fail('invalid-argument', 'mode must be "blind" or "attended"', { field: 'mode' });
    if (r.voicemail !== undefined && typeof r.voicemail !== 'boolean') return fail('invalid-argument', 'voicemail must be true or false', { field: 'voicemail' });
    return ok({ call: ref.value.call, target: target.value, mode: r.mode, ...(r.voicemail === true ? { voicemail: true } : {}) });
  },
  'calls.consult': (raw) => {
    const ref = callRef(raw);
    if (!ref.ok) return ref;
    const target = dialTarget((raw as Record<string, unknown>).target);
    return target.ok ? ok({ call: ref.value.call, target: target.value }) : target;
  },
  'calls.completeTransfer': (raw) => {
    const consult = isRecord(raw) ? callRef({ call: raw.consult }) : callRef(undefined);
    return consult.ok ? ok({ consult: consult.value.call }) : fail('invalid-argument', 'consult must be the id of a consultation call', { field: 'consult' });
  },
  'calls.pickup': (raw) => {
    if (!isRecord(raw) || typeof raw.tile !== 'string' || raw.tile.length === 0 || raw.tile.length > 300 || hasControlCharacters(raw.tile))
      return fail('invalid-argument', 'tile must be a tile id from the panel', { field: 'tile' });
    return ok({ tile: raw.tile });
  },
  'calls.park': (raw) => {
    const ref = callRef(raw);
    if (!ref.ok) return ref;
    const slot = (raw as Record<string, unknown>).slot;
    if (slot === undefined) return ok({ call: ref.value.call });
    const target = dialTarget(slot, 'slot');
    return target.ok ? ok({ call: ref.value.call, slot: target.value }) : target;
  },
  'calls.mute': (raw) => {
    const ref = callRef(raw);
    if (!ref.ok) return ref;
    const muted = (raw as Record<string, unknown>).muted;
    if (typeof muted !== 'boolean') return fail('invalid-argument', 'muted must be true or false', { field: 'muted' });
    return ok({ call: ref.value.call, muted });
  },
  'audio.save': (raw) => {
    if (!isRecord(raw)) return fail('invalid-settings', 'audio.save takes an object of audio settings');
    const errors = audioSettingsErrors(raw, 'audio');
    const first = errors[0];
    if (first) return fail('invalid-settings', first.message, { field: first.field });
    return ok(raw as AudioSettingsPatch);
  },
  'history.list': (raw) => {
    if (raw === undefined || raw === null) return ok({});
    if (!isRecord(raw)) return fail('invalid-argument', 'history.list takes { filter?, before?, limit? }');
    const query: HistoryQuery = {};
    if (raw.filter !== undefined) {
      if (!HISTORY_FILTERS.includes(raw.filter as HistoryFilter))
        return fail('invalid-argument', `filter must be one of ${HISTORY_FILTERS.join(', ')}`, { field: 'filter' });
      query.filter = raw.filter as HistoryFilter;
    }
    if (raw.before !== undefined) {
      if (!Number.isSafeInteger(raw.before) || (raw.before as number) < 0)
        return fail('invalid-argument', 'before must be a cursor from a previous page', { field: 'before' });
      query.before = raw.before as number;
    }
    if (raw.limit !== undefined) {
      if (!Number.isInteger(raw.limit) || (raw.limit as number) < 1 || (raw.limit as number) > 500)
        return fail('invalid-argument', 'limit must be an integer from 1 to 500', { field: 'limit' });
      query.limit = raw.limit as number;
    }
    return ok(query);
  },
  'history.markSeen': noArgs,
  'history.clear': noArgs,
};

const HISTORY_FILTERS: readonly HistoryFilter[] = ['all', 'missed', 'incoming', 'outgoing'];

/** States a user can choose (Asterisk's, without `not_set`). */
export const PRESENCE_STATES: readonly PresenceState[] = ['available', 'away', 'xa', 'chat', 'dnd', 'unavailable'];

export const commandNames = Object.keys(commandValidators) as CommandName[];

/** The runtime list of events (kept in step with {@link Events} by the `satisfies` check). */
export const eventNames = ['lines.changed', 'settings.changed', 'trace.appended', 'tiles.patch', 'blf.stats', 'presence.changed', 'calls.changed', 'history.changed'] as const satisfies readonly EventName[];

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(commandValidators, name);
}

/** IPC channel names, so preload and main agree without sharing code beyond this file. */
export const ipcChannel = {
  command: (name: CommandName) => `cmd:${name}`,
  event: (name: EventName) => `evt:${name}`,
};
