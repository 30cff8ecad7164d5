/**
 * The o= line of one session (RFC 4566 §5.2, RFC 3264 §8): a random session id, and a version that goes up by one
 * whenever a new SDP we send differs from the previous one (a re-sent identical SDP keeps it).
 */
export class SdpOrigin {
  readonly sessionId: string;
  private version: number;
  private last: string | undefined;

  constructor(random: () => number = Math.random) {
    // Below 2^53 so every parser keeps it exact; NTP-like magnitude as RFC 4566 suggests.
    this.sessionId = String(Math.floor(random() * 9e12) + 1e12);
    this.version = Math.floor(random() * 1e6);
  }

  /** Renders with the current version; bumps the version first when the body (o= aside) changed. */
  stamp(render: (origin: { sessionId: string; version: number }) => string): string {
    const probe = render({ sessionId: this.sessionId, version: this.version });
    const body = probe.replace(/^o=.*$/m, '');
    if (this.last === undefined || body === this.last) {
      this.last = body;
      return probe;
    }
    this.last = body;
    this.version++;
    return render({ sessionId: this.sessionId, version: this.version });
  }
}
