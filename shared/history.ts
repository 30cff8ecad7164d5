/**
 * Call history as the renderer sees it (issue 9 §5). Every call ends as one {@link HistoryEntry}; the missed list
 * groups unanswered incoming calls from the same number into one row with a count of tries.
 */
import type { CallDirection, CallEndCause, CallParty } from './calls';

/** What became of a call, from the receptionist's point of view. */
export type HistoryOutcome =
  /** Talked (incoming or outgoing). */
  | 'answered'
  /** Incoming, nobody here answered. */
  | 'missed'
  /** Incoming, rejected here. */
  | 'rejected'
  /** Outgoing, the far end did not answer (busy, no answer, failed). */
  | 'unanswered';

export interface HistoryEntry {
  /** The call's id (as in `CallView.id`). */
  id: string;
  line: number;
  direction: CallDirection;
  outcome: HistoryOutcome;
  far: CallParty;
  startedAt: number;
  answeredAt?: number;
  endedAt: number;
  cause?: CallEndCause;
  sipStatus?: number;
  /** Missed rows: how many calls from this number the row stands for (1 when not grouped). */
  tries: number;
  /** Missed rows: whether the receptionist has seen it (opened History, or `history.markSeen`). */
  seen: boolean;
}

export type HistoryFilter = 'all' | 'missed' | 'incoming' | 'outgoing';

export interface HistoryQuery {
  filter?: HistoryFilter;
  /** Cursor from a previous page's `nextCursor`. */
  before?: number;
  /** Page size, 1–500 (default 100). */
  limit?: number;
}

export interface HistoryPage {
  entries: HistoryEntry[];
  /** Pass as `before` for the next (older) page; absent on the last page. */
  nextCursor?: number;
  /** Entries matching the filter in total. */
  total: number;
}

export interface HistorySummary {
  /** Missed calls not seen yet (each try counts): the sidebar badge, window title and tray show it. */
  unseenMissed: number;
  /** Numbers with unseen missed calls: the tiles of these colleagues are marked. */
  unseenMissedNumbers: string[];
  /** Bumps on every change: the History view refetches its page when it moves. */
  revision: number;
  /** Set when the journal on disk had a problem at start (a torn last line, an unreadable file), once. */
  journalProblem?: string;
}
