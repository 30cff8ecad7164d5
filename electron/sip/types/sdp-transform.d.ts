/**
 * The part of `sdp-transform` (no bundled types) the stack uses: writing a session description from its object form.
 */
declare module 'sdp-transform' {
  export interface SdpRtpMap {
    payload: number;
    codec: string;
    rate?: number;
    encoding?: number;
  }
  export interface SdpMedia {
    type: string;
    port: number;
    protocol: string;
    payloads?: string;
    rtp: SdpRtpMap[];
    fmtp: Array<{ payload: number; config: string }>;
    connection?: { version: number; ip: string };
    direction?: 'sendrecv' | 'recvonly' | 'sendonly' | 'inactive';
  }
  export interface SessionDescription {
    version?: number;
    origin?: { username: string; sessionId: string | number; sessionVersion: number; netType: string; ipVer: number; address: string };
    name?: string;
    connection?: { version: number; ip: string };
    timing?: { start: number; stop: number };
    media: SdpMedia[];
  }
  export function write(session: SessionDescription): string;
  export function parse(sdp: string): SessionDescription;
}
