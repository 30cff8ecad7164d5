/**
 * SDP offer/answer for one G.711 audio stream (RFC 3264, RFC 4566 via `sdp-transform`). Pure functions: the
 * {@link MediaSession} holds the state (ports, layout of m-lines, o= version) and applies the results.
 *
 * `sdp-transform` has no bundled types; its ambient module lives in electron/sip/types/sdp-transform.d.ts (in every
 * program that compiles this layer). This file reads and writes through its own {@link SdpDoc} shape, so it does not
 * depend on how much of the library that declaration spells out.
 *
 * SRTP keys travel as SDES a=crypto lines (RFC 4568) under an {@link SrtpPolicy}; srtp/sdes-negotiation.ts holds the
 * rules, this file puts them on the audio m-line.
 */
import { parse, write } from 'sdp-transform';
import type { G711Codec, MediaDirection, SdpResult } from './media-types';
import { answerDirection, asDirection, remoteDirectionOf } from './sdp-direction';
import { inlineKey, type SdesCrypto } from './srtp/sdes';
import { acceptCrypto, answeredCrypto, cryptoAttributes, offerProfile, type AcceptedCrypto, type AnswerSrtp, type AudioProfile, type NegotiatedSrtp, type OfferSrtp } from './srtp/sdes-negotiation';

export { offerCrypto, reofferCrypto, type AnswerSrtp, type NegotiatedSrtp, type OfferSrtp, type SrtpPolicy } from './srtp/sdes-negotiation';

interface SdpMediaLine {
  type: string;
  port: number;
  protocol: string;
  payloads?: string | number;
  rtp?: Array<{ payload: number; codec: string; rate?: number }>;
  fmtp?: Array<{ payload: number; config: string }>;
  connection?: { version: number; ip: string };
  rtcp?: { port: number; address?: string };
  ptime?: number;
  direction?: string;
  crypto?: Array<{ id: number; suite: string; config: string }>;
}

interface SdpDoc {
  version?: number;
  origin?: { username: string; sessionId: string | number; sessionVersion: number; netType: string; ipVer: number; address: string };
  name?: string;
  connection?: { version: number; ip: string };
  timing?: { start: number; stop: number };
  direction?: string;
  media?: SdpMediaLine[];
}

/** Our transport address for the audio stream. */
export interface LocalEndpoint {
  address: string;
  rtpPort: number;
}

/** One m-line of the session: ours (audio) or one we rejected with port 0, kept so re-offers keep the order (§8). */
export type MediaSlot = { kind: 'audio' } | { kind: 'rejected'; type: string; protocol: string; payloads: string };

/** What one exchange settled for the audio stream. */
export interface NegotiatedAudio {
  codec: G711Codec;
  /** Payload type for the codec in the far end's SDP: what we send with (it is the receiver's numbering). */
  payloadType: number;
  /** Payload type for the codec in our SDP: what the far end sends with. */
  localPayloadType: number;
  /** telephone-event payload types (far end's, ours) when both sides listed it (RFC 4733 §7.1.1). */
  telephoneEvent?: { payloadType: number; localPayloadType: number };
  remoteAddress: string;
  remotePort: number;
  remoteRtcpAddress: string;
  remoteRtcpPort: number;
  /** The far end's direction, with c=0.0.0.0 read as hold. */
  remoteDirection: MediaDirection;
  /** SRTP keys when the line is secured (RFC 4568); absent for plain RTP. */
  srtp?: NegotiatedSrtp;
}

/** Our offer: PCMU, PCMA, telephone-event 0-16 (RFC 3551 static types, RFC 4733 §7.1.1). */
export const OFFERED_CODECS: ReadonlyArray<{ codec: G711Codec; payloadType: number }> = [
  { codec: 'PCMU', payloadType: 0 },
  { codec: 'PCMA', payloadType: 8 },
];
/** The dynamic payload type we offer telephone-event under (RFC 4733 §7.1.1). */
export const OFFERED_TELEPHONE_EVENT = 101;

const STATIC_G711: Record<number, G711Codec> = { 0: 'PCMU', 8: 'PCMA' };

function payloadList(line: SdpMediaLine): number[] {
  return String(line.payloads ?? '')
    .split(/\s+/)
    .filter((p) => /^\d+$/.test(p))
    .map(Number);
}

/** The G.711 codec `pt` stands for in `line`: by its rtpmap, or by the static assignment when there is none. */
function codecOf(line: SdpMediaLine, pt: number): G711Codec | undefined {
  const map = line.rtp?.find((r) => r.payload === pt);
  if (!map) return STATIC_G711[pt];
  const name = map.codec.toUpperCase();
  return (name === 'PCMU' || name === 'PCMA') && (map.rate ?? 8000) === 8000 ? name : undefined;
}

function telephoneEventOf(line: SdpMediaLine): number | undefined {
  const payloads = payloadList(line);
  return line.rtp?.find((r) => r.codec.toLowerCase() === 'telephone-event' && r.rate === 8000 && payloads.includes(r.payload))
    ?.payload;
}

