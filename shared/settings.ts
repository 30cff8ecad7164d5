import { DEFAULT_AUDIO_SETTINGS, type AudioSettings } from './audio';
import type { CustomPresenceState } from './presence';
import { NOTIFY_PROFILES, type NotifyThrottleSettings, type PresenceState, type TileConfig, type TileListConfig } from './tiles';

/**
 * Settings model (stored as JSON in the data dir, see docs/config.md). Validation lives in `settings-validate.ts`.
 */
export type LineTransport = 'udp' | 'tcp' | 'tls';

/** How a TLS line trusts its server when the system store does not. Never "accept anything". */
export interface LineTlsTrust {
  /** SHA-256 fingerprint of the server's (self-signed) certificate, hex with or without colons. */
  fingerprint256?: string;
  /** Absolute path of a PEM CA bundle to trust for this line. */
  caFile?: string;
}

/** One SIP identity (a "line"). Lines are numbered from 1 in the order configured. */
export interface LineConfig {
  /** Stable id that survives reordering (used to keep the stored password when the UI does not resend it). */
  id: string;
  enabled: boolean;
  displayName: string;
  /** User part of the address of record. */
  user: string;
  /** Digest username; defaults to `user`. */
  authUser?: string;
  /** Digest password. Stored encrypted where possible; never sent to the renderer. */
  password?: string;
  /** Domain of the address of record (`sip:user@domain`). */
  domain: string;
  /** Registrar `host[:port]`; defaults to the domain (resolved per RFC 3263). */
  registrar?: string;
  /** Outbound proxy `host[:port]`; every request of the line goes there first. */
  outboundProxy?: string;
  transport: LineTransport;
  /** Requested registration lifetime in seconds (the registrar may shorten it or ask for more with 423). */
  expires: number;
  tls?: LineTlsTrust;
  /**
   * Feature codes dialled as a short call to carry the own presence when the PBX refuses PUBLISH (405/489/501, e.g.
   * Asterisk), by state, for example `{ "dnd": "*78", "available": "*79" }`. A state without a code is not carried.
   */
  featureCodes?: Partial<Record<PresenceState, string>>;
  /**
   * Subscribe to the line's own `presence.winfo` (RFC 3857) to list who watches its presence. Off by default:
   * Kamailio 5.6.3 with memory-only subscriptions (`subs_db_mode 0`) crashes on that SUBSCRIBE (docs/config.md).
   */
  watcherInfo?: boolean;
  /** Answer a new incoming call 486 Busy Here while this line has a call (issue 9); off: a second call rings. */
  busyWhenOnCall?: boolean;
  /** Number an incoming call is sent to by "Send to voicemail" (302 to `sip:<code>@<domain>`), e.g. `*97`. */
  voicemailCode?: string;
  /**
   * SRTP for the line's calls (issue 10, RFC 3711 with SDES keys, RFC 4568), only ever on a TLS line: keys in SDP
   * over plain UDP/TCP would be readable by anyone on the path. `offer` (default on TLS): offer SRTP, accept plain
   * RTP when the far end declines. `require`: SRTP or no call. `off`: plain RTP. Ignored on UDP/TCP lines.
   */
  srtp?: LineSrtp;
  /**
   * Issue 11. Blind transfer by DTMF when the PBX refuses REFER (405/501): this code, then the target, then `#`
   * (Asterisk's `##` blind transfer feature). Absent: no fallback, the failure is shown.
   */
  transferCode?: string;
  /** Directed pickup when the ringing dialog's ids are unknown: dialled as this prefix + extension; default `**`. */
  pickupPrefix?: string;
  /** Park: a blind transfer to this extension (Asterisk `700`, FreeSWITCH valet park `*5900`); absent: no Park. */
  parkCode?: string;
  /** Transfer to an extension's voicemail: this prefix + extension (e.g. `*` on Asterisk with `*<ext>`). */
  voicemailTransferPrefix?: string;
  /**
   * Watch the line's own mailbox (RFC 3842 `message-summary` SUBSCRIBE to the line's address of record) and show the
   * waiting count on the line, in the title and in the tray. On unless `false`; a PBX that answers 489/403/404 stops
   * it quietly for that line.
   */
  mwi?: boolean;
  /**
   * What "Call voicemail" dials to reach the line's own mailbox, e.g. `*97` (Asterisk VoiceMailMain). Absent: the
   * `Message-Account` URI of the last message summary. Not `voicemailCode`, which sends a caller to voicemail.
   */
  mailboxCode?: string;
}

