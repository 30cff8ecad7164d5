/**
 * Direction rules of offer/answer (RFC 3264 §6.1, §8.4) from our side: which direction we write, given whether we
 * hold and what the far end last said, and whether RTP flows our way.
 */
import type { MediaDirection } from './media-types';

const DIRECTIONS: readonly MediaDirection[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

/** Narrows an SDP attribute value to a direction; anything else (or none) is the default sendrecv (RFC 3264 §5.1). */
export function asDirection(value: unknown): MediaDirection {
  return DIRECTIONS.includes(value as MediaDirection) ? (value as MediaDirection) : 'sendrecv';
}

/** Whether a side that wrote `direction` sends RTP. */
export function sends(direction: MediaDirection): boolean {
  return direction === 'sendrecv' || direction === 'sendonly';
}

/** Whether a side that wrote `direction` wants to receive RTP. */
export function receives(direction: MediaDirection): boolean {
  return direction === 'sendrecv' || direction === 'recvonly';
}

function compose(send: boolean, receive: boolean): MediaDirection {
  if (send) return receive ? 'sendrecv' : 'sendonly';
  return receive ? 'recvonly' : 'inactive';
}

/**
 * The far end's direction with an RFC 2543 hold folded in: `c=0.0.0.0` means "do not send to me" (RFC 3264 §8.4 keeps
 * it working for old peers), so the receive half is dropped.
 */
export function remoteDirectionOf(written: MediaDirection, connectionAddress: string): MediaDirection {
  return connectionAddress === '0.0.0.0' ? compose(sends(written), false) : written;
}

/**
 * The direction of our offer (RFC 3264 §8.4): on hold we only send (music on hold, or silence: a PBX with an RTP
 * timeout hangs up a call that sends nothing), and when the far end holds us too neither side sends.
 */
export function offerDirection(hold: boolean, remoteDirection: MediaDirection): MediaDirection {
  if (!hold) return 'sendrecv';
  return receives(remoteDirection) ? 'sendonly' : 'inactive';
}

/**
 * The direction of our answer (RFC 3264 §6.1): we receive only what the far end offers to send, send only when it
 * offers to receive, and drop receiving while we hold. sendrecv → sendrecv (hold: sendonly); sendonly → recvonly
 * (hold: inactive); recvonly → sendonly; inactive → inactive.
 */
export function answerDirection(offered: MediaDirection, hold: boolean): MediaDirection {
  return compose(receives(offered), sends(offered) && !hold);
}

/** Whether we put RTP on the wire: our SDP allows it and so does the far end's (an answer may narrow an offer). */
export function mayTransmit(local: MediaDirection, remote: MediaDirection): boolean {
  return sends(local) && receives(remote);
}
