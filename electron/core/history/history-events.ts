/**
 * The events of the call history journal (`calls.jsonl`), one JSON object a line, and their validation. The file is
 * input like any other: {@link parseEvent} never throws, and tells a line it cannot read apart from a well-formed
 * event of a kind or version it does not know (skipped quietly, so an older build can read a newer file).
 */
import type { CallDirection, CallEndCause, CallParty } from '../../../shared/calls';

/** The journal format's version, in every line's `v`. */
export const JOURNAL_VERSION = 1;

/** A call began (INVITE sent or received); `t` is when. */
export interface StartEvent {
  v: 1;
  t: number;
  e: 'start';
  id: string;
  line: number;
  dir: CallDirection;
  far: CallParty;
}

/** The call was answered here (or, outgoing, by the far end). */
export interface AnswerEvent {
  v: 1;
  t: number;
  e: 'answer';
  id: string;
}

/**
 * The call ended. `seen` is written only by compaction, to carry the seen mark of a missed call into the new file
 * (the `seen` events that set it are not copied).
 */
export interface EndEvent {
  v: 1;
  t: number;
  e: 'end';
  id: string;
  cause: CallEndCause;
  sipStatus?: number;
  seen?: boolean;
}

/** The receptionist looked: every missed call ended before this line is seen. */
export interface SeenEvent {
  v: 1;
  t: number;
  e: 'seen';
}

/** The receptionist cleared the history: every call ended before this line is forgotten. */
export interface ClearEvent {
  v: 1;
  t: number;
  e: 'clear';
}

export type HistoryEvent = StartEvent | AnswerEvent | EndEvent | SeenEvent | ClearEvent;

/** Every {@link CallEndCause}; a `Record` so that a cause added to the contract fails to compile here until listed. */
const END_CAUSES: Record<CallEndCause, true> = {
  'local-hangup': true,
  'remote-hangup': true,
  missed: true,
  rejected: true,
  busy: true,
  declined: true,
  'no-answer': true,
  'not-found': true,
  'answered-elsewhere': true,
  replaced: true,
  failed: true,
};

/** Ids, numbers, names and URIs longer than this are not something we wrote. */
const MAX_TEXT = 2048;

/** What {@link parseEvent} made of one line. */
export type ParsedLine =
  | { kind: 'event'; event: HistoryEvent }
  /** Well-formed, but a version or event kind this build does not know. */
  | { kind: 'unknown' }
  /** Not JSON, or a known event with fields missing or wrong. */
  | { kind: 'garbled' };

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_TEXT;
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function parseParty(value: unknown): CallParty | undefined {
  if (!isObject(value) || typeof value.number !== 'string' || value.number.length > MAX_TEXT)
    return undefined;
  if (typeof value.uri !== 'string' || value.uri.length > MAX_TEXT) return undefined;
  if (value.name !== undefined && (typeof value.name !== 'string' || value.name.length > MAX_TEXT))
    return undefined;
  return value.name === undefined
    ? { number: value.number, uri: value.uri }
    : { name: value.name, number: value.number, uri: value.uri };
}

function parseKnown(raw: Fields, t: number): HistoryEvent | undefined {
  switch (raw.e) {
    case 'start': {
      const far = parseParty(raw.far);
      const line = raw.line;
      if (!isText(raw.id) || !far || !Number.isInteger(line) || (line as number) < 1) return undefined;
      if (raw.dir !== 'incoming' && raw.dir !== 'outgoing') return undefined;
      return { v: 1, t, e: 'start', id: raw.id, line: line as number, dir: raw.dir, far };
    }
    case 'answer':
      return isText(raw.id) ? { v: 1, t, e: 'answer', id: raw.id } : undefined;
    case 'end': {
      const cause = raw.cause;
      if (!isText(raw.id) || typeof cause !== 'string' || !Object.hasOwn(END_CAUSES, cause)) return undefined;
      const event: EndEvent = { v: 1, t, e: 'end', id: raw.id, cause: cause as CallEndCause };
      if (raw.sipStatus !== undefined) {
        if (
          !Number.isInteger(raw.sipStatus) ||
          (raw.sipStatus as number) < 100 ||
          (raw.sipStatus as number) > 699
        )
          return undefined;
        event.sipStatus = raw.sipStatus as number;
      }
      if (raw.seen === true) event.seen = true;
      return event;
    }
    case 'seen':
      return { v: 1, t, e: 'seen' };
    case 'clear':
      return { v: 1, t, e: 'clear' };
    default:
      return undefined;
  }
}

const KNOWN_KINDS = new Set(['start', 'answer', 'end', 'seen', 'clear']);

/** Reads one journal line (without its newline). Never throws. */
export function parseEvent(line: string): ParsedLine {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { kind: 'garbled' };
  }
  if (!isObject(raw) || !Number.isInteger(raw.v) || typeof raw.e !== 'string') return { kind: 'garbled' };
  if (raw.v !== JOURNAL_VERSION || !KNOWN_KINDS.has(raw.e)) return { kind: 'unknown' };
  if (!isTime(raw.t)) return { kind: 'garbled' };
  const event = parseKnown(raw, raw.t);
  return event ? { kind: 'event', event } : { kind: 'garbled' };
}

/** One journal line, newline included: what a single `write` puts on disk. */
export function formatEvent(event: HistoryEvent): string {
  return `${JSON.stringify(event)}\n`;
}
