/** Words and numbers the call banner, strip and history show for a call (issue 9). */
import type { CallEnd, CallParty, CallView } from '../../../shared/calls';
import type { PublicSettings } from '../../../shared/settings';
import type { TileView } from '../../../shared/tiles';
import { t } from '../i18n';
import { sinceText } from './tile-text';
import { tileNumber } from './tile-number';

/** "ringing", "on hold", "held by the other side"… */
export function callStateWord(call: Pick<CallView, 'state' | 'direction' | 'hold'>): string {
  if (call.state === 'held' && call.hold && !call.hold.local && call.hold.remote) return t('call.state.heldRemote');
  if (call.state === 'ringing' && call.direction === 'outgoing') return t('call.state.ringingOut');
  return t(`call.state.${call.state}`);
}

/** Why a call ended, with the SIP status when there is one: "busy (486)". */
export function callEndWord(end: CallEnd | undefined): string {
  if (!end) return t('call.state.ended');
  const word = t(`call.end.${end.cause}`);
  return end.sipStatus && end.cause !== 'local-hangup' && end.cause !== 'remote-hangup' ? `${word} (${end.sipStatus})` : word;
}

/** The clock a call shows: talk time once answered, ring time before; frozen when it ended. */
export function callTimer(call: Pick<CallView, 'startedAt' | 'answeredAt' | 'endedAt'>, now: number): string {
  const end = call.endedAt ?? now;
  return sinceText(call.answeredAt ?? call.startedAt, Math.max(end, call.answeredAt ?? call.startedAt));
}

/** Whether `text` can be dialled as it stands: a phone number (spaces, dashes… allowed) or a SIP/tel address. */
export function isDialable(text: string): boolean {
  const value = text.trim();
  if (!value) return false;
  if (/^(?:sips?|tel):\S+$/i.test(value)) return true;
  if (/^[^\s@]+@[^\s@]+$/.test(value)) return true;
  return /^\+?[0-9*#][0-9*#\s()./-]*$/.test(value);
}

/** What to send for a typed number: separators dropped from phone numbers, URIs unchanged. */
export function normaliseTarget(text: string): string {
  const value = text.trim();
  return /^\+?[0-9*#][0-9*#\s()./-]*$/.test(value) ? value.replace(/[\s()./-]/g, '') : value;
}

/** What "Call back" dials: the number when it is one (the line's PBX routes it), else the whole address. */
export function callbackTarget(party: CallParty): string {
  return /^\+?[0-9*#]+$/.test(party.number) ? party.number : party.uri;
}

/** The tile of the colleague with this number (or address), if any. */
export function tileForParty(tiles: readonly TileView[], party: Pick<CallParty, 'number' | 'uri'>): TileView | undefined {
  return tiles.find((tile) => tile.uri === party.uri || tileNumber(tile.uri) === party.number);
}

/** "Line 1 · Reception" — the number always, the line's name when it has one. */
export function lineName(settings: PublicSettings | undefined, line: number): string {
  const name = settings?.lines[line - 1]?.displayName?.trim();
  return name ? t('call.lineNamed', { line, name }) : t('call.line', { line });
}

/** The voicemail code of `line`, when one is configured ("Send to voicemail" is offered only then). */
export function voicemailCode(settings: PublicSettings | undefined, line: number): string | undefined {
  return settings?.lines[line - 1]?.voicemailCode?.trim() || undefined;
}
