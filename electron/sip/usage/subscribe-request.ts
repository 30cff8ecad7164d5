/**
 * Building a SUBSCRIBE (RFC 6665 §4.1.2) and choosing the flow it leaves on: out of dialog over the line's flow
 * (with the outbound proxy's pre-loaded Route, RFC 3261 §8.1.2), within a dialog towards the dialog's next hop
 * (§12.2.1.1), reusing the line's flow whenever that hop is the line's server.
 */
import { isIP } from 'node:net';
import type { DigestSession } from '../auth';
import { hopTarget, type Dialog } from '../dialog';
import { resolveTargets, type ResolvedTarget } from '../dns/resolver';
import { createRequest, newBranch, type HeaderPairs, type SipRequest, type SipResponse } from '../message';
import type { SipStack } from '../stack';
import type { Flow, TransportProtocol } from '../transport/types';
import type { LineContext } from './line-context';

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

export type Resolve = (hostPort: string, protocol: TransportProtocol) => Promise<ResolvedTarget[]>;

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
  const local = flow.local;
  const viaHost = local.host.includes(':') ? `[${local.host}]` : local.host;
  const via = `SIP/2.0/${flow.protocol.toUpperCase()} ${viaHost}:${local.port};branch=${newBranch()};rport`;
  const extra: HeaderPairs = [
    ['Contact', `<${line.contactUri(flow)}>`],
    ['Event', params.event],
  ];
  if (params.accept.length > 0) extra.push(['Accept', params.accept.join(', ')]);
  if (params.eventList) extra.push(['Supported', 'eventlist']);
  extra.push(['Expires', String(params.expires)], ['User-Agent', line.userAgent]);
  if (dialog) return dialog.createRequest('SUBSCRIBE', { via, headers: extra });

  const headers: HeaderPairs = [['Via', via], ['Max-Forwards', '70']];
  if (line.outboundRoute) headers.push(['Route', line.outboundRoute]);
  headers.push(
    ['From', `${quote(line.displayName)}<${line.aor}>;tag=${identity.localTag}`],
    ['To', `<${params.target}>`],
    ['Call-ID', identity.callId],
    ['CSeq', `${identity.cseq} SUBSCRIBE`],
    ...extra,
  );
  return createRequest({ method: 'SUBSCRIBE', uri: params.target, headers });
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
 * and resolves with the final response, or undefined after a timeout or transport error. For one-shot requests
 * whose outcome does not steer anything (the un-SUBSCRIBE on quit).
 */
export function sendAnsweringChallenges(stack: SipStack, flow: Flow, digest: DigestSession, build: () => SipRequest): Promise<SipResponse | undefined> {
  return new Promise((resolve) => {
    const send = (): void => {
      const request = build();
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

function quote(displayName: string): string {
  return displayName ? `"${displayName.replace(/["\\]/g, '\\$&')}" ` : '';
}
