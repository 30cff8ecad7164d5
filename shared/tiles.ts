/**
 * Busy lamp field model (issue 3): tile configuration (what a receptionist set up) and tile views (what the grid
 * shows). Configuration is stored in settings.json; views are computed in main and sent as batched patches.
 */

/**
 * SIP event packages a tile can watch. `reg` (RFC 3680) tells whether the extension's phone is registered at all,
 * which `dialog` cannot (Kamailio: presence_reginfo + pua_reginfo; Asterisk has no `reg` event). `message-summary`
 * (RFC 3842) adds the mailbox's waiting count to a tile that also watches one of the others (issue 12 §6).
 */
export type WatchEvent = 'dialog' | 'presence' | 'reg' | 'message-summary';

/** What activating a tile does. Calls arrive in a later issue; the action is kept in the model now. */
export type TileAction = { kind: 'call'; uri: string } | { kind: 'none' };

/** One key of the panel (seed 000's `<key>`: invocation = action, reactions = watch). */
export interface TileConfig {
  id: string;
  name: string;
  /** Extension (`101`) or SIP URI (`sip:101@pbx.example.com`); a bare extension takes the line's domain. */
  uri: string;
  /** 1-based line whose identity subscribes; absent = the default outgoing line (and follows it when it changes). */
  line?: number;
  watch: WatchEvent[];
  action: TileAction;
  /** Department / page the tile is shown under. */
  group?: string;
  /**
   * A park slot (issue 11): `uri` is the slot's extension (Asterisk `701`); its lamp shows a parked call, a click
   * retrieves it (dials the slot), and dropping a call on it parks the call there.
   */
  park?: boolean;
}

/**
 * A group of tiles fed by one resource list subscription (RFC 4662): one SUBSCRIBE with `Supported: eventlist`,
 * one tile per list member, named from the RLMI.
 */
export interface TileListConfig {
  id: string;
  /** Group title; members are shown under it. */
  name: string;
  /** The list URI, e.g. `sip:reception-list@pbx.example.com`. */
  uri: string;
  line?: number;
  event: WatchEvent;
}

/** NOTIFY processing limits (issue 3 §5). The 200 OK never waits for these. */
export interface NotifyThrottleSettings {
  /** `console` = our defaults for a 1,000-extension panel; `phone` = the seed's 10/s and 100; `custom` = the numbers below. */
  profile: 'console' | 'phone' | 'custom';
  /** Bodies applied per second. */
  ratePerSecond: number;
  /** Queued bodies before the queue coalesces per subscription. */
  queueBound: number;
}

export const NOTIFY_PROFILES: Record<'console' | 'phone', Omit<NotifyThrottleSettings, 'profile'>> = {
  // After a flood at most one body per subscription waits (a full state supersedes the queued ones), so the last
  // tile of a 1,000-extension panel is final within 1,000 ÷ rate: 10,000/s makes that one 100 ms throttle period
  // (issue 13). It still caps what a runaway notifier can take: applying costs ~15–25 µs a body here, so at most
  // ~20 % of a core, and answering NOTIFYs kept up with a 5,000/s flood at this rate with a second load on the other
  // core (docs/blf.md). A bound of 5,000 absorbs a PBX restart's burst (one full state per subscription) without
  // coalescing, and coalescing beyond it keeps every extension's newest state.
  console: { ratePerSecond: 10000, queueBound: 5000 },
  phone: { ratePerSecond: 10, queueBound: 100 },
};

/** What the grid shows for an extension. Presence can make an idle phone show `dnd` or `offline`. */
export type TileState = 'idle' | 'ringing' | 'busy' | 'hold' | 'offline' | 'dnd' | 'unknown';

/** Why a tile is `unknown`. */
export type UnknownReason = 'not-subscribed' | 'pending' | 'rejected' | 'error' | 'no-line';

/** Asterisk presence states (seed 002) — also what PIDF/RPID map onto. */
export type PresenceState = 'available' | 'away' | 'xa' | 'chat' | 'dnd' | 'unavailable' | 'not_set';

export interface PresenceInfo {
  /** PIDF `<basic>` (RFC 3863 §4.1.4). */
  basic?: 'open' | 'closed';
  state?: PresenceState;
  /** Asterisk subtype (e.g. "at home"). */
  subtype?: string;
  /** Human text: Asterisk message, PIDF `<note>` in the preferred language, or RPID activity text. */
  note?: string;
  /** RPID activities (RFC 4480 §3.2), e.g. `on-the-phone`, `away`, `meeting`. */
  activities?: string[];
}

/** The other end of a call. */
export interface Party {
  uri?: string;
  /** User part / phone number, for display. */
  number?: string;
  name?: string;
}

/** A dialog as reported for pickup (RFC 4235 §4.1) — kept so INVITE/Replaces pickup can be built later. */
export interface DialogRef {
  id: string;
  state: 'trying' | 'proceeding' | 'early' | 'confirmed' | 'terminated';
  direction?: 'initiator' | 'recipient';
  callId?: string;
  localTag?: string;
  remoteTag?: string;
  /** Remote target URI (FreeSWITCH puts `sip:**<ext>@host` there for pickup). */
  remoteTarget?: string;
  held: boolean;
}

export interface TileView {
  /** Tile id, or `<list id>/<resource uri>` for a list member. */
  id: string;
  name: string;
  uri: string;
  group?: string;
  /** Effective 1-based line. */
  line: number;
  state: TileState;
  /** Epoch ms when `state` began. */
  since: number;
  unknownReason?: UnknownReason;
  /** Human explanation of `unknownReason` (e.g. "403 Forbidden"). */
  detail?: string;
  /** The ringing caller (on a `ringing` tile). */
  caller?: Party;
  /** The other party of the current call (busy/hold). */
  party?: Party;
  presence?: PresenceInfo;
  dialogs: DialogRef[];
  action: TileAction;
  /** Set for list members. */
  listId?: string;
  /** A park slot tile (TileConfig.park). */
  park?: boolean;
  /** Waiting voice messages for this extension when known (RFC 3842). */
  messagesWaiting?: boolean;
  /** New voice messages (RFC 3842 §5.2 `Voice-Message` new count) when the summary gave counts. */
  messagesNew?: number;
  /**
   * Whether the extension's phone has an active binding at its registrar: from the `reg` event (RFC 3680), else
   * from presence `<basic>` (RFC 3863 §4.1.4). Absent when neither tells ("registration unknown").
   */
  registered?: boolean;
  /**
   * Epoch ms since when `state` may be out of date: the tile's line is down, or its subscription is being renewed
   * after a sign of a PBX restart. The grid shows "stale since hh:mm" instead of a confident state.
   */
  staleSince?: number;
}

/** Tile changes, batched (at most ~20 a second). */
export interface TilesPatch {
  upsert: TileView[];
  remove: string[];
}

/** NOTIFY queue figures for the diagnostics view. */
export interface NotifyQueueStats {
  depth: number;
  bound: number;
  ratePerSecond: number;
  received: number;
  applied: number;
  /** Bodies dropped because a newer state of the same subscription made them unnecessary. */
  coalesced: number;
  /** Bodies refused (malformed, or no subscription). */
  rejected: number;
  /** Active SIP subscriptions. */
  subscriptions: number;
}
