/**
 * Transaction keys (RFC 3261 §17.1.3, §17.2.3). A message maps to a string key; a transaction is found by looking the
 * key up, so matching is one Map access however many transactions are live.
 */
import { BRANCH_MAGIC_COOKIE } from '../message/ids';
import type { SipMessage, SipRequest, SipResponse, Via } from '../message/types';

function topVia(message: SipMessage): Via | undefined {
  try {
    return message.vias[0];
  } catch {
    return undefined;
  }
}

/** True for a branch minted by an RFC 3261 implementation (§8.1.1.7 magic cookie). */
export function isRfc3261Branch(branch: string | undefined): branch is string {
  return branch !== undefined && branch.startsWith(BRANCH_MAGIC_COOKIE);
}

/** Key of the client transaction that sent `request`; the caller has checked its Via has a branch. */
export function clientKey(branch: string, method: string): string {
  return `c|${branch}|${method}`;
}

/**
 * Key of the client transaction a response belongs to: top Via branch plus CSeq method (§17.1.3), so the response
 * to a CANCEL never matches the INVITE with the same branch. Undefined when the response cannot match anything.
 */
export function responseKey(response: SipResponse): string | undefined {
  const branch = topVia(response)?.branch;
  if (!branch) return undefined;
  try {
    return clientKey(branch, response.cseq.method);
  } catch {
    return undefined;
  }
}

/**
 * Key of the server transaction a request belongs to (§17.2.3): branch, sent-by and method, with ACK folded onto
 * INVITE so the ACK for a non-2xx final response finds its transaction. Requests from pre-RFC 3261 peers (no magic
 * cookie) fall back to the RFC 2543 identity: Call-ID, CSeq number, From tag and top Via (§17.2.3, last paragraph,
 * simplified: the To tag is not compared for ACK). Undefined for a request without a usable Via or CSeq.
 */
export function requestKey(request: SipRequest): string | undefined {
  const via = topVia(request);
  if (!via) return undefined;
  const sentBy = `${via.host.toLowerCase()}:${via.port ?? ''}`;
  try {
    const method = request.method === 'ACK' ? 'INVITE' : request.method;
    if (isRfc3261Branch(via.branch)) return `s|${via.branch}|${sentBy}|${method}`;
    const fromTag = request.from.params.tag ?? '';
    return `s2543|${request.callId}|${request.cseq.seq}|${fromTag}|${sentBy}|${via.branch ?? ''}|${method}`;
  } catch {
    return undefined;
  }
}

/**
 * Key of the INVITE server transaction a CANCEL refers to (RFC 3261 §9.2: same match as for the INVITE, but with
 * method INVITE).
 */
export function cancelTargetKey(cancel: SipRequest): string | undefined {
  const key = requestKey(cancel);
  return key?.replace(/\|CANCEL$/, '|INVITE');
}
