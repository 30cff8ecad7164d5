/**
 * `application/simple-message-summary` (RFC 3842 §5): a pure parser that never throws.
 */
import type { BodyResult, MessageSummaryDocument } from './types';
import { bodyText } from './xml-tree';

// RFC 3842 §5.2 header names are case-insensitive (they follow RFC 3261 §7.3.1 header rules).
const LINE_RE = /^([A-Za-z0-9!%'*+._`~-]+)[ \t]*:[ \t]*(.*?)[ \t]*$/;
// msg-summary-line = message-context-class HCOLON newmsgs SLASH oldmsgs [ LPAREN new-urgentmsgs SLASH old-urgentmsgs RPAREN ]
const COUNTS_RE =
  /^(\d{1,9})[ \t]*\/[ \t]*(\d{1,9})(?:[ \t]*\([ \t]*(\d{1,9})[ \t]*\/[ \t]*(\d{1,9})[ \t]*\))?$/;

/**
 * Parses a message summary. `Messages-Waiting: yes|no` is required (RFC 3842 §5.2 msg-status-line); the account
 * and the `Voice-Message` counts are optional. Other message-context-classes (fax, pager, …) are valid and ignored.
 * Parsing stops at the first blank line after the summary: what follows are optional per-message headers
 * (RFC 3842 §5.2 opt-msg-headers). Line endings may be CRLF or bare LF; a malformed line is a warning, a body
 * without a valid status line is an error.
 */
export function parseMessageSummary(body: Uint8Array | string): BodyResult<MessageSummaryDocument> {
  try {
    return parse(bodyText(body));
  } catch (err) {
    return { ok: false, reason: `message-summary: ${err instanceof Error ? err.message : String(err)}` };
  }
}

function parse(source: string): BodyResult<MessageSummaryDocument> {
  if (source.trim() === '') return { ok: false, reason: 'message-summary: empty body' };
  const warnings: string[] = [];
  let waiting: boolean | undefined;
  let account: string | undefined;
  let voice: MessageSummaryDocument['voice'];
  let seenAny = false;
  for (const line of source.split(/\r?\n|\r/)) {
    if (line.trim() === '') {
      if (seenAny) break;
      continue;
    }
    seenAny = true;
    const match = LINE_RE.exec(line);
    if (!match) {
      warnings.push(`message-summary: malformed line "${clip(line)}" ignored`);
      continue;
    }
    const name = (match[1] ?? '').toLowerCase();
    const value = match[2] ?? '';
    if (name === 'messages-waiting') {
      const flag = value.toLowerCase();
      if (flag !== 'yes' && flag !== 'no')
        return { ok: false, reason: `message-summary: invalid Messages-Waiting "${clip(value)}"` };
      if (waiting !== undefined) warnings.push('message-summary: repeated Messages-Waiting, first one kept');
      else waiting = flag === 'yes';
    } else if (name === 'message-account') {
      if (value !== '') account ??= value;
    } else if (name === 'voice-message') {
      const counts = COUNTS_RE.exec(value);
      if (!counts) warnings.push(`message-summary: invalid Voice-Message "${clip(value)}" ignored`);
      else voice ??= readCounts(counts);
    }
  }
  if (waiting === undefined) return { ok: false, reason: 'message-summary: missing Messages-Waiting' };
  const value: MessageSummaryDocument = { type: 'message-summary', waiting };
  if (account !== undefined) value.account = account;
  if (voice !== undefined) value.voice = voice;
  return { ok: true, value, warnings };
}

function readCounts(match: RegExpExecArray): NonNullable<MessageSummaryDocument['voice']> {
  const voice: NonNullable<MessageSummaryDocument['voice']> = {
    new: Number(match[1]),
    old: Number(match[2]),
  };
  if (match[3] !== undefined && match[4] !== undefined) {
    voice.urgentNew = Number(match[3]);
    voice.urgentOld = Number(match[4]);
  }
  return voice;
}

function clip(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}
