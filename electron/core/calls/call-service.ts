/**
 * The call service (issue 9): the application side of calls. It owns the {@link CallAgent} of the lines' SIP stack,
 * turns every {@link CallSession} into a {@link CallView} for `calls.changed`, applies the receptionist's rules
 * (answering or dialling holds the call in progress; "busy when on a call" per line; send to voicemail), records every
 * call in the history and tells presence when the user is on the phone. Since issue 11 it moves calls: blind and
 * attended transfer (REFER, RFC 3515 / RFC 5589), directed pickup from a ringing tile, park, and transfer to voicemail;
 * those flows live in call-transfer-flows.ts, and this service delegates to them.
 */
import type { CallView } from '../../../shared/calls';
import { fail, ok, type Result } from '../../../shared/result';
import type { Settings } from '../../../shared/settings';
import type { Clock, TimerHandle } from '../../sip/clock';
import { observe } from '../../sip/guard';
import { parseUri, type SipRequest } from '../../sip/message';
import type { SipStack } from '../../sip/stack';
import { CallAgent } from '../../sip/usage/call/call-agent';
import { DialTargetError, type CallAgentOptions, type CallSession, type SessionActionResult } from '../../sip/usage/call/call-session-api';
import type { SessionDescriptionHandler } from '../../sip/usage/call/session-description-handler';
import type { LineContext } from '../../sip/usage/line-context';
import type { CallAudioPort, CallMedia, CallMediaFactory } from './call-media';
import type { CallAgentPort, CallServiceDeps } from './call-ports';
import { CallTransferFlows } from './call-transfer-flows';
import { toCallView } from './call-view';

// The ports live in call-ports.ts; re-exported so importers keep one entry point.
export type { CallAgentPort, CallHistorySink, CallLines, CallServiceDeps, CallTiles } from './call-ports';

/** How long an ended call stays in `calls.changed`, so its outcome ("busy") can be read. */
export const ENDED_CALL_LINGER_MS = 5000;
/** Received DTMF digits kept per call for the strip. */
const MAX_DTMF_RECEIVED = 32;
/** Media counters are refreshed in `calls.changed` at most this often while a call is answered. */
const STATS_INTERVAL_MS = 1000;

// Moved with the flows to call-transfer-flows.ts; re-exported so importers (and tests) keep one entry point.
export { DEFAULT_PICKUP_PREFIX, FEATURE_TRANSFER_TIMEOUT_MS, TRANSFER_NOTICE_MS } from './call-transfer-flows';

/**
 * Owns the calls of the lines' SIP stack and turns them into views; delegates moving calls (transfer, consult,
 * pickup, park) to {@link CallTransferFlows}.
 */
export class CallService {
  private agent: CallAgentPort | undefined;
  private agentStack: SipStack | undefined;
  private mediaFactory: CallMediaFactory | undefined;
  /** The media of each call by its SIP-facing handler, for the audio path and received DTMF. */
  private readonly mediaOf = new WeakMap<SessionDescriptionHandler, CallMedia>();
  private readonly dtmfReceived = new Map<string, string>();
  private readonly stopDtmf = new Map<string, () => void>();
  private portRange = '';
  private settings: Settings | undefined;
  private readonly calls = new Map<string, CallSession>();
  private readonly lingering = new Map<string, TimerHandle>();
  private readonly answered = new Set<string>();
  private readonly listeners = new Set<(calls: CallView[]) => void>();
  private emitScheduled = false;
  private statsTimer: TimerHandle | undefined;
  private inCall = false;
  private readonly flows: CallTransferFlows;

  constructor(private readonly deps: CallServiceDeps) {
    this.flows = new CallTransferFlows({
      calls: this.calls,
      // Read on every call: apply() may replace the agent while a flow awaits.
      agent: () => this.agent,
      find: (id) => this.find(id),
      track: (session) => this.track(session),
      view: (session) => this.view(session),
      holdOthers: (keep) => this.holdOthers(keep),
      lines: deps.lines,
      tiles: deps.tiles,
      clock: deps.clock,
      scheduleEmit: () => this.scheduleEmit(),
      log: (message) => deps.log?.(message),
    });
  }

