/**
 * A {@link CallSession} as the renderer sees it ({@link CallView}, shared/calls.ts): the SIP session's state plus the
 * hold flags folded into the one `state` a receptionist reads.
 */
import type { CallState, CallView } from '../../../shared/calls';
import type { CallSession } from '../../sip/usage/call/call-session-api';

/** Folds session state and hold flags: an answered call held by either side reads `held`. */
export function callState(session: Pick<CallSession, 'state' | 'localHold' | 'remoteHold'>): CallState {
  if (session.state === 'connected') return session.localHold || session.remoteHold ? 'held' : 'connected';
  return session.state;
}

export function toCallView(session: CallSession): CallView {
  const view: CallView = {
    id: session.id,
    line: session.line,
    direction: session.direction,
    state: callState(session),
    far: { ...session.far },
    startedAt: session.startedAt,
  };
  if (session.state === 'connected') view.hold = { local: session.localHold, remote: session.remoteHold };
  if (session.answeredAt !== undefined) view.answeredAt = session.answeredAt;
  if (session.endedAt !== undefined) view.endedAt = session.endedAt;
  if (session.end) view.end = { ...session.end };
  if (session.state === 'connected' || session.state === 'early') view.media = session.media.stats();
  return view;
}
