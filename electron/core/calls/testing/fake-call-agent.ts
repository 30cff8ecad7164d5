/**
 * A scripted {@link CallSession} and call agent for call-service tests (no SIP engine): the test answers, hangs up,
 * scripts hold results and plays a transfer's progress and outcome as the SIP usage would (refer-transfer.ts: on
 * success the session has sent BYE; on failure the far end is taken off hold again).
 */
import type { CallDirection, CallEnd, CallParty } from '../../../../shared/calls';
import type { CallAgentOptions, CallSession, DialogIds, SessionActionResult, SessionState, TransferProgress, TransferResult } from '../../../sip/usage/call/call-session-api';
import type { SessionDescriptionHandler } from '../../../sip/usage/call/session-description-handler';
import type { LineContext } from '../../../sip/usage/line-context';
import type { CallAgentPort } from '../call-service';
import type { DialOptions } from '../../../sip/usage/call/call-agent';

const fakeMedia: SessionDescriptionHandler = {
  createOffer: () => Promise.resolve({ ok: true, value: '' }),
  createAnswer: () => Promise.resolve({ ok: true, value: '' }),
  applyAnswer: () => Promise.resolve({ ok: true, value: undefined }),
  remoteDirection: 'sendrecv',
  start: () => undefined,
  sendDtmf: () => true,
  stats: () => ({ packetsSent: 0, packetsReceived: 0, telephoneEvent: true }),
  close: () => undefined,
};

/** One REFER the service sent, resolved by {@link FakeSession.finishRefer}. */
export interface FakeRefer {
  target: string;
  replaces?: DialogIds;
  resolve(result: TransferResult): void;
}

let counter = 0;

export class FakeSession implements CallSession {
  readonly id: string;
  readonly startedAt = Date.UTC(2026, 0, 1);
  state: SessionState;
  localHold = false;
  remoteHold = false;
  far: CallParty;
  end?: CallEnd;
  answeredAt?: number;
  endedAt?: number;
  replaces?: string;
  readonly media = fakeMedia;
  dialogIds?: DialogIds;
  remoteTarget?: string;
  transfer?: TransferProgress;
  /** What `hold()` answers next (default ok). */
  holdResult: SessionActionResult = { ok: true };
  /** What `sendDtmf()` answers (default ok). */
  dtmfResult: SessionActionResult = { ok: true };
  readonly dtmfSent: string[] = [];
  readonly refers: FakeRefer[] = [];
  /** The `redirectTo` of a reject (deflection). */
  redirectedTo?: string;
  holds = 0;
  resumes = 0;
  hangups = 0;
  private readonly listeners = new Set<(session: CallSession) => void>();

  constructor(
    readonly line: number,
    readonly direction: CallDirection,
    number: string,
    state: SessionState,
  ) {
    this.id = `call-${++counter}`;
    this.state = state;
    this.far = { number, uri: `sip:${number}@pbx.test` };
    this.remoteTarget = `sip:${number}@10.0.0.${counter % 250}:5060`;
  }

  answer(): Promise<SessionActionResult> {
    this.connect();
    return Promise.resolve({ ok: true });
  }

  reject(options?: { status?: 480 | 486 | 603; redirectTo?: string }): void {
    if (options?.redirectTo) this.redirectedTo = options.redirectTo;
    this.finish({ cause: 'rejected', ...(options?.redirectTo ? { sipStatus: 302 } : {}) });
  }

  hangup(): void {
    this.hangups++;
    if (this.state !== 'ended') this.finish({ cause: 'local-hangup' });
  }

  hold(): Promise<SessionActionResult> {
    this.holds++;
    if (this.holdResult.ok) {
      this.localHold = true;
      this.changed();
    }
    return Promise.resolve(this.holdResult);
  }

  resume(): Promise<SessionActionResult> {
    this.resumes++;
    this.localHold = false;
    this.changed();
    return Promise.resolve({ ok: true });
  }

  sendDtmf(digits: string): Promise<SessionActionResult> {
    this.dtmfSent.push(digits);
    return Promise.resolve(this.dtmfResult);
  }

  refer(target: string, options?: { replaces?: DialogIds }): Promise<TransferResult> {
    this.transfer = { mode: options?.replaces ? 'attended' : 'blind', target, state: 'trying' };
    this.changed();
    return new Promise((resolve) => this.refers.push({ target, ...(options?.replaces ? { replaces: options.replaces } : {}), resolve }));
  }

  onChange(listener: (session: CallSession) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The call is answered (either side); the dialog has its ids. */
  connect(): void {
    this.state = 'connected';
    this.answeredAt = this.startedAt + 1000;
    this.dialogIds = { callId: `${this.id}@pbx.test`, localTag: `${this.id}-ours`, remoteTag: `${this.id}-theirs` };
    this.changed();
  }

  /** The far end rings (180). */
  ring(): void {
    this.state = 'ringing';
    this.changed();
  }

  /** The far end hangs up (BYE), or answers a final failure before the answer. */
  remoteEnd(end: CallEnd = { cause: 'remote-hangup' }): void {
    this.finish(end);
  }

  /** A NOTIFY sipfrag of the running transfer. */
  progress(state: TransferProgress['state'], sipStatus?: number): void {
    this.transfer = { ...this.transfer!, state, ...(sipStatus !== undefined ? { sipStatus } : {}) };
    this.changed();
  }

  /**
   * Ends the last REFER as the SIP usage does: success → the transfer succeeded and we sent BYE; failure → the far
   * end is off hold again and the progress says why.
   */
  finishRefer(result: TransferResult): void {
    const refer = this.refers[this.refers.length - 1]!;
    if (result.ok) {
      this.transfer = { ...this.transfer!, state: 'succeeded', sipStatus: 200 };
      this.finish({ cause: 'local-hangup' });
    } else {
      this.transfer = { ...this.transfer!, state: 'failed', reason: result.reason, ...(result.sipStatus !== undefined ? { sipStatus: result.sipStatus } : {}) };
      this.localHold = false;
      this.changed();
    }
    refer.resolve(result);
  }

  private finish(end: CallEnd): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.end = end;
    this.endedAt = this.startedAt + 2000;
    this.localHold = false;
    this.changed();
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener(this);
  }
}

/** The agent: `dial` records the call and returns a dialling {@link FakeSession}; `incoming` rings one. */
export class FakeCallAgent implements CallAgentPort {
  readonly dials: Array<{ line: number; target: string; options?: DialOptions; session: FakeSession }> = [];
  closed = false;

  constructor(private readonly options: CallAgentOptions) {}

  dial(line: LineContext, target: string, options?: DialOptions): FakeSession {
    const session = new FakeSession(line.number, 'outgoing', target, 'dialling');
    this.dials.push({ line: line.number, target, ...(options ? { options } : {}), session });
    return session;
  }

  /** A call rings on `line`. */
  incoming(number: string, line = 1): FakeSession {
    const session = new FakeSession(line, 'incoming', number, 'ringing');
    this.options.onIncoming(session);
    return session;
  }

  close(): void {
    this.closed = true;
  }
}
