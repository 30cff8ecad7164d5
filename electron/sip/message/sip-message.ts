/**
 * The typed SIP message: {@link SipRequestMessage} and {@link SipResponseMessage}, plus {@link createRequest} and
 * {@link createResponse}. Parsing lives in `parse-message.ts`.
 *
 * What comes from drachtio-sip and what does not: the package's `SipMessage`/`parseSipMessage` cannot be used as
 * the engine. It works on strings, so Content-Length is written as a character count (wrong for UTF-8 bodies and
 * for TCP framing); it cuts the body at the first blank line when Content-Length is absent; it throws on a
 * message whose header block ends without the empty line; its compact-form table misses o u r b x and maps `e` to
 * "contact-encoding"; X-/P- headers are looked up case-sensitively; `set()` appends instead of replacing; and
 * `getParsedHeader()` throws a TypeError (or returns junk) for a missing header. Start line, header store,
 * serializer, Via and name-addr parsing are therefore written here; drachtio-sip's `parseUri` is used for
 * well-formed `sip:`/`sips:` URIs (see `uri.ts`). `sip-message.test.ts` pins each defect and the repair.
 */
import { HeaderList, headerEntry, type HeaderEntry } from './header-list';
import { splitList } from './grammar';
import { parseNameAddr } from './name-addr';
import { reasonPhrase } from './reason-phrases';
import type { CSeq, NameAddr, SipMessageBase, SipRequest, SipResponse, Via } from './types';
import { HeaderValueError, SipParseError } from './types';
import { parseVia } from './via';

const EMPTY = new Uint8Array(0);
/** Headers every request and response carries (RFC 3261 §8.1.1, §8.2.6.2). */
export const MANDATORY = ['Via', 'From', 'To', 'Call-ID', 'CSeq'] as const;
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
const CR_OR_LF = /[\r\n\0]/;

/** Header list as given to constructors and factories: `[name, value]` pairs in order. */
export type HeaderPairs = Array<[string, string]>;

