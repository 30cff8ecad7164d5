export * from './types';
export { createTransport, type TransportOptionsByProtocol } from './create-transport';
export { StreamConnection, type StreamConnectionOptions } from './stream-connection';
export {
  FramingError,
  StreamFramer,
  contentLength,
  type KeepAliveSignal,
  type StreamFramerOptions,
} from './stream-framer';
export { StreamTransport, type StreamTransportOptions } from './stream-transport';
export { TcpTransport, type TcpTransportOptions } from './tcp-transport';
export { TlsTransport, normalizeFingerprint, type TlsTransportOptions } from './tls-transport';
export { UdpTransport, type UdpTransportOptions } from './udp-transport';
