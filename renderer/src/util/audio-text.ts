/** Words for audio (issue 10): the notes, call quality in one word and in figures, device names. */
import type { CallMediaStats, CallQuality, QualityRating } from '../../../shared/calls';
import type { DeviceInfo } from '../audio/devices';
import { formatNumber, t } from '../i18n';
import type { AudioNote } from '../stores/audio';

/** The sentence for a note near the calls strip or on the Audio screen. */
export function audioNoteText(note: AudioNote): string {
  switch (note.kind) {
    case 'released':
      return t('audio.note.released');
    case 'failed':
      return t('audio.note.failed', { detail: note.detail ?? '' });
    case 'micDenied':
      return t('audio.note.micDenied');
    case 'micUnavailable':
      return t('audio.note.micUnavailable');
    case 'suspended':
      return t('audio.note.suspended');
    case 'deviceMissing': {
      const role = note.role ?? 'headset';
      return t(note.gone ? `audio.note.lost.${role}` : `audio.note.missing.${role}`, { label: note.label ?? '' });
    }
  }
}

export function qualityWord(rating: QualityRating): string {
  return t(`call.quality.${rating}`);
}

/** A figure with its unit, or a dash when it is not known yet. */
export function figure(value: number | undefined, unit: 'ms' | '%' | '', digits = 1): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  return unit ? `${formatNumber(value, digits)} ${unit}` : formatNumber(value, digits);
}

/** The tooltip of the strip's quality mark: every figure on its own line. */
export function qualityTitle(quality: CallQuality, media?: Pick<CallMediaStats, 'srtp' | 'codec'>): string {
  const lines = [
    t('call.quality.label', { rating: qualityWord(quality.rating) }),
    `${t('quality.mos')}: ${figure(quality.mos, '', 2)}`,
    `${t('quality.loss')}: ${figure(quality.lossPercent, '%')}`,
    `${t('quality.jitter')}: ${figure(quality.jitterMs, 'ms')}`,
    `${t('quality.jitterBuffer')}: ${figure(quality.jitterBufferMs, 'ms', 0)}`,
    `${t('quality.concealed')}: ${figure(quality.concealedPercent, '%')}`,
    `${t('quality.roundTrip')}: ${figure(quality.roundTripMs, 'ms', 0)}`,
  ];
  if (quality.remoteLossPercent !== undefined || quality.remoteJitterMs !== undefined)
    lines.push(`${t('quality.remote')}: ${figure(quality.remoteLossPercent, '%')} · ${figure(quality.remoteJitterMs, 'ms')}`);
  if (media?.codec) lines.push(`${t('quality.codec')}: ${media.codec}`);
  if (media?.srtp) lines.push(t('call.srtp'));
  return lines.join('\n');
}

/** A device's name; before the browser shows names, "Microphone 2". */
export function deviceName(device: DeviceInfo, index: number): string {
  if (device.label) return device.label;
  return t(device.kind === 'audioinput' ? 'audio.unnamedInput' : 'audio.unnamedOutput', { n: index + 1 });
}
