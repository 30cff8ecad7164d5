/**
 * Header rules the INVITE usage shares between its UAC and UAS sides: what we advertise (Allow, Supported), option
 * tags (RFC 3261 §20.37, §20.40), SDP bodies (RFC 3261 §13.2.1), the Reason header (RFC 3326), Replaces (RFC 3891)
 * and how a final response becomes a {@link CallEnd} (shared/calls.ts). Values come from the network: nothing here
 * throws on a malformed header, it reads as absent.
 */
import type { CallEnd } from '../../../../shared/calls';
import { splitList, type SipMessage, type SipRequest, type SipResponse } from '../../message';

/** The Replaces header we send (pickup, attended transfer) is built in replaces.ts; re-exported for the call service. */
export { replacesFromDialogInfo } from './replaces';

/** Methods a call serves (RFC 3261 §20.5): the Allow of our INVITEs, their 2xx and our target refreshes. */
export const CALL_ALLOW = 'INVITE, ACK, CANCEL, BYE, UPDATE, PRACK, INFO, OPTIONS';
/** Methods served inside a call's dialogs, advertised by the user-agent core while an agent runs. */
export const CALL_IN_DIALOG_METHODS = ['INVITE', 'ACK', 'CANCEL', 'BYE', 'UPDATE', 'PRACK', 'INFO'] as const;
/** Extensions we implement: RFC 3891 Replaces, RFC 4028 session timers, RFC 3262 reliable provisionals. */
export const CALL_SUPPORTED = 'replaces, timer, 100rel';
const SUPPORTED_TAGS = new Set(['replaces', 'timer', '100rel']);

/** The lower-cased option tags of `Require`, `Supported` (compact `k`) or `Unsupported`. */
export function optionTags(message: SipMessage, header: 'Require' | 'Supported' | 'Proxy-Require'): Set<string> {
  const tags = new Set<string>();
  for (const value of message.getAll(header)) for (const tag of splitList(value)) if (tag.trim()) tags.add(tag.trim().toLowerCase());
  return tags;
}

/** The option tags of `Require` we do not implement: a request needing them is answered 420 (RFC 3261 §8.2.2.3). */
export function unsupportedRequired(request: SipRequest): string[] {
  return [...optionTags(request, 'Require')].filter((tag) => !SUPPORTED_TAGS.has(tag));
}

/** Whether the message carries a session description (RFC 3261 §13.2.1; a missing Content-Type is read as SDP). */
export function hasSdp(message: SipMessage): boolean {
  if (message.body.length === 0) return false;
  const type = message.get('Content-Type');
  return type === undefined || type.split(';')[0]!.trim().toLowerCase() === 'application/sdp';
}

/** Whether the peer said it takes `method` (its Allow, RFC 3261 §20.5). */
export function allows(message: SipMessage | undefined, method: string): boolean {
  if (!message) return false;
  return message.getAll('Allow').some((value) => splitList(value).some((m) => m.trim().toUpperCase() === method));
}

/** One Reason header value (RFC 3326 §2): protocol, cause and text. */
export interface ReasonValue {
  protocol: string;
  cause?: number;
  text?: string;
}

/** The Reason header values of `message`; malformed ones are skipped. */
export function reasons(message: SipMessage): ReasonValue[] {
  const out: ReasonValue[] = [];
  for (const value of message.getAll('Reason')) {
    const match = /^\s*([A-Za-z0-9.-]+)\s*(;.*)?$/.exec(value);
    if (!match) continue;
    const params = match[2] ?? '';
    const cause = /;\s*cause\s*=\s*(\d{1,4})/i.exec(params)?.[1];
    const text = /;\s*text\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(params)?.[1];
    out.push({ protocol: match[1]!.toUpperCase(), cause: cause === undefined ? undefined : Number(cause), text: text && clean(text.replace(/\\(.)/g, '$1')) });
  }
  return out;
}

/** A CANCEL saying the call was answered elsewhere: `Reason: SIP;cause=200` (RFC 3326 §2, RFC 3261 §9.1 usage). */
export function answeredElsewhere(cancel: SipRequest): boolean {
  return reasons(cancel).some((r) => r.protocol === 'SIP' && r.cause === 200);
}

/** `"486 Busy Here"`, with the Reason header's text when the far end gave one. */
export function statusText(response: SipResponse): string {
  const text = reasons(response).find((r) => r.text)?.text;
  const base = `${response.status} ${clean(response.reason)}`.trim();
  return text ? `${base} (${text})` : base;
}

/** How a final non-2xx answer to our INVITE ends the call (the cause table of shared/calls.ts). */
export function endForFinal(response: SipResponse): CallEnd {
  const status = response.status;
  const reason = statusText(response);
  const cause =
    status === 486 || status === 600
      ? 'busy'
      : status === 603
        ? 'declined'
        : status === 404 || status === 484 || status === 604
          ? 'not-found'
          : status === 408 || status === 480 || status === 487
            ? 'no-answer'
            : 'failed';
  return { cause, sipStatus: status, reason };
}

/** The Replaces header (RFC 3891 §6.1): the dialog an incoming INVITE takes the place of. */
export interface ReplacesTarget {
  callId: string;
  toTag: string;
  fromTag: string;
  earlyOnly: boolean;
}

/** Parses a Replaces value; undefined when it lacks the Call-ID or either tag. */
export function parseReplaces(value: string): ReplacesTarget | undefined {
  const [callId, ...params] = value.split(';');
  const id = callId?.trim();
  if (!id) return undefined;
  let toTag: string | undefined;
  let fromTag: string | undefined;
  let earlyOnly = false;
  for (const param of params) {
    const [name, raw] = param.split('=', 2).map((s) => s.trim());
    if (name?.toLowerCase() === 'to-tag') toTag = raw;
    else if (name?.toLowerCase() === 'from-tag') fromTag = raw;
    else if (name?.toLowerCase() === 'early-only') earlyOnly = true;
  }
  return toTag && fromTag ? { callId: id, toTag, fromTag, earlyOnly } : undefined;
}

/** A reading of a peer's text fit for the UI: control characters gone, length bounded. */
export function clean(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, max);
}
