/**
 * One word for how a call sounds, from the figures RTP and RTCP give (RFC 3550 §6.4): an E-model estimate (ITU-T
 * G.107, in the reduced form RFC 3611 §4.7.5 reports) of the rating factor R from packet loss and one-way delay, and
 * the MOS it maps to. G.711 with concealment: equipment impairment Ie = 0, packet-loss robustness Bpl = 25.1 (G.113
 * Appendix I). Pure: the media session calls it when `calls.changed` refreshes the figures.
 */

import type { QualityRating } from '../../shared/calls';

export interface QualityInput {
  /** Loss seen recently, 0..1 (the worse of ours and the far end's last report). */
  recentLoss: number;
  /** One-way delay estimate in ms: half the round trip (or a guess), the jitter buffer and packetisation. */
  oneWayDelayMs: number;
}

const R0 = 93.2;
const BPL_G711_PLC = 25.1;

/** G.107 delay impairment Id (simplified: Idd only, echo-free headset). */
function delayImpairment(d: number): number {
  return 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
}

/** R factor to MOS (G.107 Annex B). */
export function mosFromR(r: number): number {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
}

/** MOS ≥ 4.0 is toll quality (good), ≥ 3.6 most users are satisfied (fair), below that many are not (poor). */
export function rateMos(mos: number): QualityRating {
  if (mos >= 4.0) return 'good';
  if (mos >= 3.6) return 'fair';
  return 'poor';
}

/** Estimated MOS and rating of a G.711 call. */
export function estimateQuality(input: QualityInput): { mos: number; rating: QualityRating } {
  const ppl = Math.max(0, Math.min(1, input.recentLoss)) * 100;
  const ie = (95 * ppl) / (ppl + BPL_G711_PLC);
  const r = R0 - delayImpairment(Math.max(0, input.oneWayDelayMs)) - ie;
  const mos = Math.round(mosFromR(r) * 100) / 100;
  return { mos, rating: rateMos(mos) };
}