  /** Follows new settings: port range, and a new agent when the lines built a new stack. */
  apply(settings: Settings): void {
    this.settings = settings;
    this.deps.history.setLimit?.(settings.calls.historyLimit);
    const range = `${settings.calls.rtpPortMin}-${settings.calls.rtpPortMax}`;
    if (range !== this.portRange || !this.mediaFactory) {
      this.portRange = range;
      this.mediaFactory = this.deps.createMediaFactory({ min: settings.calls.rtpPortMin, max: settings.calls.rtpPortMax });
    }
    const stack = this.deps.lines.stack;
    if (stack === this.agentStack) return;
    this.agent?.close();
    this.agentStack = stack;
    const options: CallAgentOptions = {
      stack,
      clock: this.deps.clock,
      lineFor: (request) => this.lineFor(request),
      busy: (line) => this.isBusy(line),
      createMedia: (options) => {
        const media = this.mediaFactory!(options);
        this.mediaOf.set(media, media);
        return media;
      },
      onIncoming: (session) => this.track(session),
    };
    this.agent = this.deps.createAgent ? this.deps.createAgent(options) : new CallAgent(options);
  }

  /** Every call in progress and the recently ended ones. */
  views(): CallView[] {
    return [...this.calls.values()].map((session) => this.view(session));
  }

  /**
   * The call the receptionist hears and speaks on: the answered call we do not hold (most recently answered first),
   * else an outgoing call playing early media (ringback, announcements).
   */
  activeAudio(): CallAudioPort | undefined {
    const calls = [...this.calls.values()];
    const talking = calls
      .filter((c) => c.state === 'connected' && !c.localHold)
      .sort((a, b) => (b.answeredAt ?? 0) - (a.answeredAt ?? 0))[0];
    const early = calls.find((c) => c.direction === 'outgoing' && c.state === 'early');
    const session = talking ?? early;
    return session ? this.mediaOf.get(session.media)?.callAudio : undefined;
  }

  /** Mutes or unmutes the microphone of one call. */
  mute(id: string, muted: boolean): Result<CallView> {
    const session = this.find(id);
    if (!session.ok) return session;
    const media = this.mediaOf.get(session.value.media);
    if (!media || session.value.state === 'ended') return fail('invalid-argument', 'This call has no audio to mute', { field: 'call' });
    media.callAudio.muted = muted;
    this.scheduleEmit();
    return ok(this.view(session.value));
  }

