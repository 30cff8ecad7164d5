/**
 * The ports of the call service (issue 9): what it needs from the lines, the history, the SIP agent and the tiles.
 * Apart from call-service.ts so that the service and its transfer flows (call-transfer-flows.ts) share them without
 * importing each other.
 */
import type { CallView } from '../../../shared/calls';
import type { LineConfig } from '../../../shared/settings';
import type { TileView } from '../../../shared/tiles';
import type { Clock } from '../../sip/clock';
import type { SipStack } from '../../sip/stack';
import type { DialOptions } from '../../sip/usage/call/call-agent';
import type { CallAgentOptions, CallSession } from '../../sip/usage/call/call-session-api';
import type { LineContext } from '../../sip/usage/line-context';
import type { CallMediaFactory } from './call-media';

/** What the call service needs from the lines (implemented by the line manager). */
export interface CallLines {
  /** The shared SIP stack (rebuilt when the transaction timers change). */
  readonly stack: SipStack;
  lineContext(number: number): LineContext | undefined;
  lineConfig(number: number): LineConfig | undefined;
  readonly defaultLineNumber: number;
}

/** What the call service tells the history (implemented by history/history-service.ts). */
export interface CallHistorySink {
  callStarted(call: { id: string; line: number; direction: CallView['direction']; far: CallView['far']; at: number }): void;
  callAnswered(id: string, at: number): void;
  callEnded(id: string, end: { at: number; cause: NonNullable<CallView['end']>['cause']; sipStatus?: number }): void;
  /** Follows `calls.historyLimit` (how many calls the journal keeps). */
  setLimit?(limit: number): void;
}

/** The part of {@link CallAgent} the service drives; tests hand in a scripted one. */
export interface CallAgentPort {
  dial(line: LineContext, target: string, options?: DialOptions): CallSession;
  close(): void;
}

/** How the service finds a tile (directed pickup needs its ringing dialog); implemented over the BLF service. */
export interface CallTiles {
  tileView(id: string): TileView | undefined;
}

/** Everything the call service is built from (wired in create-console.ts; tests use testing/call-service-rig.ts). */
export interface CallServiceDeps {
  clock: Clock;
  lines: CallLines;
  history: CallHistorySink;
  tiles: CallTiles;
  /** Builds the agent of a stack; default: {@link CallAgent}. */
  createAgent?: (options: CallAgentOptions) => CallAgentPort;
  /** Builds the media factory for the configured RTP port range (electron/media). */
  createMediaFactory(range: { min: number; max: number }): CallMediaFactory;
  /** "On the phone" for presence (issue 4's hook). */
  setInCall(inCall: boolean): void;
  log?: (message: string) => void;
}
