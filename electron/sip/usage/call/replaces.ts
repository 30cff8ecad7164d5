/**
 * Building the Replaces header (RFC 3891) we send: on an INVITE for directed pickup of a ringing call seen in a BLF
 * dialog-info document (RFC 3891 §3 with `early-only`, RFC 4235), and inside the Refer-To URI of an attended
 * transfer (RFC 5589 §7.3, RFC 3891 §6.1). Pure functions; values from the network that cannot be written into a
 * header read as unusable (undefined / false), never as an exception.
 *
 * Which tag is which. RFC 3891 §3: the UA receiving the INVITE "matches the to-tag and from-tag parameters as if
 * they were tags present in an incoming request": `to-tag` is compared with *its* local tag, `from-tag` with its
 * remote tag. So the tags are always written from the point of view of the UA the INVITE reaches:
 *
 * - Attended transfer: the transferee sends the INVITE to the transfer target, our peer in the consultation dialog.
 *   The target's local tag is our remote tag there: `to-tag` = consult remoteTag, `from-tag` = consult localTag.
 * - Directed pickup: RFC 3891 §3 lets a UA replace an early dialog only if it initiated it (else 481), so the INVITE
 *   goes to the early dialog's UAC — the caller's phone, or a B2BUA's own leg towards the ringing phone — at the
 *   remote target dialog-info names. RFC 4235 §4.1 writes `local-tag`/`remote-tag` from the observed UA's point of
 *   view (the monitored extension). For a ringing extension (`direction="recipient"`) the initiator is the *remote*
 *   side: its local tag is dialog-info's `remote-tag` (the From tag of the INVITE), so `to-tag` = remote-tag and
 *   `from-tag` = local-tag (the ringing phone's To tag). Kamailio's pua_dialoginfo publishes the callee's dialog
 *   with local-tag = To tag and remote-tag = From tag, which agrees. Were the observed extension the initiator
 *   (`direction="initiator"`, its own outgoing call ringing elsewhere), it would be the UAC itself and the tags
 *   would go the other way round; a dialog without `direction` is read as recipient, which is what a ringing BLF
 *   tile shows.
 */
import type { DialogIds, ReplacesHeader } from './call-session-api';

// RFC 3261 §25.1: Call-ID = word [ "@" word ]; tag = token.
const WORD = `[A-Za-z0-9\\-.!%*_+\`'~()<>:\\\\"/\\[\\]?{}]+`;
const CALL_ID_RE = new RegExp(`^${WORD}(?:@${WORD})?$`);
const TOKEN_RE = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
/** Longer ids are not what a UA generates; refusing them keeps a hostile NOTIFY's values out of our requests. */
const MAX_ID_LENGTH = 256;

/** Whether every part of `replaces` can be written into a Replaces header as it stands. */
export function isValidReplaces(replaces: ReplacesHeader): boolean {
  const { callId, toTag, fromTag } = replaces;
  if ([callId, toTag, fromTag].some((value) => value.length === 0 || value.length > MAX_ID_LENGTH)) return false;
  return CALL_ID_RE.test(callId) && TOKEN_RE.test(toTag) && TOKEN_RE.test(fromTag);
}

/** The Replaces header value (RFC 3891 §6.1): `callid;to-tag=…;from-tag=…[;early-only]`. */
export function formatReplaces(replaces: ReplacesHeader): string {
  const value = `${replaces.callId};to-tag=${replaces.toTag};from-tag=${replaces.fromTag}`;
  return replaces.earlyOnly ? `${value};early-only` : value;
}

/**
 * The Replaces naming our consultation dialog `consult` for the transfer target (RFC 5589 §7.3): the target is our
 * peer there, so its local tag — the `to-tag` — is our remote tag.
 */
export function replacesForTransfer(consult: DialogIds): ReplacesHeader {
  return { callId: consult.callId, toTag: consult.remoteTag, fromTag: consult.localTag };
}

/**
 * The Refer-To URI (RFC 3515 §2.1) for `target`, with `replaces` as an escaped URI header (RFC 3261 §19.1.1,
 * RFC 3891 §6.1 example: `?Replaces=12345%40192.168.118.3%3Bto-tag%3D12345%3Bfrom-tag%3D5FFE-3994`).
 */
export function referToUri(target: string, replaces?: ReplacesHeader): string {
  if (!replaces) return target;
  // encodeURIComponent leaves only alphanumerics and RFC 3261 "mark" characters, all of them valid in an hvalue.
  return `${target}${target.includes('?') ? '&' : '?'}Replaces=${encodeURIComponent(formatReplaces(replaces))}`;
}

/** A BLF `<dialog>` as `event-bodies/dialog-info.ts` reads it (RFC 4235 §4.1). */
export interface ObservedDialog {
  callId?: string;
  localTag?: string;
  remoteTag?: string;
  direction?: 'initiator' | 'recipient';
}

/**
 * The Replaces header of a directed-pickup INVITE for a ringing dialog seen in dialog-info, with `early-only` (we
 * never take over an answered call); undefined without a call-id or either tag (Asterisk and FreeSWITCH as commonly
 * configured send none: use the pickup feature code there) or when they cannot be written into a header. The
 * INVITE goes to the dialog's remote target (the initiator), see the file comment for the tags.
 */
export function replacesFromDialogInfo(dialog: ObservedDialog): ReplacesHeader | undefined {
  const { callId, localTag, remoteTag } = dialog;
  if (!callId || !localTag || !remoteTag) return undefined;
  const observedIsInitiator = dialog.direction === 'initiator';
  const replaces: ReplacesHeader = {
    callId,
    toTag: observedIsInitiator ? localTag : remoteTag,
    fromTag: observedIsInitiator ? remoteTag : localTag,
    earlyOnly: true,
  };
  return isValidReplaces(replaces) ? replaces : undefined;
}
