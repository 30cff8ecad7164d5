/**
 * Own presence (issue 4): what the receptionist tells colleagues, how each line carries it to the PBX, and who
 * watches it. The colleagues' presence is part of the tiles (shared/tiles.ts).
 */
import type { PresenceState } from './tiles';

/** A user-defined state with its own label (e.g. "Lunch" on top of `away`). */
export interface CustomPresenceState {
  id: string;
  label: string;
  /** The standard state watchers that do not know the label see. */
  base: PresenceState;
}

/** The state the user chose. */
export interface OwnPresence {
  state: PresenceState;
  /** Set when the user chose a custom state (`state` is then its base). */
  customId?: string;
  /** Free text shown to colleagues. */
  note?: string;
}

/** How a line carries the own state to its PBX (issue 4 §1–2). */
export type PublishMethod = 'publish' | 'feature-codes' | 'none';

export interface LinePresenceStatus {
  line: number;
  method: PublishMethod;
  state: 'idle' | 'publishing' | 'published' | 'unsupported' | 'failed' | 'retrying';
  sipStatus?: number;
  /** Why the line uses this method or is in this state, in words. */
  reason?: string;
}

/** One watcher of the own presence (RFC 3857/3858, `presence.winfo`). */
export interface PresenceWatcher {
  uri: string;
  displayName?: string;
  status: 'active' | 'pending' | 'waiting' | 'terminated';
}

export interface PresenceSnapshot {
  own: OwnPresence;
  /** What is published now: `own`, or away / on-the-phone set automatically. */
  published: OwnPresence & { auto?: 'away' | 'on-the-phone' };
  lines: LinePresenceStatus[];
  watchers: PresenceWatcher[];
}