  onChanged(listener: (calls: CallView[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async dial(args: { line?: number; target: string }): Promise<Result<CallView>> {
    const number = args.line ?? this.deps.lines.defaultLineNumber;
    const line = this.deps.lines.lineContext(number);
    if (!line) return fail('not-found', `Line ${number} is not configured or is disabled`, { field: 'line' });
    if (!this.agent) return fail('not-found', 'No line is configured yet', { field: 'line' });
    await this.holdOthers(undefined);
    try {
      const session = this.agent.dial(line, args.target);
      this.track(session);
      return ok(toCallView(session));
    } catch (error) {
      if (error instanceof DialTargetError) return fail('invalid-argument', error.message, { field: 'target' });
      throw error;
    }
  }

  async answer(id: string): Promise<Result<CallView>> {
    const session = this.find(id);
    if (!session.ok) return session;
    const call = session.value;
    if (call.direction !== 'incoming' || call.state !== 'ringing')
      return fail('invalid-argument', 'Only a ringing incoming call can be answered', { field: 'call' });
    // The receptionist takes the new caller; the one they were talking to waits on hold, never dropped.
    await this.holdOthers(call);
    return this.outcome(call, await call.answer());
  }

  reject(id: string, voicemail = false): Result<CallView> {
    const session = this.find(id);
    if (!session.ok) return session;
    const call = session.value;
    if (call.direction !== 'incoming' || call.state !== 'ringing')
      return fail('invalid-argument', 'Only a ringing incoming call can be rejected', { field: 'call' });
    if (voicemail) {
      const config = this.deps.lines.lineConfig(call.line);
      if (!config?.voicemailCode)
        return fail('invalid-argument', `Line ${call.line} has no voicemail code configured`, { field: 'voicemail' });
      call.reject({ redirectTo: `sip:${config.voicemailCode}@${config.domain}` });
    } else call.reject();
    return ok(this.view(call));
  }

  hangup(id: string): Result<CallView> {
    const session = this.find(id);
    if (!session.ok) return session;
    if (session.value.state !== 'ended') session.value.hangup();
    return ok(this.view(session.value));
  }

  async hold(id: string): Promise<Result<CallView>> {
    const session = this.find(id);
    if (!session.ok) return session;
    const call = session.value;
    if (call.state !== 'connected') return fail('invalid-argument', 'Only an answered call can be held', { field: 'call' });
    if (call.localHold) return ok(this.view(call));
    return this.outcome(call, await call.hold());
  }

  async resume(id: string): Promise<Result<CallView>> {
    const session = this.find(id);
    if (!session.ok) return session;
    const call = session.value;
    if (call.state !== 'connected') return fail('invalid-argument', 'Only an answered call can be resumed', { field: 'call' });
    if (!call.localHold) return ok(this.view(call));
    await this.holdOthers(call);
    return this.outcome(call, await call.resume());
  }

  async sendDtmf(id: string, digits: string): Promise<Result<void>> {
    const session = this.find(id);
    if (!session.ok) return session;
    if (session.value.state !== 'connected') return fail('invalid-argument', 'DTMF needs an answered call', { field: 'call' });
    const result = await session.value.sendDtmf(digits);
    return result.ok ? ok(undefined) : fail('sip-error', result.reason, result.sipStatus ? { sipStatus: result.sipStatus } : {});
  }

  /**
   * Transfers a call (issue 11): blind (REFER, RFC 3515; a ringing call is deflected), to the extension's voicemail,
   * or `attended` by a consultation. See {@link CallTransferFlows.transfer}.
   */
  transfer(id: string, target: string, mode: 'blind' | 'attended', voicemail = false): Promise<Result<CallView>> {
    return this.flows.transfer(id, target, mode, voicemail);
  }

  /** Attended transfer, first half (RFC 5589 §7): holds `id` and dials `target`. See {@link CallTransferFlows.consult}. */
  consult(id: string, target: string): Promise<Result<CallView>> {
    return this.flows.consult(id, target);
  }

  /** Attended transfer, second half (RFC 5589 §7, RFC 3891). See {@link CallTransferFlows.completeTransfer}. */
  completeTransfer(consultId: string): Promise<Result<CallView>> {
    return this.flows.completeTransfer(consultId);
  }

  /** Directed pickup of the call ringing at a tile (RFC 3891 §3). See {@link CallTransferFlows.pickup}. */
  pickup(tileId: string): Promise<Result<CallView>> {
    return this.flows.pickup(tileId);
  }

  /** Parks a call on a slot or by the line's park code. See {@link CallTransferFlows.park}. */
  park(id: string, slot?: string): Promise<Result<CallView>> {
    return this.flows.park(id, slot);
  }

  /** Hangs up every call (the app quits). */
  shutdown(): void {
    this.clock().clearTimeout(this.statsTimer);
    for (const timer of this.lingering.values()) this.clock().clearTimeout(timer);
    this.flows.shutdown();
    this.agent?.close();
    this.agent = undefined;
  }

  private clock(): Clock {
    return this.deps.clock;
  }

  private find(id: string): Result<CallSession> {
    const call = this.calls.get(id);
    return call ? ok(call) : fail('not-found', 'There is no such call (it may have ended)', { field: 'call' });
  }

  private outcome(call: CallSession, result: SessionActionResult): Result<CallView> {
    if (result.ok) return ok(this.view(call));
    return fail('sip-error', result.reason, result.sipStatus ? { sipStatus: result.sipStatus } : {});
  }

  /** Holds every answered, unheld call except `keep`: one conversation at a time. */
  private async holdOthers(keep: CallSession | undefined): Promise<void> {
    const talking = [...this.calls.values()].filter((c) => c !== keep && c.state === 'connected' && !c.localHold);
    const results = await Promise.all(talking.map((c) => c.hold()));
    results.forEach((r, i) => {
      if (!r.ok) this.deps.log?.(`Could not hold call ${talking[i]!.id}: ${r.reason}`);
    });
  }

  /** An incoming INVITE's line: the Request-URI user (our Contact), else the To user, else the only line. */
  private lineFor(request: SipRequest): LineContext | undefined {
    const settings = this.settings;
    if (!settings) return undefined;
    const users = [userOf(request.uri), userOf(request.get('To') ?? '')];
    for (const user of users) {
      if (!user) continue;
      const index = settings.lines.findIndex((l) => l.enabled && l.user === user);
      if (index >= 0) return this.deps.lines.lineContext(index + 1);
    }
    const enabled = settings.lines.map((l, i) => (l.enabled ? i + 1 : 0)).filter((n) => n > 0);
    return enabled.length === 1 ? this.deps.lines.lineContext(enabled[0]!) : undefined;
  }

  private isBusy(line: number): boolean {
    if (!this.deps.lines.lineConfig(line)?.busyWhenOnCall) return false;
    return [...this.calls.values()].some((c) => c.line === line && c.state !== 'ended');
  }

  private view(session: CallSession): CallView {
    const view = toCallView(session);
    if (session.state !== 'ended' && this.mediaOf.get(session.media)?.callAudio.muted) view.muted = true;
    const digits = this.dtmfReceived.get(session.id);
    if (digits) view.dtmfReceived = digits;
    this.flows.decorate(session, view);
    return view;
  }

  /** Shows RFC 4733 digits the far end sends; an outgoing call has media only once its offer is made. */
  private followDtmf(session: CallSession): void {
    if (this.stopDtmf.has(session.id) || session.state === 'ended') return;
    const media = this.mediaOf.get(session.media);
    if (!media) return;
    this.stopDtmf.set(
      session.id,
      media.onDtmf((event) => {
        if (event.phase !== 'start') return;
        this.dtmfReceived.set(session.id, ((this.dtmfReceived.get(session.id) ?? '') + event.digit).slice(-MAX_DTMF_RECEIVED));
        this.scheduleEmit();
      }),
    );
  }

  private track(session: CallSession): void {
    this.calls.set(session.id, session);
    this.deps.history.callStarted({ id: session.id, line: session.line, direction: session.direction, far: this.flows.callerOf(session.id) ?? session.far, at: session.startedAt });
    if (session.replaces !== undefined) this.answered.add(session.id);
    session.onChange(() => this.changed(session));
    this.changed(session);
  }

  private changed(session: CallSession): void {
    this.followDtmf(session);
    if (session.state === 'connected' && !this.answered.has(session.id)) {
      this.answered.add(session.id);
      this.deps.history.callAnswered(session.id, session.answeredAt ?? this.clock().wallNow());
    }
    if (session.state === 'ended' && !this.lingering.has(session.id)) {
      this.flows.callEnded(session);
      const end = session.end ?? { cause: 'failed' as const };
      this.deps.history.callEnded(session.id, {
        at: session.endedAt ?? this.clock().wallNow(),
        cause: end.cause,
        ...(end.sipStatus !== undefined ? { sipStatus: end.sipStatus } : {}),
      });
      this.answered.delete(session.id);
      this.lingering.set(
        session.id,
        this.clock().setTimeout(() => {
          this.lingering.delete(session.id);
          this.calls.delete(session.id);
          this.dtmfReceived.delete(session.id);
          this.stopDtmf.get(session.id)?.();
          this.stopDtmf.delete(session.id);
          this.flows.forget(session.id);
          this.scheduleEmit();
        }, ENDED_CALL_LINGER_MS),
      );
    }
    this.updatePresence();
    this.scheduleEmit();
  }

  private updatePresence(): void {
    const active = [...this.calls.values()].some((c) => c.state === 'connected' || (c.direction === 'outgoing' && c.state !== 'ended'));
    if (active !== this.inCall) {
      this.inCall = active;
      this.deps.setInCall(active);
    }
    if (active && this.statsTimer === undefined) this.tickStats();
  }

  /** Refreshes media counters once a second while a call is answered. */
  private tickStats(): void {
    this.statsTimer = this.clock().setTimeout(() => {
      this.statsTimer = undefined;
      if (![...this.calls.values()].some((c) => c.state === 'connected')) return;
      this.scheduleEmit();
      this.tickStats();
    }, STATS_INTERVAL_MS);
  }

  /** Several changes in one turn (answer + hold of the other call) go out as one event. */
  private scheduleEmit(): void {
    if (this.emitScheduled) return;
    this.emitScheduled = true;
    observe(
      Promise.resolve().then(() => {
        this.emitScheduled = false;
        const views = this.views();
        for (const listener of [...this.listeners]) listener(views);
      }),
      'calls.changed',
    );
  }
}

function userOf(uriOrNameAddr: string): string | undefined {
  const match = /<([^>]*)>/.exec(uriOrNameAddr);
  const uri = (match ? match[1] : uriOrNameAddr)!.trim();
  try {
    return parseUri(uri).user || undefined;
  } catch {
    return undefined;
  }
}

