import { TcpTransport, type TcpTransportOptions } from './tcp-transport';
import { TlsTransport, type TlsTransportOptions } from './tls-transport';
import { UdpTransport, type UdpTransportOptions } from './udp-transport';
import type { Transport, TransportProtocol } from './types';

/** Options per protocol for {@link createTransport}. */
export interface TransportOptionsByProtocol {
  udp: UdpTransportOptions;
  tcp: TcpTransportOptions;
  tls: TlsTransportOptions;
}

/**
 * Creates the transport for `protocol`. Nothing is bound yet: UDP binds and TCP starts listening (when `listen` is
 * set) on the first `getFlow`, or earlier through their `start()`.
 */
export function createTransport<P extends TransportProtocol>(
  protocol: P,
  options: TransportOptionsByProtocol[P] = {},
): Transport {
  switch (protocol) {
    case 'udp':
      return new UdpTransport(options as UdpTransportOptions);
    case 'tcp':
      return new TcpTransport(options as TcpTransportOptions);
    case 'tls':
      return new TlsTransport(options as TlsTransportOptions);
    default:
      throw new Error(`unknown transport protocol ${String(protocol)}`);
  }
}
