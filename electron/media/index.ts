/** electron/media: SDP offer/answer and RTP/RTCP of calls (issue 9 §2). The composition root imports from here. */
export * from './media-types';
export { createMediaSessionFactory, type MediaSessionFactory, type MediaSessionFactoryOptions } from './media-session-factory';
export { MediaSession, type AudioSource, type MediaSessionOptions } from './media-session';
export { LocalAddressUnusable, MediaError, PortAllocator, PortRangeExhausted } from './port-allocator';
export { CallAudio, type CallAudioStats } from './call-audio';
export type { SrtpPolicy } from './sdp-offer-answer';