function toBytes(body: Uint8Array | string | undefined): Uint8Array {
  if (body === undefined) return EMPTY;
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

/** Parses a CSeq value `4711 INVITE` (RFC 3261 §20.16; the number is below 2**31, §8.1.1.5). */
export function parseCSeq(value: string): CSeq {
  const m = /^(\d{1,10})\s+([A-Za-z0-9\-.!%*_+`'~]+)$/.exec(value.trim());
  const seq = m ? Number(m[1]) : NaN;
  if (!m || !m[2] || !(seq < 2 ** 31)) throw new SipParseError(`invalid CSeq "${value}"`, value);
  return { seq, method: m[2] };
}

/** Shared implementation of {@link SipMessageBase}. Parsed views are cached until a header changes. */
export abstract class AbstractSipMessage implements SipMessageBase {
  /** Raw header lines; exposed for the parser and serializer, not for general use. */
  readonly headerList: HeaderList;
  body: Uint8Array;
  private cache: { cseq?: CSeq; from?: NameAddr; to?: NameAddr; vias?: Via[] } = {};

  constructor(headers: HeaderList | HeaderPairs = [], body?: Uint8Array | string) {
    this.headerList =
      headers instanceof HeaderList ? headers : new HeaderList(headers.map(([n, v]) => headerEntry(n, v)));
    this.body = toBytes(body);
  }

  get(name: string): string | undefined {
    return this.headerList.get(name);
  }

  getAll(name: string): string[] {
    return this.headerList.getAll(name);
  }

  has(name: string): boolean {
    return this.headerList.has(name);
  }

  set(name: string, value: string | string[]): this {
    this.headerList.set(name, typeof value === 'string' ? [value] : value);
    this.cache = {};
    return this;
  }

  add(name: string, value: string, prepend = false): this {
    this.headerList.add(name, value, prepend);
    this.cache = {};
    return this;
  }

  remove(name: string): this {
    this.headerList.remove(name);
    this.cache = {};
    return this;
  }

  headerNames(): string[] {
    return this.headerList.names();
  }

  get bodyText(): string {
    const b = this.body;
    return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
  }

  /** Throws {@link SipParseError} only for a message built without a Call-ID; parsed messages always have one. */
  get callId(): string {
    return this.required('Call-ID');
  }

  get cseq(): CSeq {
    return (this.cache.cseq ??= parseCSeq(this.required('CSeq')));
  }

  /** Parsed view of From; change the header with {@link set}, not by mutating this object. */
  get from(): NameAddr {
    return (this.cache.from ??= parseNameAddr(this.required('From')));
  }

  get to(): NameAddr {
    return (this.cache.to ??= parseNameAddr(this.required('To')));
  }

  get vias(): Via[] {
    return (this.cache.vias ??= this.getAll('Via').map(parseVia));
  }

  /** @internal The parser's views of the mandatory headers (it parses them to validate), kept for the getters. */
  primeParsedViews(views: { cseq: CSeq; from: NameAddr; to: NameAddr; vias: Via[] }): void {
    this.cache = views;
  }

  /** Start line without CRLF. */
  protected abstract startLine(): string;

  toBuffer(): Buffer {
    const length = this.body.byteLength;
    let head = this.startLine() + '\r\n';
    let wroteLength = false;
    for (const e of this.headerList.entries) {
      if (e.key !== 'content-length') head += `${e.name}: ${e.value}\r\n`;
      else if (!wroteLength) {
        head += `Content-Length: ${length}\r\n`;
        wroteLength = true;
      }
    }
    if (!wroteLength) head += `Content-Length: ${length}\r\n`;
    head += '\r\n';
    if (length === 0) return Buffer.from(head, 'utf8');
    const headBytes = Buffer.byteLength(head, 'utf8');
    const out = Buffer.allocUnsafe(headBytes + length);
    out.write(head, 0, 'utf8');
    out.set(this.body, headBytes);
    return out;
  }

  toString(): string {
    return this.toBuffer().toString('utf8');
  }

  private required(name: string): string {
    const v = this.headerList.get(name);
    if (v === undefined) throw new SipParseError(`message has no ${name} header`);
    return v;
  }
}

/** A SIP request. */
export class SipRequestMessage extends AbstractSipMessage implements SipRequest {
  readonly kind = 'request' as const;

  constructor(
    public method: string,
    public uri: string,
    headers?: HeaderList | HeaderPairs,
    body?: Uint8Array | string,
  ) {
    super(headers, body);
  }

  protected startLine(): string {
    return `${this.method} ${this.uri} SIP/2.0`;
  }
}

/** A SIP response. */
export class SipResponseMessage extends AbstractSipMessage implements SipResponse {
  readonly kind = 'response' as const;

  constructor(
    public status: number,
    public reason: string,
    headers?: HeaderList | HeaderPairs,
    body?: Uint8Array | string,
  ) {
    super(headers, body);
  }

  protected startLine(): string {
    return `SIP/2.0 ${this.status} ${this.reason}`;
  }
}

/** Builds a request. Headers are taken as given; Content-Length is always computed on serialization. */
export function createRequest(opts: {
  method: string;
  uri: string;
  headers?: HeaderPairs;
  body?: Uint8Array | string;
}): SipRequest {
  if (!TOKEN.test(opts.method)) throw new Error(`invalid SIP method "${opts.method}"`);
  if (!opts.uri || /[\s\0]/.test(opts.uri)) throw new HeaderValueError('Request-URI', 'must be a URI without blanks or control characters');
  return new SipRequestMessage(opts.method, opts.uri, opts.headers ?? [], opts.body);
}

/**
 * Builds a response to `request` (RFC 3261 §8.2.6): Via (all, in order), From, To, Call-ID and CSeq copied;
 * the To tag added when `toTag` is given and To has none (§8.2.6.2); Timestamp copied into a 100 (§8.2.6.1).
 * `reason` defaults to the usual phrase for `status`.
 */
export function createResponse(
  request: SipRequest,
  status: number,
  reason?: string,
  opts: { toTag?: string; headers?: HeaderPairs; body?: Uint8Array | string } = {},
): SipResponse {
  if (!Number.isInteger(status) || status < 100 || status > 699)
    throw new Error(`invalid SIP status ${status}`);
  if (request instanceof AbstractSipMessage) return respondFromEntries(request, status, reason, opts);
  const headers: HeaderPairs = request.getAll('Via').map((v): [string, string] => ['Via', v]);
  const missing = MANDATORY.find((n) => !request.has(n));
  if (missing) throw new SipParseError(`cannot answer a request without ${missing}`);
  const tag = opts.toTag !== undefined && !('tag' in request.to.params) ? `;tag=${opts.toTag}` : '';
  headers.push(['From', request.get('From') as string], ['To', (request.get('To') as string) + tag]);
  headers.push(['Call-ID', request.callId], ['CSeq', request.get('CSeq') as string]);
  const timestamp = status === 100 ? request.get('Timestamp') : undefined;
  if (timestamp !== undefined) headers.push(['Timestamp', timestamp]);
  if (opts.headers) headers.push(...opts.headers);
  return new SipResponseMessage(status, reason ?? reasonPhrase(status), headers, opts.body);
}

/** An entry copied from the request under its canonical name; the same checks as {@link headerEntry}. */
function copied(key: string, name: string, value: string): HeaderEntry {
  if (CR_OR_LF.test(value)) throw new HeaderValueError(name, 'value must not contain CR or LF or NUL');
  return { key, name, value: value.trim() };
}

/**
 * {@link createResponse} for our own message class: one pass over the request's header lines, the values copied
 * as they were received (no lookups per header, no re-resolving of names). Answers every request the stack
 * receives, so it runs tens of thousands of times a second in a NOTIFY flood.
 */
function respondFromEntries(
  request: AbstractSipMessage & SipRequest,
  status: number,
  reason: string | undefined,
  opts: { toTag?: string; headers?: HeaderPairs; body?: Uint8Array | string },
): SipResponse {
  const vias: string[] = [];
  let sawVia = false;
  let from: string | undefined;
  let to: string | undefined;
  let callId: string | undefined;
  let cseq: string | undefined;
  let timestamp: string | undefined;
  for (const e of request.headerList.entries) {
    switch (e.key) {
      case 'via':
        sawVia = true;
        if (e.value.indexOf(',') >= 0) vias.push(...splitList(e.value));
        else if (e.value.trim() !== '') vias.push(e.value);
        break;
      case 'from':
        from ??= e.value;
        break;
      case 'to':
        to ??= e.value;
        break;
      case 'call-id':
        callId ??= e.value;
        break;
      case 'cseq':
        cseq ??= e.value;
        break;
      case 'timestamp':
        timestamp ??= e.value;
        break;
    }
  }
  const missing =
    !sawVia ? 'Via' : from === undefined ? 'From' : to === undefined ? 'To' : callId === undefined ? 'Call-ID' : cseq === undefined ? 'CSeq' : undefined;
  if (missing) throw new SipParseError(`cannot answer a request without ${missing}`);
  const tag = opts.toTag !== undefined && !('tag' in request.to.params) ? `;tag=${opts.toTag}` : '';
  const entries: HeaderEntry[] = vias.map((v) => copied('via', 'Via', v));
  entries.push(
    copied('from', 'From', from as string),
    copied('to', 'To', (to as string) + tag),
    copied('call-id', 'Call-ID', callId as string),
    copied('cseq', 'CSeq', cseq as string),
  );
  if (status === 100 && timestamp !== undefined) entries.push(copied('timestamp', 'Timestamp', timestamp));
  if (opts.headers) for (const [n, v] of opts.headers) entries.push(headerEntry(n, v));
  return new SipResponseMessage(status, reason ?? reasonPhrase(status), new HeaderList(entries), opts.body);
}
