/**
 * Building a SUBSCRIBE (RFC 6665 §4.1.2) and choosing the flow it leaves on: out of dialog over the line's flow
 * (with the outbound proxy's pre-loaded Route, RFC 3261 §8.1.2), within a dialog towards the dialog's next hop
 * (§12.2.1.1), reusing the line's flow whenever that hop is the line's server.
 */
import type { Dialog } from '../../dialog';
import { createRequest, type HeaderPairs, type SipRequest } from '../../message';
import type { Flow } from '../../transport/types';
import type { LineContext } from '../line-context';
import { nameAddr, outOfDialogHeaders, viaHeader } from '../requests';


/** What a SUBSCRIBE says about the subscription, whichever dialog it belongs to. */
export interface SubscribeParams {
  event: string;
  target: string;
  accept: readonly string[];
  eventList: boolean;
  expires: number;
}

/** The identity of an out-of-dialog SUBSCRIBE. */
export interface SubscribeIdentity {
  callId: string;
  localTag: string;
  cseq: number;
}

/**
 * A SUBSCRIBE carrying Event, Accept (every type given, in order: Asterisk picks the first it can produce),
 * Expires, Contact for `flow`, `Supported: eventlist` for resource lists (RFC 4662 §4) and User-Agent. Within
 * `dialog` when one is given (next local CSeq), otherwise a new one from `identity`.
 */
export function buildSubscribe(
  line: LineContext,
  flow: Flow,
  params: SubscribeParams,
  dialog: Dialog | undefined,
  identity: SubscribeIdentity,
): SipRequest {
  const extra: HeaderPairs = [
    ['Contact', `<${line.contactUri(flow)}>`],
    ['Event', params.event],
  ];
  if (params.accept.length > 0) extra.push(['Accept', params.accept.join(', ')]);
  if (params.eventList) extra.push(['Supported', 'eventlist']);
  extra.push(['Expires', String(params.expires)], ['User-Agent', line.userAgent]);
  if (dialog) return dialog.createRequest('SUBSCRIBE', { via: viaHeader(flow), headers: extra });

  const headers = outOfDialogHeaders({
    flow,
    method: 'SUBSCRIBE',
    from: nameAddr(line.displayName, line.aor),
    fromTag: identity.localTag,
    to: nameAddr(undefined, params.target),
    callId: identity.callId,
    cseq: identity.cseq,
    route: line.outboundRoute,
  });
  headers.push(...extra);
  return createRequest({ method: 'SUBSCRIBE', uri: params.target, headers });
}

