/**
 * What a usage other than registration (subscription now; publication and call later) needs from the line it acts
 * for: the identity, the credentials, and the flow its requests leave on. Implemented by the line manager over the
 * line's registration; tests implement it over a FakeNetwork.
 */
import type { SipStack } from '../stack';
import type { Flow } from '../transport/types';

export interface LineContext {
  readonly stack: SipStack;
  /** 1-based line number. */
  readonly number: number;
  /** `sip:user@domain` — From of out-of-dialog requests (RFC 3261 §8.1.1.3). */
  readonly aor: string;
  readonly displayName: string;
  readonly domain: string;
  /** Username and password for digest challenges (RFC 3261 §22). */
  readonly credentials: { username: string; password: string };
  /** `<sip:proxy;lr>` pre-loaded Route for out-of-dialog requests when the line has an outbound proxy (§8.1.2). */
  readonly outboundRoute?: string;
  /**
   * The flow the line's requests go out on: the registration's flow when there is one (so NOTIFYs come back over the
   * same connection), else a new one to the line's first target. Rejects with TransportError / DnsResolutionError.
   */
  getFlow(): Promise<Flow>;
  /** Contact URI for the given flow (real local address and port, `;transport=` for streams). */
  contactUri(flow: Flow): string;
  /** The User-Agent string. */
  readonly userAgent: string;
}
