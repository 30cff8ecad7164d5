/**
 * The editable form of the settings. Inputs are kept as typed (strings), so a half-typed number is never lost or
 * silently coerced; {@link toInput} turns the draft into the `SettingsInput` that `settings.save` and the shared
 * validator understand.
 */
import { DEFAULT_AUDIO_SETTINGS, type AudioSettings } from '../../../shared/audio';
import {
  DEFAULT_SETTINGS,
  type DesktopSettings,
  type DirectoryContact,
  type LineSrtp,
  type LineConfigInput,
  type LineTransport,
  type PublicLineConfig,
  type PublicSettings,
  type SettingsInput,
  type UiSettings,
} from '../../../shared/settings';
import {
  callsToInput,
  draftCallsFrom,
  draftFeatureCodesFrom,
  draftPresenceFrom,
  draftUiFrom,
  featureCodesToInput,
  presenceToInput,
  type DraftCalls,
  type DraftFeatureCodes,
  type DraftPresence,
} from './setup-draft';
import {
  draftNotifyFrom,
  draftTileFrom,
  draftTileListFrom,
  notifyToInput,
  tileListToInput,
  tileToInput,
  type DraftNotify,
  type DraftTile,
  type DraftTileList,
} from './tile-draft';

export interface DraftLine {
  id: string;
  enabled: boolean;
  displayName: string;
  user: string;
  authUser: string;
  /** A newly typed password; empty means "keep the stored one". */
  password: string;
  /** Remove the stored password on save. */
  clearPassword: boolean;
  hasPassword: boolean;
  domain: string;
  registrar: string;
  outboundProxy: string;
  transport: LineTransport;
  expires: string;
  fingerprint256: string;
  caFile: string;
  /** Subscribe to the own `presence.winfo` (opt-in: some PBXs crash on it). */
  watcherInfo: boolean;
  /** Presence feature codes by state (issue 4 §2), as typed; `''` = that state is not carried. */
  featureCodes: DraftFeatureCodes;
  /** Answer a second incoming call 486 while the line has a call (issue 9). */
  busyWhenOnCall: boolean;
  /** Feature codes for calls (issues 9, 11), as typed; `''` = none. */
  voicemailCode: string;
  transferCode: string;
  pickupPrefix: string;
  parkCode: string;
  voicemailTransferPrefix: string;
  /** Watch the line's own mailbox (issue 12 §6, RFC 3842); on unless switched off. */
  mwi: boolean;
  /** What "Call voicemail" dials, as typed; `''` = the Message-Account the PBX reports. */
  mailboxCode: string;
  /** SRTP of the line (issue 10); `''` = the default (offer on TLS, off otherwise). */
  srtp: LineSrtp | '';
  /** Never saved yet: Esc while editing removes it instead of restoring it. */
  isNew: boolean;
}

export interface DraftSettings {
  lines: DraftLine[];
  /** The default line follows its line through reordering, so it is kept by id, not number. */
  defaultLineId: string | undefined;
  sip: {
    t1Ms: string;
    t2Ms: string;
    t4Ms: string;
    retryBaseSeconds: string;
    retryMaxSeconds: string;
    keepAliveSeconds: string;
    subscriptionExpiresSeconds: string;
  };
  diagnostics: { traceToFile: boolean; traceBufferSize: string };
  /** Busy lamp field keys in panel order. */
  tiles: DraftTile[];
  tileLists: DraftTileList[];
  notify: DraftNotify;
  /** Own presence options (issue 4), edited under "Presence". */
  presence: DraftPresence;
  /** Call options (issue 9), edited under "Calls". */
  calls: DraftCalls;
  /** Language and theme of the window (issue 12). */
  ui: UiSettings;
  /**
   * Audio (issue 10): edited on the Audio screen, which saves each change at once with `audio.save`. Carried through
   * so the input is complete; the settings store sends the latest saved audio instead, never this copy.
   */
  audio: AudioSettings;
  /** Desktop integration (issue 12 §7), edited by its own card on this screen (a switch and a text: no draft form). */
  desktop: DesktopSettings;
  /**
   * Imported contacts (issue 12 "Names"), replaced as a whole by an import or "Remove all", never edited one by one.
   * Frozen, so Vue does not wrap 5,000 objects in proxies and every keystroke's {@link toInput} copies one array.
   */
  directory: { contacts: readonly DirectoryContact[] };
}

/** Contacts as the draft holds them: frozen (see {@link DraftSettings.directory}). */
export function frozenContacts(contacts: readonly DirectoryContact[]): readonly DirectoryContact[] {
  return Object.freeze(contacts.map((contact) => Object.freeze({ name: contact.name, number: contact.number })));
}

