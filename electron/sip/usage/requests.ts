/**
 * What every usage's requests share: the Via of a new client transaction with `rport` (RFC 3261 §8.1.1.7, RFC 3581),
 * the header block of an out-of-dialog request from the line's address of record (§8.1.1), resending with
 * credentials after a challenge (§22.2), and the flow a request leaves on.
 */
import { isIP } from 'node:net';
import { hasControlCharacters } from '../../../shared/control-characters';
import type { DigestSession } from '../auth';
import { hopTarget, type Dialog } from '../dialog';
import { resolveTargets, type ResolvedTarget } from '../dns/resolver';
import { createRequest, HeaderValueError, newBranch, type HeaderPairs, type SipRequest, type SipResponse } from '../message';
import type { SipStack } from '../stack';
import type { Flow, TransportProtocol } from '../transport/types';
import type { LineContext } from './line-context';

export type Resolve = (hostPort: string, protocol: TransportProtocol) => Promise<ResolvedTarget[]>;

/** The Via of a new client transaction sent on `flow`: its real local address, a fresh branch, `rport`. */
export function viaHeader(flow: Flow): string {
  const host = flow.local.host.includes(':') ? `[${flow.local.host}]` : flow.local.host;
  return `SIP/2.0/${flow.protocol.toUpperCase()} ${host}:${flow.local.port};branch=${newBranch()};rport`;
}

/**
 * Throws {@link HeaderValueError} naming `header` and `reason` when `value` holds a control character (the rule of
 * the settings, shared/control-characters.ts). The second wall behind settings validation: a value that slipped past
 * it (hand-edited file, a caller bug) fails the request being built, with a reason the usage can show, instead of
 * reaching the wire.
 */
export function refuseControlCharacters(header: string, value: string, reason: string): void {
  if (hasControlCharacters(value)) throw new HeaderValueError(header, reason);
}

/**
 * `"Display" <uri>` with the display name quoted and escaped (RFC 3261 §25.1), or `<uri>` without one. Throws
 * {@link HeaderValueError} for a display name holding a control character: quoting cannot make CR or LF safe. Only
 * the line's own name-addr (From, and To of a REGISTER) has a display name.
 */
export function nameAddr(displayName: string | undefined, uri: string): string {
  if (!displayName) return `<${uri}>`;
  refuseControlCharacters('From', displayName, 'display name contains a control character');
  return `"${displayName.replace(/["\\]/g, '\\$&')}" <${uri}>`;
}

/**
 * The headers every out-of-dialog request of a usage starts with (RFC 3261 §8.1.1), Route when there is a proxy.
 * Throws {@link HeaderValueError} when From, To or Route holds a control character.
 */
export function outOfDialogHeaders(request: {
  flow: Flow;
  method: string;
  /** `From` as a name-addr, without the tag. */
  from: string;
  fromTag: string;
  to: string;
  callId: string;
  cseq: number;
  /** Pre-loaded Route of the line's outbound proxy (§8.1.2). */
  route?: string;
}): HeaderPairs {
  refuseControlCharacters('From', request.from, 'line address contains a control character');
  refuseControlCharacters('To', request.to, 'target address contains a control character');
  if (request.route) refuseControlCharacters('Route', request.route, 'outbound proxy contains a control character');
  const headers: HeaderPairs = [['Via', viaHeader(request.flow)], ['Max-Forwards', '70']];
  if (request.route) headers.push(['Route', request.route]);
  headers.push(
    ['From', `${request.from};tag=${request.fromTag}`],
    ['To', request.to],
    ['Call-ID', request.callId],
    ['CSeq', `${request.cseq} ${request.method}`],
  );
  return headers;
}

/** The user-facing reason of a {@link HeaderValueError}, or undefined for any other error (which the caller rethrows). */
export function headerValueReason(error: unknown): string | undefined {
  return error instanceof HeaderValueError ? error.reason : undefined;
}

