/**
 * The typed message API every layer above uses. Implemented in `sip-message.ts` as an adapter over `drachtio-sip`
 * that repairs the package's known defects (see `sip-message.test.ts`, one test per defect).
 */

/** `sip:`, `sips:` or `tel:` URI (RFC 3261 §19.1, RFC 3966). */
export interface SipUri {
  scheme: 'sip' | 'sips' | 'tel';
  user?: string;
  password?: string;
  /** Host without brackets, e.g. `::1`; for `tel:` the empty string. */
  host: string;
  port?: number;
  /** URI parameters, lower-cased names; `null` for a flag such as `;lr`. */
  params: Record<string, string | null>;
  headers: Record<string, string>;
}

/** `"Display" <uri>;tag=x` (RFC 3261 §20.10, §20.20, §20.39). */
export interface NameAddr {
  displayName?: string;
  uri: string;
  params: Record<string, string | null>;
}

/** One Via value (RFC 3261 §20.42, RFC 3581 rport). */
export interface Via {
  transport: string;
  host: string;
  port?: number;
  params: Record<string, string | null>;
  branch?: string;
}

export interface CSeq {
  seq: number;
  method: string;
}

/** Common surface of requests and responses. Header names are matched case-insensitively and compact forms map. */
export interface SipMessageBase {
  /** First value of a header, or undefined. Never throws. */
  get(name: string): string | undefined;
  /** Every value of a header in order (comma-separated values of list headers are split). */
  getAll(name: string): string[];
  has(name: string): boolean;
  /** Replaces every value of the header. */
  set(name: string, value: string | string[]): this;
  /** Appends a value (after existing ones; `prepend` puts it first, as for Via). */
  add(name: string, value: string, prepend?: boolean): this;
  remove(name: string): this;
  /** Header names in order, canonical long form. */
  headerNames(): string[];
  body: Uint8Array;
  /** Body decoded as UTF-8. */
  readonly bodyText: string;
  readonly callId: string;
  readonly cseq: CSeq;
  readonly from: NameAddr;
  readonly to: NameAddr;
  /** Every Via in order (topmost first). */
  readonly vias: Via[];
  /** Serializes with Content-Length equal to the body's byte length. */
  toBuffer(): Buffer;
  toString(): string;
}

export interface SipRequest extends SipMessageBase {
  readonly kind: 'request';
  method: string;
  uri: string;
}

export interface SipResponse extends SipMessageBase {
  readonly kind: 'response';
  status: number;
  reason: string;
}

export type SipMessage = SipRequest | SipResponse;

/** Raised for bytes that are not a SIP message; carries why, so the caller can log it and answer 400. */
export class SipParseError extends Error {
  override readonly name = 'SipParseError';
  constructor(
    message: string,
    readonly raw?: string,
  ) {
    super(message);
  }
}

/**
 * Raised while building a message when a header value (or the Request-URI) holds CR, LF or NUL: written out it would
 * end the header and inject the rest (RFC 3261 §25.1). Always a caller bug or bad configuration, never a network
 * condition; usages turn it into a failed state naming {@link reason} instead of letting it escape.
 */
export class HeaderValueError extends Error {
  override readonly name = 'HeaderValueError';
  constructor(
    /** The header (or `Request-URI`) that was refused. */
    readonly header: string,
    /** Why, for the user, e.g. `display name contains a control character`. */
    readonly reason: string,
  ) {
    super(`header ${header}: ${reason}`);
  }
}
