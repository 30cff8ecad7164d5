/**
 * A {@link SessionDescriptionHandler} without RTP, for tests of the INVITE usage: it writes minimal SDP whose only
 * meaningful line is the direction (RFC 3264 §6.1, §8.4), reads the far end's direction back, and records what the
 * session asked of it.
 */
import type {
  MediaDirection,
  SdpResult,
  SessionDescriptionHandler,
  SessionDescriptionHandlerFactory,
  SessionDescriptionOptions,
} from '../call/session-description-handler';

/** A minimal audio SDP with `direction`. */
export function fakeSdp(direction: MediaDirection = 'sendrecv', host = '127.0.0.1'): string {
  return `v=0\r\no=- 1 1 IN IP4 ${host}\r\ns=-\r\nc=IN IP4 ${host}\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=${direction}\r\n`;
}

/** The direction attribute of an SDP (sendrecv when none, RFC 3264 §5.1). */
export function sdpDirection(sdp: string): MediaDirection {
  const match = /a=(sendrecv|sendonly|recvonly|inactive)/.exec(sdp);
  return (match?.[1] as MediaDirection | undefined) ?? 'sendrecv';
}

export class FakeSessionDescriptionHandler implements SessionDescriptionHandler {
  remoteDirection: MediaDirection = 'sendrecv';
  started = false;
  closed = false;
  /** Whether RFC 4733 was negotiated: false sends DTMF as SIP INFO. */
  telephoneEvent = false;
  /** Make `createAnswer` fail, as with no common codec. */
  failAnswer = false;
  readonly offers: SessionDescriptionOptions[] = [];
  readonly answered: string[] = [];
  readonly applied: string[] = [];
  readonly dtmf: string[] = [];

  constructor(readonly localAddress: string) {}

  createOffer(options: SessionDescriptionOptions): Promise<SdpResult<string>> {
    this.offers.push(options);
    const direction = options.hold ? (this.remoteDirection === 'sendonly' || this.remoteDirection === 'inactive' ? 'inactive' : 'sendonly') : 'sendrecv';
    return Promise.resolve({ ok: true, value: fakeSdp(direction, this.localAddress) });
  }

  createAnswer(remoteSdp: string, options: SessionDescriptionOptions): Promise<SdpResult<string>> {
    this.answered.push(remoteSdp);
    if (this.failAnswer) return Promise.resolve({ ok: false, reason: 'no common codec' });
    this.remoteDirection = sdpDirection(remoteSdp);
    return Promise.resolve({ ok: true, value: fakeSdp(answerDirection(this.remoteDirection, options.hold), this.localAddress) });
  }

  applyAnswer(remoteSdp: string): Promise<SdpResult<void>> {
    this.applied.push(remoteSdp);
    this.remoteDirection = sdpDirection(remoteSdp);
    return Promise.resolve({ ok: true, value: undefined });
  }

  start(): void {
    this.started = true;
  }

  sendDtmf(digit: string): boolean {
    if (!this.telephoneEvent) return false;
    this.dtmf.push(digit);
    return true;
  }

  stats() {
    return { packetsSent: 0, packetsReceived: 0, telephoneEvent: this.telephoneEvent };
  }

  close(): void {
    this.closed = true;
  }
}

/** RFC 3264 §6.1: the answer's direction for an offered one, and ours when we hold. */
function answerDirection(offered: MediaDirection, hold: boolean): MediaDirection {
  if (offered === 'inactive') return 'inactive';
  if (offered === 'sendonly') return hold ? 'inactive' : 'recvonly';
  if (offered === 'recvonly') return hold ? 'inactive' : 'sendonly';
  return hold ? 'sendonly' : 'sendrecv';
}

/** A factory that keeps every handler it made, newest last. */
export function fakeMediaFactory(): { factory: SessionDescriptionHandlerFactory; handlers: FakeSessionDescriptionHandler[] } {
  const handlers: FakeSessionDescriptionHandler[] = [];
  return {
    handlers,
    factory: ({ localAddress }) => {
      const handler = new FakeSessionDescriptionHandler(localAddress);
      handlers.push(handler);
      return handler;
    },
  };
}