export type LineSrtp = 'off' | 'offer' | 'require';

/** Line as the renderer sees it: the password is replaced by a flag. */
export type PublicLineConfig = Omit<LineConfig, 'password'> & { hasPassword: boolean };

/** Line as the renderer sends it back: `password` absent = keep the stored one; `''` = clear it. */
export type LineConfigInput = Omit<LineConfig, 'password'> & { password?: string };

/** RFC 3261 §17 timer bases and registration retry policy. */
export interface SipTimingSettings {
  t1Ms: number;
  t2Ms: number;
  t4Ms: number;
  /** First retry delay after a failed registration; doubles up to `retryMaxSeconds` with ±20 % jitter. */
  retryBaseSeconds: number;
  retryMaxSeconds: number;
  /**
   * OPTIONS keep-alive interval for UDP lines (0 = off): a registrar that stops answering marks the line failed within
   * about this plus Timer F, instead of at the next refresh. TCP/TLS lines use CRLF keep-alives (RFC 5626 §4.4.1).
   */
  keepAliveSeconds: number;
  /**
   * Expires asked for in every SUBSCRIBE (RFC 6665 §4.1.2.1): also the longest a lamp can stay frozen when a PBX
   * restart goes unnoticed, since the refresh then fails with 481 and the subscription is made anew.
   */
  subscriptionExpiresSeconds: number;
}

export interface DiagnosticsSettings {
  /** Write the SIP trace to rotating files under `<data dir>/logs/`. */
  traceToFile: boolean;
  /** Number of messages kept in memory for the diagnostics view. */
  traceBufferSize: number;
}

export interface Settings {
  version: 1;
  lines: LineConfig[];
  /** 1-based number of the default outgoing line. */
  defaultLine: number;
  sip: SipTimingSettings;
  diagnostics: DiagnosticsSettings;
  /** Busy lamp field keys, in display order. */
  tiles: TileConfig[];
  /** Resource-list groups (RFC 4662), each shown as a group of tiles. */
  tileLists: TileListConfig[];
  notify: NotifyThrottleSettings;
  presence: PresenceSettings;
  calls: CallSettings;
  /** Audio devices and processing (issue 10). */
  audio: AudioSettings;
  /** Language and theme of the window (issue 12); validated in `ui-validate.ts`. */
  ui: UiSettings;
  /** Desktop integration of the Electron app (issue 12 §7); kept but without effect in serve mode. */
  desktop: DesktopSettings;
  /** Imported contacts for the directory (issue 12 "Names"); validated in `directory-validate.ts`. */
  directory: DirectorySettings;
}

/** One imported contact: a name and one of its numbers (a person with three numbers is three contacts). */
export interface DirectoryContact {
  /** 1..{@link MAX_CONTACT_NAME} characters, no control characters. */
  name: string;
  /** A phone number, `sip:`/`tel:` URI or `user@host` (shared/directory-key.ts `isContactNumber`). */
  number: string;
}

/**
 * The directory's own entries (issue 12 "Names"): contacts imported from a CSV or vCard file in Settings. They name
 * callers after the configured tiles and list members and before names from the call history. Missing in files from
 * before it: no contacts.
 */
export interface DirectorySettings {
  contacts: DirectoryContact[];
}

