/**
 * The media layer's entry point for the composition root: one factory per process, one {@link MediaSession} per
 * call, all drawing RTP/RTCP port pairs from one shared range.
 */
import type { MediaClock, MediaLog, PortRange } from './media-types';
import { MediaSession } from './media-session';
import { PortAllocator } from './port-allocator';
import type { SrtpPolicy } from './sdp-offer-answer';

export interface MediaSessionFactoryOptions {
  clock: MediaClock;
  /** UDP ports for RTP and RTCP, e.g. 10000-20000 like most PBXes. */
  portRange: PortRange;
  log?: MediaLog;
}

/** Builds media sessions; the shape of electron/sip's `SessionDescriptionHandlerFactory`. */
export type MediaSessionFactory = (options: { localAddress: string; srtp?: SrtpPolicy }) => MediaSession;

/** A factory whose sessions share one {@link PortAllocator}. */
export function createMediaSessionFactory(options: MediaSessionFactoryOptions): MediaSessionFactory {
  const ports = new PortAllocator(options.portRange, options.log);
  return ({ localAddress, srtp }) => new MediaSession({ localAddress, clock: options.clock, ports, ...(options.log && { log: options.log }), ...(srtp && { srtp }) });
}
