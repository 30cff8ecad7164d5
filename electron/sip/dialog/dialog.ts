/**
 * Dialog state (RFC 3261 §12): the identity (Call-ID, local tag, remote tag), the route set, the remote target and
 * both sequence numbers, and the construction of requests within the dialog (§12.2.1.1). Usages (subscription now,
 * calls later) own their dialogs; this class holds no timers and sends nothing.
 */
import { createRequest, formatNameAddr, parseNameAddr, type HeaderPairs, type NameAddr, type SipRequest, type SipResponse } from '../message';
import { nextHopUri, requestTarget } from './routing';

/** RFC 3261 §12: a dialog is identified by Call-ID, local tag and remote tag. */
export interface DialogId {
  callId: string;
  localTag: string;
  remoteTag: string;
}

/** Everything a dialog starts with. `local`/`remote` are the From/To addresses without their tag. */
export interface DialogInit {
  callId: string;
  localTag: string;
  remoteTag: string;
  local: NameAddr;
  remote: NameAddr;
  remoteTarget: string;
  /** Route set in the order the requests visit it (already reversed for a UAC, §12.1.2). */
  routeSet: string[];
  localSeq: number;
  /** Empty (undefined) until the peer sends a request in the dialog (§12.1.2). */
  remoteSeq?: number;
  /** Request-URI was SIPS and the request went over TLS (§12.1.1, §12.1.2). */
  secure?: boolean;
}

export type DialogErrorCode = 'no-remote-tag' | 'no-local-tag';

/** A message cannot create a dialog (an expected peer fault, e.g. a 2xx without a To tag). */
export class DialogError extends Error {
  override readonly name = 'DialogError';
  constructor(
    message: string,
    readonly code: DialogErrorCode,
  ) {
    super(message);
  }
}

/** Options for a request built within the dialog. */
export interface InDialogRequestOptions {
  /** Top Via value, including a fresh branch (the caller knows the flow). */
  via: string;
  /** CSeq number; defaults to the next local sequence number (§12.2.1.1). ACK and CANCEL pass the INVITE's. */
  cseq?: number;
  /** Headers after the mandatory ones (Contact, Event, Expires, …). */
  headers?: HeaderPairs;
  body?: Uint8Array | string;
}

export class Dialog {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  readonly local: NameAddr;
  readonly remote: NameAddr;
  readonly secure: boolean;
  /** Where requests go: the peer's Contact, updated by target refresh requests and their 2xx (§12.2.1.2, §12.2.2). */
  remoteTarget: string;
  /** Fixed once the dialog exists (§12.2): neither refreshes nor later Record-Routes change it. */
  readonly routeSet: readonly string[];
  localSeq: number;
  remoteSeq: number | undefined;

  constructor(init: DialogInit) {
    if (!init.localTag) throw new DialogError('a dialog needs a local tag', 'no-local-tag');
    this.callId = init.callId;
    this.localTag = init.localTag;
    this.remoteTag = init.remoteTag;
    this.local = withoutTag(init.local);
    this.remote = withoutTag(init.remote);
    this.remoteTarget = init.remoteTarget;
    this.routeSet = [...init.routeSet];
    this.localSeq = init.localSeq;
    this.remoteSeq = init.remoteSeq;
    this.secure = init.secure ?? false;
  }

  /**
   * The UAC side of a dialog created by a 2xx (or 101–199 with a tag) to `request` (RFC 3261 §12.1.2): route set
   * from the response's Record-Route in reverse, remote target from its Contact (the Request-URI if it has none,
   * which a broken peer may send), local sequence from the request, remote tag from To.
   */
  static fromUacResponse(request: SipRequest, response: SipResponse): Dialog {
    const remoteTag = response.to.params.tag;
    if (!remoteTag) throw new DialogError(`${response.status} to ${request.method} has no To tag`, 'no-remote-tag');
    return new Dialog({
      callId: request.callId,
      localTag: request.from.params.tag ?? '',
      remoteTag,
      local: request.from,
      remote: request.to,
      remoteTarget: contactUri(response) ?? request.uri,
      routeSet: response.getAll('Record-Route').reverse(),
      localSeq: request.cseq.seq,
      secure: request.uri.toLowerCase().startsWith('sips:'),
    });
  }

