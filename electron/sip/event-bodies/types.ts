/**
 * Parsed event bodies (issue 3 §3). Every parser is pure and never throws on bad input: it returns
 * `{ ok: false, reason }` so the caller can log why and leave every tile untouched.
 */
import type { DialogRef, PresenceInfo } from '../../../shared/tiles';

export type BodyResult<T> = { ok: true; value: T; warnings: string[] } | { ok: false; reason: string };

/** One participant of a dialog (RFC 4235 §4.1.6). */
export interface DialogParticipant {
  identity?: string;
  displayName?: string;
  target?: string;
  /** `+sip.rendering` target param: `no` means the participant put the call on hold (RFC 4235 §4.1.6.2). */
  rendering?: 'yes' | 'no';
}

export interface DialogInfoDialog extends DialogRef {
  /** `<state event>` and `code` (RFC 4235 §4.1.4), e.g. `replaced`, 486. */
  event?: string;
  code?: number;
  local?: DialogParticipant;
  remote?: DialogParticipant;
}

/** `application/dialog-info+xml` (RFC 4235 §4). */
export interface DialogInfoDocument {
  type: 'dialog-info';
  entity: string;
  version: number;
  state: 'full' | 'partial';
  dialogs: DialogInfoDialog[];
}

/** `application/pidf+xml`, `application/xpidf+xml`, `application/cpim-pidf+xml`, reduced to one presence. */
export interface PresenceDocument {
  type: 'presence';
  entity: string;
  presence: PresenceInfo;
}

/** `application/simple-message-summary` (RFC 3842 §5). */
export interface MessageSummaryDocument {
  type: 'message-summary';
  waiting: boolean;
  account?: string;
  voice?: { new: number; old: number; urgentNew?: number; urgentOld?: number };
}

export interface RlmiName {
  lang?: string;
  text: string;
}

/** One list member with its resolved body (RFC 4662 §5). */
export interface RlmiResource {
  uri: string;
  names: RlmiName[];
  /** State of the (first) instance; absent when the resource has no instance yet (Kamailio: never published). */
  state?: 'active' | 'pending' | 'terminated';
  reason?: string;
  /** The instance's body, parsed; absent when there is none or it failed (then see `problem`). */
  body?: DialogInfoDocument | PresenceDocument | MessageSummaryDocument | RegInfoDocument;
  /** Why this resource's part could not be used; other resources still apply. */
  problem?: string;
}

/** `multipart/related; type="application/rlmi+xml"` (RFC 4662 §5). */
export interface ResourceListDocument {
  type: 'resource-list';
  uri: string;
  version: number;
  fullState: boolean;
  names: RlmiName[];
  resources: RlmiResource[];
}

/** `<watcher status>` (RFC 3858 §3): the state of one subscription to the watched resource. */
export type WatcherStatus = 'pending' | 'active' | 'waiting' | 'terminated';

/** `<watcher event>` (RFC 3858 §3, RFC 3857 §4.3): what last changed that subscription's status. */
export type WatcherEvent =
  | 'subscribe'
  | 'approved'
  | 'deactivated'
  | 'probation'
  | 'rejected'
  | 'timeout'
  | 'giveup'
  | 'noresource';

/** One subscription to the watched resource (RFC 3858 §3). */
export interface Watcher {
  /** Unique within its watcher list; partial documents update by it (RFC 3858 §4). Kamailio uses the Call-ID. */
  id: string;
  /** The watcher's URI, the element's text. */
  uri: string;
  status: WatcherStatus;
  event?: WatcherEvent;
  displayName?: string;
  /** Seconds the subscription has existed. */
  durationSubscribed?: number;
  /** Seconds until the subscription expires. */
  expiration?: number;
}

/** `<watcher-list>`: the watchers of one resource for one event package (RFC 3858 §3). */
export interface WatcherList {
  resource: string;
  package: string;
  watchers: Watcher[];
}

/** `application/watcherinfo+xml` (RFC 3858). */
export interface WatcherInfoDocument {
  type: 'watcherinfo';
  version: number;
  state: 'full' | 'partial';
  lists: WatcherList[];
}

/** `<contact state>` (RFC 3680 §5.1): a binding that is live or gone. */
export type RegContactState = 'active' | 'terminated';

/** One binding of an AoR (RFC 3680 §5.1 `<contact>`). */
export interface RegContact {
  /** Unique within its registration; partial documents update by it (RFC 3680 §5.3). */
  id: string;
  state: RegContactState;
  /** What last changed the binding: registered, created, refreshed, shortened, expired, deactivated, probation, unregistered, rejected. */
  event?: string;
  /** The contact's `<uri>`. */
  uri?: string;
  displayName?: string;
  /** Seconds until the binding expires. */
  expires?: number;
}

/** `<registration state>` (RFC 3680 §5.1): `init` = no bindings yet, `active` = at least one, `terminated` = none left. */
export type RegistrationState = 'init' | 'active' | 'terminated';

/** One AoR's registration (RFC 3680 §5.1 `<registration>`). */
export interface Registration {
  aor: string;
  id: string;
  state: RegistrationState;
  contacts: RegContact[];
}

/** `application/reginfo+xml` (RFC 3680 §5). */
export interface RegInfoDocument {
  type: 'reginfo';
  version: number;
  state: 'full' | 'partial';
  registrations: Registration[];
}

export type EventBody =
  | DialogInfoDocument
  | PresenceDocument
  | MessageSummaryDocument
  | ResourceListDocument
  | WatcherInfoDocument
  | RegInfoDocument;
