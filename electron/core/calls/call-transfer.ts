/**
 * Pure rules of the transfer flows (issue 11) that the call service applies: which of a tile's dialogs can be picked
 * up, the extension a target names, and the digits of a feature-code transfer.
 */
import type { DialogRef, TileView } from '../../../shared/tiles';
import { parseUri } from '../../sip/message';

/** RFC 3966 §5.1.1 visual separators, and the blanks people type. */
const VISUAL_SEPARATORS = /[\s\-.()]/g;
/** What a DTMF feature code may carry (RFC 4733 §3.2 events 0–15). */
const DTMF = /^[0-9*#A-D]{1,32}$/;

/**
 * The dialog ringing at a tile's extension that a pickup takes, by the rule the lamp uses (blf/dialog-summary.ts):
 * an early dialog the extension did not initiate, or a trying/proceeding one it receives; never a held one.
 */
export function ringingDialog(tile: Pick<TileView, 'dialogs'>): DialogRef | undefined {
  return tile.dialogs.find((d) => {
    if (d.held) return false;
    if (d.state === 'early') return d.direction !== 'initiator';
    return (d.state === 'trying' || d.state === 'proceeding') && d.direction === 'recipient';
  });
}

/**
 * The extension (user part) a target names: `102` of `102`, `1 02`, `sip:102@pbx` or `102@pbx`; a `tel:` URI's
 * number. A target with no user part is returned as typed.
 */
export function extensionOf(target: string): string {
  const text = target.trim();
  const lower = text.toLowerCase();
  if (lower.startsWith('sip:') || lower.startsWith('sips:')) {
    try {
      return parseUri(text).user || text;
    } catch {
      return text;
    }
  }
  if (lower.startsWith('tel:')) return text.slice(4).split(';')[0]!.replace(VISUAL_SEPARATORS, '');
  const user = text.includes('@') ? text.split('@', 1)[0]! : text;
  return user.replace(VISUAL_SEPARATORS, '');
}

/**
 * The DTMF a blind transfer by feature code sends (Asterisk `blindxfer`, `##` by default): the code, the target's
 * extension, then `#` to end the number. Undefined when the extension cannot be keyed in (a name, a foreign URI).
 */
export function featureTransferDigits(code: string, target: string): string | undefined {
  const digits = `${code}${extensionOf(target)}#`;
  return DTMF.test(digits) ? digits : undefined;
}