/**
 * At most this many contacts. Every settings save and `settings.changed` carries them all: 5,000 typical contacts are
 * about 300 KB of JSON, well inside serve's 1 MiB WebSocket frame (electron/serve/frames.ts).
 */
export const MAX_CONTACTS = 5000;
/** Longest contact name, in characters. */
export const MAX_CONTACT_NAME = 100;
/** Longest contact number or address, in characters. */
export const MAX_CONTACT_NUMBER = 128;

/** Desktop integration (issue 12 §7), validated in `desktop-validate.ts`. Missing in older files: the defaults apply. */
export interface DesktopSettings {
  /** Start the console (hidden in the tray) when the user logs in. */
  startAtLogin: boolean;
  /** Electron accelerator that answers the ringing call from any application; `''` = no global shortcut. */
  answerShortcut: string;
}

/** `auto` follows the OS (the browser's language list, the OS colour scheme). */
export type UiLanguage = 'auto' | 'en' | 'de';
export type UiTheme = 'auto' | 'light' | 'dark';

/** How the window looks and speaks (issue 12). Missing in files from before it: the defaults apply. */
export interface UiSettings {
  language: UiLanguage;
  theme: UiTheme;
}

/** Calls and media (issue 9). Missing in files from before it: the defaults apply. */
export interface CallSettings {
  /** Lowest local UDP port for RTP (even; RTCP uses the next one). */
  rtpPortMin: number;
  /** Highest local UDP port for RTP. */
  rtpPortMax: number;
  /** A caller on hold longer than this is highlighted with a reminder sound; 0 = no reminder. */
  holdReminderSeconds: number;
  /** OS notifications for incoming and missed calls. */
  notifications: boolean;
  /** Call events kept in the history journal before the oldest are dropped at rotation. */
  historyLimit: number;
}

/** Own presence options (issue 4). */
export interface PresenceSettings {
  /** User-defined states offered next to the standard ones, e.g. "Lunch" (away). */
  customStates: CustomPresenceState[];
  /** Idle minutes before the state shows "away" automatically (only from available/chat); 0 = off. */
  autoAwayMinutes: number;
  /** Publish "on the phone" while in a call (calls arrive in a later version; the hook exists). */
  onThePhone: boolean;
}

export type PublicSettings = Omit<Settings, 'lines'> & { lines: PublicLineConfig[] };
export type SettingsInput = Omit<Settings, 'lines'> & { lines: LineConfigInput[] };

export const MAX_LINES = 32;

export const DEFAULT_SETTINGS: Settings = {
  version: 1,
  lines: [],
  defaultLine: 1,
  sip: { t1Ms: 500, t2Ms: 4000, t4Ms: 5000, retryBaseSeconds: 30, retryMaxSeconds: 1800, keepAliveSeconds: 30, subscriptionExpiresSeconds: 600 },
  diagnostics: { traceToFile: false, traceBufferSize: 2000 },
  tiles: [],
  tileLists: [],
  notify: { profile: 'console', ...NOTIFY_PROFILES.console },
  presence: {
    customStates: [
      { id: 'lunch', label: 'Lunch', base: 'away' },
      { id: 'meeting', label: 'In a meeting', base: 'dnd' },
    ],
    autoAwayMinutes: 0,
    onThePhone: true,
  },
  calls: { rtpPortMin: 20000, rtpPortMax: 20999, holdReminderSeconds: 60, notifications: true, historyLimit: 5000 },
  audio: DEFAULT_AUDIO_SETTINGS,
  ui: { language: 'auto', theme: 'auto' },
  desktop: { startAtLogin: false, answerShortcut: 'CommandOrControl+Shift+F9' },
  directory: { contacts: [] },
};

/** At most this many tiles (and list members) on one panel. */
export const MAX_TILES = 2000;

/** Strips passwords for the renderer. */
export function toPublicSettings(settings: Settings): PublicSettings {
  return {
    ...settings,
    lines: settings.lines.map(({ password, ...line }) => ({ ...line, hasPassword: !!password })),
  };
}
