import { createHash } from 'node:crypto';
import { isIP, type Socket } from 'node:net';
import { connect, rootCertificates, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { StreamTransport, type StreamTransportOptions } from './stream-transport';
import { hostPort } from './transport-emitter';
import { TransportError, type TlsOptions } from './types';

/** Options for {@link TlsTransport}; outgoing connections only (the console is a TLS client). */
export type TlsTransportOptions = StreamTransportOptions;

/** Certificate verification failures as reported by Node (OpenSSL X509 verify results and the host name check). */
const VERIFY_ERROR_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CRL_NOT_YET_VALID',
  'CRL_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERROR_IN_CRL_LAST_UPDATE_FIELD',
  'ERROR_IN_CRL_NEXT_UPDATE_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Upper-case hex without separators, so `ab:cd…` and `ABCD…` compare equal. */
export function normalizeFingerprint(fingerprint: string): string {
  return fingerprint.replace(/[\s:]/g, '').toUpperCase();
}

/**
 * SIP over TLS (RFC 3261 §26.2.1, RFC 5630). The server certificate is verified against the system store (plus
 * `ca` if given) and the host name; the only alternative is pinning one exact certificate by SHA-256 fingerprint.
 * There is no way to accept an unverified peer.
 */
export class TlsTransport extends StreamTransport {
  readonly protocol = 'tls' as const;
  protected readonly readyEvent = 'secureConnect' as const;

  constructor(options: TlsTransportOptions = {}) {
    super(options);
  }

  protected dial(remote: { host: string; port: number }, tls: TlsOptions | undefined): Socket {
    const servername = tls?.servername ?? (isIP(remote.host) ? undefined : remote.host);
    const options: ConnectionOptions = {
      host: remote.host,
      port: remote.port,
      servername,
      rejectUnauthorized: true,
    };
    if (tls?.fingerprint256 !== undefined) {
      if (!/^[0-9A-F]{64}$/.test(normalizeFingerprint(tls.fingerprint256))) {
        throw new TransportError(
          `invalid SHA-256 fingerprint "${tls.fingerprint256}"`,
          'tls-verify-failed',
          remote,
        );
      }
      // The pinned certificate is checked in verify() before the flow exists: chain and name do not matter for an
      // exact match, so OpenSSL's own checks are switched off only here.
      options.rejectUnauthorized = false;
      options.checkServerIdentity = () => undefined;
    } else if (tls?.ca) {
      options.ca = [...rootCertificates, tls.ca];
    }
    return connect(options);
  }

  protected override verify(
    socket: Socket,
    remote: { host: string; port: number },
    tls: TlsOptions | undefined,
  ): TransportError | undefined {
    const tlsSocket = socket as TLSSocket;
    const where = hostPort(remote.host, remote.port);
    if (tls?.fingerprint256 !== undefined) {
      const presented = tlsSocket.getPeerCertificate().fingerprint256;
      if (presented && normalizeFingerprint(presented) === normalizeFingerprint(tls.fingerprint256))
        return undefined;
      return new TransportError(
        `${where} presented certificate ${presented ?? '(none)'}, not the pinned one`,
        'tls-verify-failed',
        remote,
      );
    }
    // rejectUnauthorized already refused unverified peers; checked again so a future option change cannot open a hole.
    if (!tlsSocket.authorized) {
      return new TransportError(
        `${where}: certificate not verified: ${String(tlsSocket.authorizationError)}`,
        'tls-verify-failed',
        remote,
      );
    }
    return undefined;
  }

  protected override connectError(err: Error, remote: { host: string; port: number }): TransportError {
    const code = (err as NodeJS.ErrnoException).code;
    if (code && VERIFY_ERROR_CODES.has(code)) {
      return new TransportError(
        `${hostPort(remote.host, remote.port)}: certificate rejected: ${err.message}`,
        'tls-verify-failed',
        remote,
      );
    }
    return super.connectError(err, remote);
  }

  protected override flowKey(remote: { host: string; port: number }, tls: TlsOptions | undefined): string {
    const trust = [
      tls?.servername ?? '',
      tls?.fingerprint256 ? normalizeFingerprint(tls.fingerprint256) : '',
      tls?.ca ?? '',
    ];
    return `${hostPort(remote.host, remote.port)}|${createHash('sha256').update(JSON.stringify(trust)).digest('hex')}`;
  }
}