  /**
   * The dialog a request received from the peer creates for the request we sent first (RFC 6665 §4.1.2.4: a NOTIFY
   * that arrives before the 2xx to our SUBSCRIBE). The peer's request is handled as a UAS would (§12.1.1): route
   * set from its Record-Route in order, remote target from its Contact, remote sequence from its CSeq, remote tag
   * from its From; the local side (URI, tag, sequence) comes from our request.
   */
  static fromPeerRequest(ours: SipRequest, peer: SipRequest): Dialog {
    const remoteTag = peer.from.params.tag;
    if (!remoteTag) throw new DialogError(`${peer.method} has no From tag`, 'no-remote-tag');
    return new Dialog({
      callId: ours.callId,
      localTag: ours.from.params.tag ?? '',
      remoteTag,
      local: ours.from,
      remote: ours.to,
      remoteTarget: contactUri(peer) ?? ours.uri,
      routeSet: peer.getAll('Record-Route'),
      localSeq: ours.cseq.seq,
      remoteSeq: peer.cseq.seq,
      secure: ours.uri.toLowerCase().startsWith('sips:'),
    });
  }

  /**
   * The UAS side of a dialog created by our response with `localTag` to `request` (RFC 3261 §12.1.1): route set
   * from the request's Record-Route in order, remote target from its Contact (the From URI if it has none or it does
   * not parse), remote sequence from its CSeq, local sequence empty until we send (a random start, §8.1.1.5).
   */
  static fromUasRequest(request: SipRequest, localTag: string): Dialog {
    const remoteTag = request.from.params.tag;
    if (!remoteTag) throw new DialogError(`${request.method} has no From tag`, 'no-remote-tag');
    return new Dialog({
      callId: request.callId,
      localTag,
      remoteTag,
      local: request.to,
      remote: request.from,
      remoteTarget: contactUri(request) ?? request.from.uri,
      routeSet: request.getAll('Record-Route'),
      localSeq: Math.floor(Math.random() * 10_000),
      remoteSeq: request.cseq.seq,
      secure: request.uri.toLowerCase().startsWith('sips:'),
    });
  }

  get id(): DialogId {
    return { callId: this.callId, localTag: this.localTag, remoteTag: this.remoteTag };
  }

  /** The URI the next request is sent towards (§8.1.2): first route, else the remote target. */
  get nextHop(): string {
    return nextHopUri(this.routeSet, this.remoteTarget);
  }

  /**
   * Builds a request within the dialog (RFC 3261 §12.2.1.1): To = remote URI with the remote tag, From = local URI
   * with the local tag, the dialog's Call-ID, the next local CSeq (unless given), and Request-URI and Route from the
   * route set and remote target, loose or strict routing alike.
   */
  createRequest(method: string, options: InDialogRequestOptions): SipRequest {
    const seq = options.cseq ?? ++this.localSeq;
    const target = requestTarget(this.routeSet, this.remoteTarget);
    const headers: HeaderPairs = [['Via', options.via], ['Max-Forwards', '70']];
    for (const route of target.routes) headers.push(['Route', route]);
    headers.push(
      ['From', formatNameAddr({ ...this.local, params: { ...this.local.params, tag: this.localTag } })],
      ['To', formatNameAddr(this.remoteTag ? { ...this.remote, params: { ...this.remote.params, tag: this.remoteTag } } : this.remote)],
      ['Call-ID', this.callId],
      ['CSeq', `${seq} ${method}`],
    );
    if (options.headers) headers.push(...options.headers);
    return createRequest({ method, uri: target.uri, headers, body: options.body });
  }

  /**
   * Records a request received in the dialog (§12.2.2). Returns false when its CSeq is not above the remote
   * sequence number (the RFC's 500 case); the caller decides what that means: a subscription answers such NOTIFYs
   * 200 anyway and relies on body versions (interop guide, "NOTIFY floods").
   */
  receiveRequest(request: SipRequest): boolean {
    const seq = request.cseq.seq;
    if (this.remoteSeq !== undefined && seq <= this.remoteSeq) return false;
    this.remoteSeq = seq;
    return true;
  }

  /**
   * Target refresh (§12.2.1.2 for a 2xx to our target refresh request, §12.2.2 for the peer's): the Contact, when
   * present and parseable, becomes the remote target. Returns whether it changed.
   */
  refreshTarget(message: SipRequest | SipResponse): boolean {
    const uri = contactUri(message);
    if (uri === undefined || uri === this.remoteTarget) return false;
    this.remoteTarget = uri;
    return true;
  }
}

function withoutTag(address: NameAddr): NameAddr {
  if (!('tag' in address.params)) return address;
  const params = { ...address.params };
  delete params.tag;
  return { ...address, params };
}

/** URI of the first Contact, or undefined when there is none or it does not parse. */
function contactUri(message: SipRequest | SipResponse): string | undefined {
  const value = message.get('Contact');
  if (value === undefined) return undefined;
  try {
    return parseNameAddr(value).uri;
  } catch {
    return undefined;
  }
}