/** Editor fields of a line and where each sits in `SettingsInput` below `lines.<index>`. */
export const LINE_FIELD_PATHS = {
  enabled: 'enabled',
  displayName: 'displayName',
  user: 'user',
  authUser: 'authUser',
  password: 'password',
  domain: 'domain',
  registrar: 'registrar',
  outboundProxy: 'outboundProxy',
  transport: 'transport',
  expires: 'expires',
  watcherInfo: 'watcherInfo',
  busyWhenOnCall: 'busyWhenOnCall',
  srtp: 'srtp',
  voicemailCode: 'voicemailCode',
  transferCode: 'transferCode',
  pickupPrefix: 'pickupPrefix',
  parkCode: 'parkCode',
  voicemailTransferPrefix: 'voicemailTransferPrefix',
  mwi: 'mwi',
  mailboxCode: 'mailboxCode',
  fingerprint256: 'tls.fingerprint256',
  caFile: 'tls.caFile',
} as const satisfies Partial<Record<keyof DraftLine, string>>;

export type LineField = keyof typeof LINE_FIELD_PATHS;

export function newLineId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return `line-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

export function draftLineFrom(line: PublicLineConfig): DraftLine {
  return {
    id: line.id,
    enabled: line.enabled,
    displayName: line.displayName,
    user: line.user,
    authUser: line.authUser ?? '',
    password: '',
    clearPassword: false,
    hasPassword: line.hasPassword,
    domain: line.domain,
    registrar: line.registrar ?? '',
    outboundProxy: line.outboundProxy ?? '',
    transport: line.transport,
    expires: String(line.expires),
    fingerprint256: line.tls?.fingerprint256 ?? '',
    caFile: line.tls?.caFile ?? '',
    watcherInfo: line.watcherInfo === true,
    featureCodes: draftFeatureCodesFrom(line.featureCodes),
    busyWhenOnCall: line.busyWhenOnCall === true,
    voicemailCode: line.voicemailCode ?? '',
    transferCode: line.transferCode ?? '',
    pickupPrefix: line.pickupPrefix ?? '',
    parkCode: line.parkCode ?? '',
    voicemailTransferPrefix: line.voicemailTransferPrefix ?? '',
    mwi: line.mwi !== false,
    mailboxCode: line.mailboxCode ?? '',
    srtp: line.srtp ?? '',
    isNew: false,
  };
}

export function emptyDraftLine(): DraftLine {
  return {
    id: newLineId(),
    enabled: true,
    displayName: '',
    user: '',
    authUser: '',
    password: '',
    clearPassword: false,
    hasPassword: false,
    domain: '',
    registrar: '',
    outboundProxy: '',
    transport: 'udp',
    expires: '3600',
    fingerprint256: '',
    caFile: '',
    watcherInfo: false,
    featureCodes: draftFeatureCodesFrom(undefined),
    busyWhenOnCall: false,
    voicemailCode: '',
    transferCode: '',
    pickupPrefix: '',
    parkCode: '',
    voicemailTransferPrefix: '',
    mwi: true,
    mailboxCode: '',
    srtp: '',
    isNew: true,
  };
}

export function draftFrom(settings: PublicSettings): DraftSettings {
  const s = settings.sip;
  return {
    lines: settings.lines.map(draftLineFrom),
    defaultLineId: settings.lines[settings.defaultLine - 1]?.id ?? settings.lines[0]?.id,
    sip: {
      t1Ms: String(s.t1Ms),
      t2Ms: String(s.t2Ms),
      t4Ms: String(s.t4Ms),
      retryBaseSeconds: String(s.retryBaseSeconds),
      retryMaxSeconds: String(s.retryMaxSeconds),
      keepAliveSeconds: String(s.keepAliveSeconds),
      subscriptionExpiresSeconds: String(s.subscriptionExpiresSeconds),
    },
    diagnostics: {
      traceToFile: settings.diagnostics.traceToFile,
      traceBufferSize: String(settings.diagnostics.traceBufferSize),
    },
    tiles: settings.tiles.map(draftTileFrom),
    tileLists: settings.tileLists.map(draftTileListFrom),
    notify: draftNotifyFrom(settings.notify),
    presence: draftPresenceFrom(settings.presence),
    calls: draftCallsFrom(settings.calls),
    audio: copyAudio(settings.audio ?? DEFAULT_AUDIO_SETTINGS),
    ui: draftUiFrom(settings.ui),
    desktop: { ...(settings.desktop ?? DEFAULT_SETTINGS.desktop) },
    directory: { contacts: frozenContacts(settings.directory?.contacts ?? []) },
  };
}

/** A typed number as a number; anything else (empty, "12x") becomes NaN so validation names the field. */
function num(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

const optional = (text: string): string | undefined => (text.trim() === '' ? undefined : text.trim());

/** The line's call feature codes (edited under "Call features"); empty = not set. */
export const CALL_CODES = ['voicemailCode', 'transferCode', 'pickupPrefix', 'parkCode', 'voicemailTransferPrefix'] as const;

export function lineToInput(line: DraftLine): LineConfigInput {
  const input: LineConfigInput = {
    id: line.id,
    enabled: line.enabled,
    displayName: line.displayName.trim(),
    user: line.user.trim(),
    domain: line.domain.trim(),
    transport: line.transport,
    expires: num(line.expires),
  };
  const authUser = optional(line.authUser);
  if (authUser !== undefined) input.authUser = authUser;
  const registrar = optional(line.registrar);
  if (registrar !== undefined) input.registrar = registrar;
  const proxy = optional(line.outboundProxy);
  if (proxy !== undefined) input.outboundProxy = proxy;
  // Only an opted-in line carries the flag, as the engine stores it, so an untouched line never looks changed.
  if (line.watcherInfo) input.watcherInfo = true;
  const featureCodes = featureCodesToInput(line.featureCodes);
  if (featureCodes) input.featureCodes = featureCodes;
  // Like watcherInfo: only `true` is stored, so switching it on and off again leaves the line unchanged.
  if (line.busyWhenOnCall) input.busyWhenOnCall = true;
  for (const code of CALL_CODES) {
    const value = optional(line[code]);
    if (value !== undefined) input[code] = value;
  }
  if (line.srtp !== '') input.srtp = line.srtp;
  // The mailbox is watched by default (issue 12 §6): only `false` is stored, so an untouched line never looks changed.
  if (!line.mwi) input.mwi = false;
  const mailboxCode = optional(line.mailboxCode);
  if (mailboxCode !== undefined) input.mailboxCode = mailboxCode;
  // Absent = keep the stored password; '' = clear it (LineConfigInput).
  if (line.password !== '') input.password = line.password;
  else if (line.clearPassword) input.password = '';
  if (line.transport === 'tls') {
    const fingerprint256 = optional(line.fingerprint256);
    const caFile = optional(line.caFile);
    if (fingerprint256 !== undefined || caFile !== undefined) {
      input.tls = {};
      if (fingerprint256 !== undefined) input.tls.fingerprint256 = fingerprint256;
      if (caFile !== undefined) input.tls.caFile = caFile;
    }
  }
  return input;
}

export function toInput(draft: DraftSettings): SettingsInput {
  const defaultIndex = draft.lines.findIndex((line) => line.id === draft.defaultLineId);
  return {
    version: 1,
    lines: draft.lines.map(lineToInput),
    defaultLine: defaultIndex >= 0 ? defaultIndex + 1 : 1,
    sip: {
      t1Ms: num(draft.sip.t1Ms),
      t2Ms: num(draft.sip.t2Ms),
      t4Ms: num(draft.sip.t4Ms),
      retryBaseSeconds: num(draft.sip.retryBaseSeconds),
      retryMaxSeconds: num(draft.sip.retryMaxSeconds),
      keepAliveSeconds: num(draft.sip.keepAliveSeconds),
      subscriptionExpiresSeconds: num(draft.sip.subscriptionExpiresSeconds),
    },
    diagnostics: {
      traceToFile: draft.diagnostics.traceToFile,
      traceBufferSize: num(draft.diagnostics.traceBufferSize),
    },
    tiles: draft.tiles.map(tileToInput),
    tileLists: draft.tileLists.map(tileListToInput),
    notify: notifyToInput(draft.notify),
    presence: presenceToInput(draft.presence),
    calls: callsToInput(draft.calls),
    audio: copyAudio(draft.audio),
    ui: { ...draft.ui },
    desktop: { ...draft.desktop },
    // Frozen objects: sharing them is safe, and copying 5,000 on every keystroke is not needed.
    directory: { contacts: [...draft.directory.contacts] },
  };
}

/** A deep copy of audio settings (the device choices are objects). */
export function copyAudio(audio: AudioSettings): AudioSettings {
  const copy: AudioSettings = { ...audio };
  for (const role of ['microphone', 'headset', 'ringer'] as const) {
    const device = audio[role];
    if (device) copy[role] = { ...device };
  }
  return copy;
}

/** Reads the value at a dotted path (`lines.2.domain`) of a plain object, for matching server errors to edits. */
export function valueAt(root: unknown, path: string): unknown {
  let node: unknown = root;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
