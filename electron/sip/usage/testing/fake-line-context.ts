/**
 * A {@link LineContext} without a registration, for tests and benchmarks of usages: the line's flow goes straight
 * to one server, the Contact names the flow's real local address (RFC 3261 §8.1.1.8).
 */
import type { SipStack } from '../../stack';
import type { Endpoint, Flow } from '../../transport/types';
import type { LineContext } from '../line-context';

export interface FakeLineOptions {
  /** Where the line's requests go (the registrar/PBX, or the outbound proxy). */
  server: Endpoint;
  user?: string;
  domain?: string;
  password?: string;
  displayName?: string;
  /** `host[:port]` of an outbound proxy: pre-loaded as `Route: <sip:host;lr>`. */
  outboundProxy?: string;
  number?: number;
}

export function fakeLineContext(stack: SipStack, options: FakeLineOptions): LineContext {
  const user = options.user ?? '200';
  const domain = options.domain ?? 'test.local';
  return {
    stack,
    number: options.number ?? 1,
    aor: `sip:${user}@${domain}`,
    displayName: options.displayName ?? 'Reception',
    domain,
    credentials: { username: user, password: options.password ?? 'secret' },
    outboundRoute: options.outboundProxy ? `<sip:${options.outboundProxy};lr>` : undefined,
    getFlow: () => stack.getFlow(options.server),
    contactUri: (flow: Flow) => {
      const host = flow.local.host.includes(':') ? `[${flow.local.host}]` : flow.local.host;
      const transport = flow.protocol === 'udp' ? '' : `;transport=${flow.protocol}`;
      return `sip:${user}@${host}:${flow.local.port}${transport}`;
    },
    userAgent: stack.userAgent,
  };
}