function firstCodec(line: SdpMediaLine): { codec: G711Codec; payloadType: number } | undefined {
  for (const pt of payloadList(line)) {
    const codec = codecOf(line, pt);
    if (codec) return { codec, payloadType: pt };
  }
  return undefined;
}

function parseDoc(sdp: string): SdpDoc | undefined {
  try {
    const doc = parse(sdp) as unknown as SdpDoc;
    return Array.isArray(doc.media) ? doc : undefined;
  } catch {
    return undefined;
  }
}

/** Transport address and direction of an accepted remote audio line; undefined without a connection address. */
function remoteEndpoint(doc: SdpDoc, line: SdpMediaLine): Omit<NegotiatedAudio, 'codec' | 'payloadType' | 'localPayloadType' | 'telephoneEvent' | 'srtp'> | undefined {
  const address = line.connection?.ip ?? doc.connection?.ip;
  if (!address) return undefined;
  return {
    remoteAddress: address,
    remotePort: line.port,
    remoteRtcpAddress: line.rtcp?.address ?? address,
    // RFC 3605: without a=rtcp, RTCP is on the next port up (RFC 3550 §11).
    remoteRtcpPort: line.rtcp?.port ?? line.port + 1,
    remoteDirection: remoteDirectionOf(asDirection(line.direction ?? doc.direction), address),
  };
}

const OFF: { policy: 'off' } = { policy: 'off' };

/** Writes a session description; `origin` carries the o= line fields (RFC 4566 §5.2). */
function writeDoc(origin: { sessionId: string; version: number }, local: LocalEndpoint, media: SdpMediaLine[]): string {
  const doc: SdpDoc = {
    version: 0,
    origin: { username: '-', sessionId: origin.sessionId, sessionVersion: origin.version, netType: 'IN', ipVer: 4, address: local.address },
    name: '-',
    connection: { version: 4, ip: local.address },
    timing: { start: 0, stop: 0 },
    media,
  };
  return write(doc as unknown as Parameters<typeof write>[0]);
}

function audioLine(
  local: LocalEndpoint,
  direction: MediaDirection,
  codecs: Array<{ codec: G711Codec; payloadType: number }>,
  te: number | undefined,
  profile: AudioProfile,
  crypto: readonly SdesCrypto[],
): SdpMediaLine {
  const rtp: Array<{ payload: number; codec: string; rate: number }> = codecs.map(({ codec, payloadType }) => ({ payload: payloadType, codec, rate: 8000 }));
  if (te !== undefined) rtp.push({ payload: te, codec: 'telephone-event', rate: 8000 });
  return {
    type: 'audio',
    port: local.rtpPort,
    protocol: profile,
    payloads: rtp.map((r) => r.payload).join(' '),
    rtp,
    fmtp: te === undefined ? [] : [{ payload: te, config: '0-16' }],
    ptime: 20,
    rtcp: { port: local.rtpPort + 1 },
    direction,
    crypto: crypto.map((c) => ({ id: c.tag, suite: c.suite, config: inlineKey(c) })),
  };
}

const rejectedLine = (slot: Extract<MediaSlot, { kind: 'rejected' }>): SdpMediaLine => ({
  type: slot.type,
  port: 0,
  protocol: slot.protocol,
  payloads: slot.payloads,
});

/**
 * Body of an offer (RFC 3264 §5): our audio line in its slot, earlier rejected lines kept at port 0 (§8). With SRTP
 * the line carries `srtp.crypto` (RFC 4568 §7.1.1), under RTP/SAVP when required and RTP/AVP when best-effort.
 */
export function writeOffer(
  origin: { sessionId: string; version: number },
  local: LocalEndpoint,
  layout: readonly MediaSlot[],
  direction: MediaDirection,
  srtp: OfferSrtp = OFF,
): string {
  const crypto = srtp.policy === 'off' ? [] : srtp.crypto;
  const profile = offerProfile(srtp.policy);
  const media = layout.map((slot) =>
    slot.kind === 'audio' ? audioLine(local, direction, [...OFFERED_CODECS], OFFERED_TELEPHONE_EVENT, profile, crypto) : rejectedLine(slot),
  );
  return writeDoc(origin, local, media);
}

