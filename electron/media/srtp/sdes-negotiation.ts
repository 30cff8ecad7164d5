/**
 * SDES offer/answer of one audio line (RFC 4568 §7): which a=crypto lines we offer, which offered line we accept,
 * and what an answer settled. Pure functions; {@link ../sdp-offer-answer} applies them to the m-line, and the
 * media session keeps the keys between exchanges.
 *
 * Policy, chosen by the signalling transport (SDES keys travel in the SDP, so they are only as secret as the SIP
 * line, RFC 4568 §8.3):
 * - `require`: offer RTP/SAVP with crypto; accept only offers we can secure.
 * - `offer`: best-effort SRTP, offer RTP/AVP with crypto (what Asterisk and FreeSWITCH accept); fall back to RTP.
 * - `off`: never write a=crypto; refuse RTP/SAVP; ignore a=crypto in RTP/AVP.
 */
import type { SdpResult } from '../media-types';
import { generateCrypto, parseCrypto, type SdesCrypto } from './sdes';
import { SRTP_SUITES, type SrtpMasterKey, type SrtpSuite } from './srtp-context';

/** Whether and how we use SRTP on a call. */
export type SrtpPolicy = 'off' | 'offer' | 'require';

/** SRTP keys one exchange settled for the audio line; the shape `SrtpSession` takes. */
export interface NegotiatedSrtp {
  suite: SrtpSuite;
  /** Tag of the accepted a=crypto line: a re-offer repeats it with our key ({@link reofferCrypto}). */
  tag: number;
  /** Our master key: protects what we send. */
  local: SrtpMasterKey;
  /** The far end's master key: unprotects what we receive. */
  remote: SrtpMasterKey;
}

/** SRTP part of an offer we write, and of reading its answer: the crypto lines we offered. */
export type OfferSrtp = { policy: 'off' } | { policy: 'offer' | 'require'; crypto: readonly SdesCrypto[] };

/** SRTP part of answering an offer. */
export interface AnswerSrtp {
  policy: SrtpPolicy;
  /**
   * The keys of the running session, on a re-offer: when the offer is accepted with the same suite our master key is
   * kept (RFC 4568 §7.1.4 allows it), so the sending context and its ROC carry on. Without it, a fresh key.
   */
  current?: NegotiatedSrtp;
}

/** The SDP transport profile of the audio line (RFC 3551 RTP/AVP, RFC 3711 §12 RTP/SAVP). */
export type AudioProfile = 'RTP/AVP' | 'RTP/SAVP';

/** The profile an offer under `policy` uses. */
export const offerProfile = (policy: SrtpPolicy): AudioProfile => (policy === 'require' ? 'RTP/SAVP' : 'RTP/AVP');

/**
 * Crypto lines for a first offer: every suite we support, in preference order, each with its own fresh key (only
 * one will be used, and a key is never shared between suites).
 */
export function offerCrypto(random?: (size: number) => Uint8Array): SdesCrypto[] {
  return SRTP_SUITES.map((suite, i) => generateCrypto(i + 1, suite, random));
}

/**
 * Crypto for a re-offer (hold, resume) on an SRTP session: the accepted tag and suite with our current key. Keeping
 * the key is our choice (RFC 4568 §7.1.4 allows it): the far end can keep its decryption context, our ROC carries on,
 * and no new key material is needed for a direction change.
 */
export function reofferCrypto(current: NegotiatedSrtp): SdesCrypto[] {
  return [{ tag: current.tag, suite: current.suite, key: current.local.key, salt: current.local.salt }];
}

/** The values of the `a=crypto:` attributes of the m-section at `mediaIndex` (RFC 4568: a media-level attribute). */
export function cryptoAttributes(sdp: string, mediaIndex: number): string[] {
  let section = -1;
  const values: string[] = [];
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) section++;
    else if (section === mediaIndex && line.startsWith('a=crypto:')) values.push(line.slice('a=crypto:'.length));
  }
  return values;
}

/** What accepting an offered crypto line gives: our line for the answer and the keys of the session. */
export interface AcceptedCrypto {
  /** Ours, to write in the answer: the offer line's tag and suite, our key (§7.1.2). */
  answer: SdesCrypto;
  srtp: NegotiatedSrtp;
}

const TLS_NEEDED = 'RTP/SAVP (SRTP) offered, but SRTP is off: SDES keys need a TLS signalling line (sips:, transport=tls)';

/**
 * How we answer one offered audio line with profile `profile` and a=crypto values `offered` (RFC 4568 §7.1.2): the
 * first line with a suite and key parameters we support, or plain RTP when that is allowed, or a refusal.
 */
export function acceptCrypto(profile: AudioProfile, offered: readonly string[], srtp: AnswerSrtp): SdpResult<AcceptedCrypto | undefined> {
  if (srtp.policy === 'off') return profile === 'RTP/SAVP' ? { ok: false, reason: TLS_NEEDED } : { ok: true, value: undefined };
  let firstRefusal: string | undefined;
  for (const value of offered) {
    const parsed = parseCrypto(value);
    if (!parsed.ok) {
      firstRefusal ??= parsed.reason;
      continue;
    }
    const { tag, suite, key, salt } = parsed.value;
    const current = srtp.current;
    const answer: SdesCrypto = current?.suite === suite ? { tag, suite, key: current.local.key, salt: current.local.salt } : generateCrypto(tag, suite);
    return { ok: true, value: { answer, srtp: { suite, tag, local: { key: answer.key, salt: answer.salt }, remote: { key, salt } } } };
  }
  const why = firstRefusal ? ` (${firstRefusal})` : '';
  if (profile === 'RTP/SAVP') return { ok: false, reason: `RTP/SAVP offer without a supported a=crypto${why}` };
  if (srtp.policy === 'require') return { ok: false, reason: `SRTP required, but the offer has no supported a=crypto${why}` };
  return { ok: true, value: undefined };
}

/**
 * What the far end's answer to our offer settled (RFC 4568 §7.1.3): its one a=crypto line must carry a tag we offered,
 * with the same suite. Without crypto the call is plain RTP, unless we required SRTP or the answer says RTP/SAVP.
 */
export function answeredCrypto(profile: string, answered: readonly string[], srtp: OfferSrtp): SdpResult<NegotiatedSrtp | undefined> {
  const secureProfile = profile.toUpperCase() === 'RTP/SAVP';
  if (srtp.policy === 'off') return secureProfile ? { ok: false, reason: 'RTP/SAVP answer to an RTP/AVP offer' } : { ok: true, value: undefined };
  const [first] = answered;
  if (first === undefined) {
    if (srtp.policy === 'require') return { ok: false, reason: 'SRTP required, but the answer has no a=crypto' };
    return secureProfile ? { ok: false, reason: 'RTP/SAVP answer without a=crypto' } : { ok: true, value: undefined };
  }
  const parsed = parseCrypto(first);
  if (!parsed.ok) return { ok: false, reason: `unusable a=crypto in answer: ${parsed.reason}` };
  const remote = parsed.value;
  const ours = srtp.crypto.find((c) => c.tag === remote.tag);
  if (!ours) return { ok: false, reason: `answer a=crypto tag ${remote.tag} was not offered` };
  if (ours.suite !== remote.suite) return { ok: false, reason: `answer a=crypto tag ${remote.tag} changes the suite to ${remote.suite}` };
  return {
    ok: true,
    value: { suite: ours.suite, tag: ours.tag, local: { key: ours.key, salt: ours.salt }, remote: { key: remote.key, salt: remote.salt } },
  };
}