/**
 * The flow for the next request: the line's flow out of dialog, or when the dialog's next hop (RFC 3261 §8.1.2) is
 * the line's server; otherwise a flow to that hop, located by RFC 3263 when it is a name. Rejects with
 * TransportError, DnsResolutionError or SipParseError (an unusable route or Contact from the peer).
 */
export async function flowFor(line: LineContext, dialog: Dialog | undefined, resolve: Resolve = resolveTargets): Promise<Flow> {
  const lineFlow = await line.getFlow();
  if (!dialog) return lineFlow;
  const hop = hopTarget(dialog.nextHop, lineFlow.protocol);
  if (isLineServer(lineFlow, hop.protocol, hop.host, hop.port ?? defaultPort(hop.protocol))) return lineFlow;
  const host = hop.host.includes(':') ? `[${hop.host}]` : hop.host;
  const [target] = await resolve(hop.port === undefined ? host : `${host}:${hop.port}`, hop.protocol);
  if (!target || isLineServer(lineFlow, target.protocol, target.host, target.port)) return lineFlow;
  const tls = target.protocol === 'tls' && !isIP(target.serverName) ? { servername: target.serverName } : undefined;
  return line.stack.getFlow(target, tls);
}

/**
 * Sends a request built by `build`, answering 401/407 with a rebuilt one (new CSeq and branch, RFC 3261 §22.2),
 * and resolves with the final response, or undefined after a timeout, a transport error or a request that cannot
 * be built ({@link HeaderValueError}). For one-shot requests whose outcome does not steer anything (the
 * un-SUBSCRIBE on quit): it never rejects on a bad setting, so a `void`ed call cannot crash the process.
 */
export function sendAnsweringChallenges(stack: SipStack, flow: Flow, digest: DigestSession, build: () => SipRequest): Promise<SipResponse | undefined> {
  return new Promise((resolve) => {
    const send = (): void => {
      let request: SipRequest;
      try {
        request = build();
      } catch (error) {
        if (!(error instanceof HeaderValueError)) throw error;
        return resolve(undefined);
      }
      digest.prepare(request);
      stack.sendRequest(request, flow, {
        onFinal: (response) => {
          const challenged = response.status === 401 || response.status === 407;
          if (challenged && digest.authorize(request, response) === 'retry') return send();
          resolve(response);
        },
        onTimeout: () => resolve(undefined),
        onTransportError: () => resolve(undefined),
      });
    };
    send();
  });
}

function isLineServer(flow: Flow, protocol: TransportProtocol, host: string, port: number): boolean {
  return flow.protocol === protocol && flow.remote.port === port && flow.remote.host.toLowerCase() === host.toLowerCase();
}

const defaultPort = (protocol: TransportProtocol): number => (protocol === 'tls' ? 5061 : 5060);


/**
 * Sends the CANCEL for a pending `invite` (RFC 3261 §9.1: same Request-URI, Call-ID, To, From, CSeq number, top Via
 * and Route as the INVITE). Its answer does not matter: the INVITE's 487 (or a crossing 2xx) tells what happened.
 */
export function sendCancel(stack: SipStack, flow: Flow, invite: SipRequest, userAgent: string): void {
  const headers: HeaderPairs = [['Via', invite.getAll('Via')[0]!]];
  for (const route of invite.getAll('Route')) headers.push(['Route', route]);
  headers.push(
    ['Max-Forwards', '70'],
    ['From', invite.get('From')!],
    ['To', invite.get('To')!],
    ['Call-ID', invite.callId],
    ['CSeq', `${invite.cseq.seq} CANCEL`],
    ['User-Agent', userAgent],
  );
  const cancel = createRequest({ method: 'CANCEL', uri: invite.uri, headers });
  stack.sendRequest(cancel, flow, { onFinal: () => undefined, onTimeout: () => undefined, onTransportError: () => undefined });
}