/** Applies the far end's answer to our offer with `layout` and `srtp` (RFC 3264 §7, RFC 4568 §7.1.3). */
export function readAnswer(sdp: string, layout: readonly MediaSlot[], srtp: OfferSrtp = OFF): SdpResult<NegotiatedAudio> {
  const doc = parseDoc(sdp);
  if (!doc?.media) return { ok: false, reason: 'unparsable SDP answer' };
  if (doc.media.length !== layout.length) return { ok: false, reason: 'answer has a different number of m-lines than the offer' };
  const index = layout.findIndex((slot) => slot.kind === 'audio');
  const line = doc.media[index];
  if (!line || line.port === 0) return { ok: false, reason: 'audio stream rejected' };
  const chosen = firstCodec(line);
  const offered = chosen && OFFERED_CODECS.find((c) => c.codec === chosen.codec);
  if (!chosen || !offered) return { ok: false, reason: 'no common codec in answer' };
  const endpoint = remoteEndpoint(doc, line);
  if (!endpoint) return { ok: false, reason: 'answer has no connection address' };
  const crypto = answeredCrypto(line.protocol, cryptoAttributes(sdp, index), srtp);
  if (!crypto.ok) return crypto;
  const te = telephoneEventOf(line);
  return {
    ok: true,
    value: {
      codec: chosen.codec,
      payloadType: chosen.payloadType,
      localPayloadType: offered.payloadType,
      ...(te !== undefined && { telephoneEvent: { payloadType: te, localPayloadType: OFFERED_TELEPHONE_EVENT } }),
      ...endpoint,
      ...(crypto.value && { srtp: crypto.value }),
    },
  };
}

/** What answering a remote offer settled. */
export interface AnswerOutcome {
  audio: NegotiatedAudio;
  layout: MediaSlot[];
  /** Our direction in the answer. */
  direction: MediaDirection;
  /** Builds the answer body once the o= version is known. */
  render(origin: { sessionId: string; version: number }): string;
}

const NO_CODEC = 'no common codec (offer has no G.711 audio over RTP/AVP or RTP/SAVP)';

/** An offered audio line we can take, with what we take of it. */
interface AcceptedLine {
  index: number;
  line: SdpMediaLine;
  profile: AudioProfile;
  codec: { codec: G711Codec; payloadType: number };
  crypto?: AcceptedCrypto;
}

/** Whether we can take offered line `index`; undefined when it is no live audio line, a refusal when it is one we cannot. */
function acceptLine(sdp: string, line: SdpMediaLine, index: number, srtp: AnswerSrtp): SdpResult<AcceptedLine> | undefined {
  if (line.type !== 'audio' || line.port === 0) return undefined;
  const profile = line.protocol.toUpperCase();
  if (profile !== 'RTP/AVP' && profile !== 'RTP/SAVP') return { ok: false, reason: `audio over ${line.protocol} is not supported` };
  const codec = firstCodec(line);
  if (!codec) return { ok: false, reason: NO_CODEC };
  const crypto = acceptCrypto(profile, cryptoAttributes(sdp, index), srtp);
  if (!crypto.ok) return crypto;
  return { ok: true, value: { index, line, profile, codec, ...(crypto.value && { crypto: crypto.value }) } };
}

/**
 * Answers a remote offer (RFC 3264 §6): the first audio line over RTP/AVP or RTP/SAVP with a G.711 codec that `srtp`
 * allows is accepted with the first such codec in the offerer's order and the offerer's payload type numbers; every
 * other line is rejected with port 0 in its place (§6: same number and order of m-lines). An SRTP line is answered in
 * the offer's profile with the accepted line's tag and suite and our own key (RFC 4568 §7.1.2). Without a usable
 * line the refusal of the first audio line is the reason.
 */
export function answerOffer(sdp: string, local: LocalEndpoint, hold: boolean, srtp: AnswerSrtp = OFF): SdpResult<AnswerOutcome> {
  const doc = parseDoc(sdp);
  if (!doc?.media) return { ok: false, reason: 'unparsable SDP offer' };
  let accepted: AcceptedLine | undefined;
  let refusal: string | undefined;
  for (const [i, candidate] of doc.media.entries()) {
    const result = acceptLine(sdp, candidate, i, srtp);
    if (result?.ok) {
      accepted = result.value;
      break;
    }
    refusal ??= result?.reason;
  }
  if (!accepted) return { ok: false, reason: refusal ?? NO_CODEC };
  const { index, line, profile, codec: chosen, crypto } = accepted;
  const endpoint = remoteEndpoint(doc, line);
  if (!endpoint) return { ok: false, reason: 'offer has no connection address' };
  const te = telephoneEventOf(line);
  const direction = answerDirection(endpoint.remoteDirection, hold);
  const layout: MediaSlot[] = doc.media.map((m, i) =>
    i === index ? { kind: 'audio' } : { kind: 'rejected', type: m.type, protocol: m.protocol, payloads: String(m.payloads ?? '0') },
  );
  const audio: NegotiatedAudio = {
    codec: chosen.codec,
    payloadType: chosen.payloadType,
    localPayloadType: chosen.payloadType,
    ...(te !== undefined && { telephoneEvent: { payloadType: te, localPayloadType: te } }),
    ...endpoint,
    ...(crypto && { srtp: crypto.srtp }),
  };
  const ours = crypto ? [crypto.answer] : [];
  const render = (origin: { sessionId: string; version: number }): string =>
    writeDoc(
      origin,
      local,
      layout.map((slot) => (slot.kind === 'audio' ? audioLine(local, direction, [chosen], te, profile, ours) : rejectedLine(slot))),
    );
  return { ok: true, value: { audio, layout, direction, render } };
}

export { SdpOrigin } from './sdp-origin';
