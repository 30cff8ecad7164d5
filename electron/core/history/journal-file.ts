/**
 * Reading the journal file's bytes back (history-journal.ts): events, the torn tail a crash left, unreadable lines in
 * the middle, and the one problem string that tells the receptionist what was dropped.
 */
import { parseEvent, type HistoryEvent } from './history-events';

const NEWLINE = 0x0a;

function entries(count: number): string {
  return count === 1 ? '1 entry' : `${count} entries`;
}

/** The problem string for a journal read with `torn` lines cut off its end and `garbled` unreadable before. */
export function problemText(torn: number, garbled: number): string | undefined {
  const cutOff = "The call history's last entry was cut off (the app stopped while writing it)";
  if (torn > 0 && garbled > 0)
    return `${cutOff} and ${entries(garbled)} before it could not be read; ${entries(torn + garbled)} dropped`;
  if (torn > 0) return `${cutOff}; ${entries(torn)} dropped`;
  if (garbled > 0)
    return `${entries(garbled)} in the call history could not be read and ${garbled === 1 ? 'was' : 'were'} skipped`;
  return undefined;
}

/** What {@link parseJournal} found; `torn` and `garbled` count lines. */
export interface ParsedJournal {
  events: HistoryEvent[];
  torn: number;
  garbled: number;
  /** Byte length of the file up to and including the last good line: what stays. */
  goodLength: number;
  /** The last good line has no newline (written by hand, or a crash after the JSON but before its `\n`). */
  openLine: boolean;
}

/** Splits the file's bytes at newlines (byte offsets matter for the truncation; text offsets would not do). */
export function parseJournal(data: Buffer): ParsedJournal {
  const events: HistoryEvent[] = [];
  let garbledSinceGood = 0;
  let garbled = 0;
  let goodLength = 0;
  let openLine = false;
  let start = 0;
  while (start < data.length) {
    const newline = data.indexOf(NEWLINE, start);
    const end = newline === -1 ? data.length : newline + 1;
    const text = data.toString('utf8', start, newline === -1 ? data.length : newline);
    start = end;
    if (text.trim() === '') continue;
    const parsed = parseEvent(text);
    if (parsed.kind === 'garbled') {
      garbledSinceGood++;
      continue;
    }
    garbled += garbledSinceGood;
    garbledSinceGood = 0;
    goodLength = end;
    openLine = newline === -1;
    if (parsed.kind === 'event') events.push(parsed.event);
  }
  // Unreadable lines after the last good one are the tail a crash (or a power loss's zero-filled block) left.
  return { events, torn: garbledSinceGood, garbled, goodLength, openLine };
}
