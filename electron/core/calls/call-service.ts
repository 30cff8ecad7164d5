/**
 * The call service (issue 9): the application side of calls. It owns the {@link CallAgent} of the lines' SIP stack,
 * turns every {@link CallSession} into a {@link CallView} for `calls.changed`, applies the receptionist's rules
 * (answering or dialling holds the call in progress; "busy when on a call" per line; send to voicemail), records every
 * call in the history and tells presence when the user is on the phone. Since issue 11 it moves calls: blind and
 * attended transfer (REFER, RFC 3515 / RFC 5589), directed pickup from a ringing tile, park, and transfer to voicemail;
 * a failed transfer never loses the caller.
 */
import type { CallTransfer, CallView } from '../../../shared/calls';
import { fail, ok, type Result } from '../../../shared/result';
import type { LineConfig, Settings } from '../../../shared/settings';
import type { TileView } from '../../../shared/tiles';
import type { Clock, TimerHandle } from '../../sip/clock';
import { observe } from '../../sip/guard';
import { parseUri, type SipRequest } from '../../sip/message';
import type { SipStack } from '../../sip/stack';
import { CallAgent, type DialOptions } from '../../sip/usage/call/call-agent';
import {
  DialTargetError,
  type CallAgentOptions,
  type CallSession,
  type DialogIds,
  type SessionActionResult,
} from '../../sip/usage/call/call-session-api';
import { replacesFromDialogInfo } from '../../sip/usage/call/call-headers';
import { parseDialTarget } from '../../sip/usage/call/dial-target';
import type { SessionDescriptionHandler } from '../../sip/usage/call/session-description-handler';
import type { LineContext } from '../../sip/usage/line-context';
import type { CallAudioPort, CallMedia, CallMediaFactory } from './call-media';
import { extensionOf, featureTransferDigits, ringingDialog } from './call-transfer';
import { toCallView } from './call-view';

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

/** How long an ended call stays in `calls.changed`, so its outcome ("busy") can be read. */
export const ENDED_CALL_LINGER_MS = 5000;
/** Received DTMF digits kept per call for the strip. */
const MAX_DTMF_RECEIVED = 32;
/** Media counters are refreshed in `calls.changed` at most this often while a call is answered. */
const STATS_INTERVAL_MS = 1000;
/** How long a failed transfer stays on its call ("Anna is busy — caller is back with you"). */
export const TRANSFER_NOTICE_MS = 15_000;
/** How long the PBX may take to end our leg after the transfer feature code before the transfer reads as failed. */
export const FEATURE_TRANSFER_TIMEOUT_MS = 20_000;
/** Directed pickup by code when the line sets none (Asterisk `pickupexten` style `**` + extension). */
export const DEFAULT_PICKUP_PREFIX = '**';

/** A transfer this service started on a call. */
interface TransferRecord {
  transfer: CallTransfer;
  /** While REFER runs, state, status and reason come from the session's own progress (its NOTIFYs). */
  followSession: boolean;
  /** How the end of the call reads once the transfer succeeded ("transferred to 102", "parked at 701"). */
  endReason: string;
  timer?: TimerHandle;
}

/** A consultation call (attended transfer): the held call it is for and the target as the receptionist gave it. */
interface Consultation {
  original: string;
  target: string;
  /** "Complete" was pressed: its end must not take the caller back off hold. */
  completing: boolean;
}

/** What a blind transfer is for: how the call's end reads when it worked. */
type BlindPurpose = { kind: 'transfer' } | { kind: 'voicemail'; extension: string } | { kind: 'park'; slot?: string };

export class CallService {
  private agent: CallAgentPort | undefined;
  private agentStack: SipStack | undefined;
  private mediaFactory: CallMediaFactory | undefined;
  /** The media of each call by its SIP-facing handler, for the audio path and received DTMF. */
  private readonly mediaOf = new WeakMap<SessionDescriptionHandler, CallMedia>();
  private readonly dtmfReceived = new Map<string, string>();
  private readonly stopDtmf = new Map<string, () => void>();
  /** Calls we picked up (issue 11): who is really on the other end, from the tile's ringing dialog. */
  private readonly pickedUpCaller = new Map<string, CallView['far']>();
  private portRange = '';
  private settings: Settings | undefined;
  private readonly calls = new Map<string, CallSession>();
  private readonly lingering = new Map<string, TimerHandle>();
  private readonly answered = new Set<string>();
  private readonly listeners = new Set<(calls: CallView[]) => void>();
  private emitScheduled = false;
  private statsTimer: TimerHandle | undefined;
  private inCall = false;
  private readonly transfers = new Map<string, TransferRecord>();
  /** Consultation call id → what it consults for. */
  private readonly consults = new Map<string, Consultation>();
  /** Calls whose consultation is being set up (held, not yet dialled). */
  private readonly consulting = new Set<string>();
  /** How the end of an ended call reads when the service knows better than SIP (a completed consultation). */
  private readonly endReasons = new Map<string, string>();

  constructor(private readonly deps: CallServiceDeps) {}

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
   * Transfers a call (issue 11). `blind`: the caller waits on hold while REFER runs (RFC 3515); the view's `transfer`
   * shows the progress; on success our leg ends ("transferred to 102"), on failure the caller is back off hold and
   * the view says why. A PBX that refuses REFER (405/501) gets the line's `transferCode` as DTMF when it has one.
   * A ringing incoming call is deflected instead (302 to the target). `voicemail`: to the extension's voicemail by
   * the line's `voicemailTransferPrefix`. `attended`: a consultation ({@link consult}).
   */
  async transfer(id: string, target: string, mode: 'blind' | 'attended', voicemail = false): Promise<Result<CallView>> {
    const found = this.find(id);
    if (!found.ok) return found;
    const call = found.value;
    if (voicemail) {
      const prefix = this.deps.lines.lineConfig(call.line)?.voicemailTransferPrefix;
      if (!prefix) return fail('invalid-argument', `Line ${call.line} has no voicemail transfer prefix configured`, { field: 'voicemail' });
      const extension = extensionOf(target);
      return this.blind(call, `${prefix}${extension}`, target, { kind: 'voicemail', extension });
    }
    if (mode === 'attended') return this.consult(id, target);
    return this.blind(call, target, target, { kind: 'transfer' });
  }

  /**
   * Attended transfer, first half (RFC 5589 §7): holds `id` and dials `target` on the same line. The consultation's
   * view has `consultFor`; when it ends without being completed (hung up, busy, unanswered) the caller is taken off
   * hold again, unless the receptionist is talking on another call by then.
   */
  async consult(id: string, target: string): Promise<Result<CallView>> {
    const found = this.find(id);
    if (!found.ok) return found;
    const call = found.value;
    if (call.state !== 'connected') return fail('invalid-argument', 'Only an answered call can be transferred', { field: 'call' });
    if (this.consults.has(call.id)) return fail('invalid-argument', 'This call is a consultation itself; complete or hang it up first', { field: 'call' });
    if (this.consultationOf(call.id) !== undefined || this.consulting.has(call.id))
      return fail('invalid-argument', 'This call already has a consultation', { field: 'call' });
    if (this.transferRunning(call)) return fail('invalid-argument', 'This call is already being transferred', { field: 'call' });
    const line = this.deps.lines.lineContext(call.line);
    if (!line || !this.agent) return fail('not-found', `Line ${call.line} is not configured or is disabled`, { field: 'call' });
    const uri = this.targetUri(target, line.domain);
    if (!uri.ok) return uri;
    // A second click while the hold is under way must not dial a second consultation.
    this.consulting.add(call.id);
    try {
      if (!call.localHold) {
        const held = await call.hold();
        if (!held.ok) return fail('sip-error', `Could not hold the caller: ${held.reason}`, held.sipStatus ? { sipStatus: held.sipStatus } : {});
      }
      if (ended(call)) return fail('not-found', 'The caller hung up', { field: 'call' });
      await this.holdOthers(call);
      const agent = this.currentAgent();
      if (!agent) return fail('not-found', 'No line is configured yet', { field: 'call' });
      const session = agent.dial(line, target);
      this.consults.set(session.id, { original: call.id, target, completing: false });
      this.track(session);
      return ok(this.view(session));
    } finally {
      this.consulting.delete(call.id);
    }
  }

  /**
   * Attended transfer, second half. The consultation answered: REFER to the held caller with Replaces for the
   * consultation's dialog (RFC 5589 §7, RFC 3891), and the consultation is hung up once the transfer worked (the
   * target usually ends it first). Still ringing (semi-attended, RFC 5589 §7.4 alternative): the consultation is
   * cancelled and the caller transferred blind to its target. Result: the held caller's view.
   */
  async completeTransfer(consultId: string): Promise<Result<CallView>> {
    const consult = this.calls.get(consultId);
    const pair = this.consults.get(consultId);
    if (!consult || !pair) return fail('not-found', 'There is no such consultation (it may have ended)', { field: 'consult' });
    if (pair.completing) return fail('invalid-argument', 'This transfer is already being completed', { field: 'consult' });
    const original = this.calls.get(pair.original);
    if (!original || original.state !== 'connected') return fail('invalid-argument', 'The held caller has hung up', { field: 'consult' });
    if (this.transferRunning(original)) return fail('invalid-argument', 'The held caller is already being transferred', { field: 'consult' });
    if (consult.state === 'connected') {
      const ids = consult.dialogIds;
      if (!ids) return fail('invalid-argument', 'The consultation has no dialog to hand over', { field: 'consult' });
      pair.completing = true;
      this.setTransfer(original, { mode: 'attended', target: pair.target, state: 'trying' }, `transferred to ${pair.target}`);
      observe(this.runAttended(original, consult, pair, ids), 'attended transfer');
      return ok(this.view(original));
    }
    if (consult.state === 'ended') return fail('invalid-argument', 'The consultation has ended', { field: 'consult' });
    // Semi-attended: the target still rings. The caller goes to the target blind, our ringing leg is cancelled.
    pair.completing = true;
    const started = await this.blind(original, pair.target, pair.target, { kind: 'transfer' });
    if (!started.ok) {
      pair.completing = false;
      return started;
    }
    if (!ended(consult)) consult.hangup();
    return started;
  }

  /**
   * Directed pickup of the call ringing at a tile's extension: INVITE with `Replaces: …;early-only` to the ringing
   * dialog's remote target when its dialog-info names the dialog (RFC 3891 §3), else the line's pickup prefix
   * (default `**`) + extension. Result: the new call.
   */
  async pickup(tileId: string): Promise<Result<CallView>> {
    const tile = this.deps.tiles.tileView(tileId);
    if (!tile) return fail('not-found', 'There is no such tile', { field: 'tile' });
    const dialog = ringingDialog(tile);
    if (!dialog) return fail('invalid-argument', `${tile.name} has no ringing call to pick up`, { field: 'tile' });
    const line = this.deps.lines.lineContext(tile.line);
    if (!line || !this.agent) return fail('not-found', `Line ${tile.line} is not configured or is disabled`, { field: 'tile' });
    const replaces = replacesFromDialogInfo(dialog);
    const extension = extensionOf(tile.uri);
    const prefix = this.deps.lines.lineConfig(tile.line)?.pickupPrefix ?? DEFAULT_PICKUP_PREFIX;
    await this.holdOthers(undefined);
    const agent = this.currentAgent();
    if (!agent) return fail('not-found', 'No line is configured yet', { field: 'tile' });
    try {
      const session =
        replaces && dialog.remoteTarget
          ? agent.dial(line, tile.uri, { replaces, requestUri: dialog.remoteTarget })
          : agent.dial(line, `${prefix}${extension}`);
      // The SIP far end is the ringing extension (To) or the pickup code; the receptionist talks to the caller.
      const caller = tile.caller;
      if (caller?.number || caller?.uri) this.pickedUpCaller.set(session.id, { number: caller.number ?? caller.uri!, uri: caller.uri ?? caller.number!, ...(caller.name ? { name: caller.name } : {}) });
      this.track(session);
      return ok(this.view(session));
    } catch (error) {
      if (error instanceof DialTargetError) return fail('invalid-argument', `Cannot pick up at ${tile.name}: ${error.message}`, { field: 'tile' });
      throw error;
    }
  }

  /** Parks a call: blind transfer to the park slot `slot` (a slot tile's extension), else to the line's park code. */
  async park(id: string, slot?: string): Promise<Result<CallView>> {
    const found = this.find(id);
    if (!found.ok) return found;
    const call = found.value;
    if (slot !== undefined) return this.blind(call, slot, slot, { kind: 'park', slot: extensionOf(slot) });
    const code = this.deps.lines.lineConfig(call.line)?.parkCode;
    if (!code) return fail('invalid-argument', `Line ${call.line} has no park code; drop the call on a park slot`, { field: 'slot' });
    return this.blind(call, code, code, { kind: 'park' });
  }

  /** Hangs up every call (the app quits). */
  shutdown(): void {
    this.clock().clearTimeout(this.statsTimer);
    for (const timer of this.lingering.values()) this.clock().clearTimeout(timer);
    for (const record of this.transfers.values()) this.clock().clearTimeout(record.timer);
    this.agent?.close();
    this.agent = undefined;
  }

  private clock(): Clock {
    return this.deps.clock;
  }

  /** The agent now (read again after an await: new settings may have replaced it). */
  private currentAgent(): CallAgentPort | undefined {
    return this.agent;
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

  /**
   * Starts a blind transfer of `call` to `dial` (`shown` is the target as the receptionist gave it): the caller is
   * held, REFER runs in the background, the view follows it. Only the checks before the REFER are the result.
   */
  private async blind(call: CallSession, dial: string, shown: string, purpose: BlindPurpose): Promise<Result<CallView>> {
    const line = this.deps.lines.lineContext(call.line);
    if (!line) return fail('not-found', `Line ${call.line} is not configured or is disabled`, { field: 'call' });
    const uri = this.targetUri(dial, line.domain, purpose.kind === 'park' && purpose.slot !== undefined ? 'slot' : 'target');
    if (!uri.ok) return uri;
    if (this.transferRunning(call)) return fail('invalid-argument', 'This call is already being transferred', { field: 'call' });
    const endReason =
      purpose.kind === 'voicemail'
        ? `transferred to the voicemail of ${purpose.extension}`
        : purpose.kind === 'park'
          ? purpose.slot !== undefined
            ? `parked at ${purpose.slot}`
            : 'parked'
          : `transferred to ${shown}`;
    if (call.direction === 'incoming' && call.state === 'ringing') {
      // Not answered yet: no dialog to REFER in, so the call is deflected (302 to the target, RFC 3261 §21.3.3).
      this.setTransfer(call, { mode: 'blind', target: shown, state: 'succeeded' }, endReason);
      call.reject({ redirectTo: uri.value });
      return ok(this.view(call));
    }
    if (call.state !== 'connected') return fail('invalid-argument', 'Only an answered or ringing call can be transferred', { field: 'call' });
    const record = this.setTransfer(call, { mode: 'blind', target: shown, state: 'trying' }, endReason);
    if (!call.localHold) {
      // The caller waits on hold while the target rings; a failed hold does not stop the transfer.
      const held = await call.hold();
      if (!held.ok) this.deps.log?.(`Could not hold call ${call.id} before transferring it: ${held.reason}`);
    }
    observe(this.runBlind(call, uri.value, record), 'blind transfer');
    return ok(this.view(call));
  }

  /** REFER for a blind transfer and what follows it: done, the feature-code fallback, or the caller back. */
  private async runBlind(call: CallSession, uri: string, record: TransferRecord): Promise<void> {
    if (call.state === 'ended') return this.transferFailed(call, record, 'the call ended before the transfer started');
    record.followSession = true;
    const result = await call.refer(uri);
    record.followSession = false;
    if (this.transfers.get(call.id) !== record) return;
    if (result.ok) return this.transferSucceeded(record, call.transfer?.sipStatus);
    const code = this.deps.lines.lineConfig(call.line)?.transferCode;
    const digits = code ? featureTransferDigits(code, uri) : undefined;
    if (result.referRefused && digits && call.state === 'connected') return this.transferByCode(call, record, digits, result.reason);
    this.transferFailed(call, record, result.reason, result.sipStatus);
    // One conversation at a time: when the receptionist took another call meanwhile, the caller waits on hold.
    if (call.state === 'connected' && !call.localHold && this.talking().some((c) => c !== call)) this.holdQuietly(call);
  }

  /** The PBX refused REFER: its own blind transfer by DTMF (Asterisk `##` + extension + `#`) ends our leg instead. */
  private async transferByCode(call: CallSession, record: TransferRecord, digits: string, referFailure: string): Promise<void> {
    record.transfer = { ...withoutOutcome(record.transfer), state: 'trying', viaFeatureCode: true };
    this.scheduleEmit();
    const sent = await call.sendDtmf(digits);
    if (this.transfers.get(call.id) !== record || record.transfer.state !== 'trying') return;
    if (!sent.ok) return this.transferFailed(call, record, `${referFailure}; the transfer code could not be sent: ${sent.reason}`, sent.sipStatus);
    record.timer = this.clock().setTimeout(() => {
      record.timer = undefined;
      if (this.transfers.get(call.id) === record && record.transfer.state === 'trying' && call.state !== 'ended')
        this.transferFailed(call, record, 'the PBX did not transfer the call after the transfer code');
    }, FEATURE_TRANSFER_TIMEOUT_MS);
  }

  /** REFER with Replaces for the consultation (RFC 5589 §7), then the consultation's end, or the caller back. */
  private async runAttended(original: CallSession, consult: CallSession, pair: Consultation, ids: DialogIds): Promise<void> {
    const record = this.transfers.get(original.id)!;
    record.followSession = true;
    const result = await original.refer(consult.remoteTarget ?? consult.far.uri, { replaces: ids });
    record.followSession = false;
    if (this.transfers.get(original.id) !== record) return;
    if (result.ok) {
      this.transferSucceeded(record, original.transfer?.sipStatus);
      this.endReasons.set(consult.id, `transfer completed: the caller is with ${pair.target}`);
      // The target's phone replaced this dialog and usually hangs it up itself; if not, we do.
      if (consult.state !== 'ended') consult.hangup();
      return;
    }
    pair.completing = false;
    this.transferFailed(original, record, result.reason, result.sipStatus);
    // The caller is back (the session took them off hold): the consultation waits on hold instead.
    if (consult.state === 'connected' && !consult.localHold) this.holdQuietly(consult);
  }

  private setTransfer(call: CallSession, transfer: CallTransfer, endReason: string): TransferRecord {
    const previous = this.transfers.get(call.id);
    if (previous) this.clock().clearTimeout(previous.timer);
    const record: TransferRecord = { transfer, followSession: false, endReason };
    this.transfers.set(call.id, record);
    this.scheduleEmit();
    return record;
  }

  private transferSucceeded(record: TransferRecord, status?: number): void {
    this.clock().clearTimeout(record.timer);
    record.timer = undefined;
    record.transfer = { ...withoutOutcome(record.transfer), state: 'succeeded', ...(status !== undefined ? { sipStatus: status } : {}) };
    this.scheduleEmit();
  }

  /** Shows why the transfer failed for {@link TRANSFER_NOTICE_MS}; the call itself goes on. */
  private transferFailed(call: CallSession, record: TransferRecord, reason: string, sipStatus?: number): void {
    this.clock().clearTimeout(record.timer);
    record.transfer = { ...withoutOutcome(record.transfer), state: 'failed', reason, ...(sipStatus !== undefined ? { sipStatus } : {}) };
    record.timer = this.clock().setTimeout(() => {
      record.timer = undefined;
      if (this.transfers.get(call.id) !== record) return;
      this.transfers.delete(call.id);
      this.scheduleEmit();
    }, TRANSFER_NOTICE_MS);
    this.deps.log?.(`Transfer of call ${call.id} to ${record.transfer.target} failed: ${reason}`);
    this.scheduleEmit();
  }

  /** A transfer of `call` is under way (not yet succeeded or failed). */
  private transferRunning(call: CallSession): boolean {
    const record = this.transfers.get(call.id);
    return record !== undefined && (record.transfer.state === 'trying' || record.transfer.state === 'ringing');
  }

  /** The live consultation for the held call `id`, if any. */
  private consultationOf(id: string): string | undefined {
    for (const [consultId, pair] of this.consults) if (pair.original === id) return consultId;
    return undefined;
  }

  /** The answered calls nobody holds: the conversation in progress (at most one, normally). */
  private talking(): CallSession[] {
    return [...this.calls.values()].filter((c) => c.state === 'connected' && !c.localHold);
  }

  private holdQuietly(call: CallSession): void {
    observe(
      call.hold().then((r) => {
        if (!r.ok) this.deps.log?.(`Could not hold call ${call.id}: ${r.reason}`);
      }),
      'hold',
    );
  }

  /** A consultation ended without completing: the caller comes back, unless another conversation is going on. */
  private returnToCaller(originalId: string): void {
    const original = this.calls.get(originalId);
    if (!original || original.state !== 'connected' || !original.localHold) return;
    if (this.talking().length > 0) return;
    observe(
      original.resume().then((r) => {
        if (!r.ok) this.deps.log?.(`Could not take call ${original.id} off hold after the consultation: ${r.reason}`);
      }),
      'return to the caller',
    );
  }

  /** A dial or transfer target as a SIP URI; an expected failure names `field`. */
  private targetUri(target: string, domain: string, field = 'target'): Result<string> {
    try {
      return ok(parseDialTarget(target, domain));
    } catch (error) {
      if (error instanceof DialTargetError) return fail('invalid-argument', error.message, { field });
      throw error;
    }
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
    const record = this.transfers.get(session.id);
    if (record) {
      const transfer = { ...record.transfer };
      const progress = session.transfer;
      if (record.followSession && progress) {
        transfer.state = progress.state;
        if (progress.sipStatus !== undefined) transfer.sipStatus = progress.sipStatus;
        if (progress.reason !== undefined) transfer.reason = progress.reason;
      }
      view.transfer = transfer;
      if (view.end && transfer.state === 'succeeded') view.end.reason = record.endReason;
    }
    const endReason = this.endReasons.get(session.id);
    if (view.end && endReason) view.end.reason = endReason;
    const consult = this.consults.get(session.id);
    if (consult) view.consultFor = consult.original;
    const caller = this.pickedUpCaller.get(session.id);
    if (caller) view.far = { ...caller };
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
    this.deps.history.callStarted({ id: session.id, line: session.line, direction: session.direction, far: this.pickedUpCaller.get(session.id) ?? session.far, at: session.startedAt });
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
      this.transferCallEnded(session);
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
          this.pickedUpCaller.delete(session.id);
          this.stopDtmf.get(session.id)?.();
          this.stopDtmf.delete(session.id);
          this.clock().clearTimeout(this.transfers.get(session.id)?.timer);
          this.transfers.delete(session.id);
          this.endReasons.delete(session.id);
          this.scheduleEmit();
        }, ENDED_CALL_LINGER_MS),
      );
    }
    this.updatePresence();
    this.scheduleEmit();
  }

  /** What a call's end means for the transfers: a consultation over, a feature-code transfer done. */
  private transferCallEnded(session: CallSession): void {
    const record = this.transfers.get(session.id);
    if (record?.transfer.viaFeatureCode && record.transfer.state === 'trying') this.transferSucceeded(record);
    const pair = this.consults.get(session.id);
    if (pair) {
      this.consults.delete(session.id);
      if (!pair.completing) this.returnToCaller(pair.original);
    }
    // The held caller hung up during the consultation: the consultation goes on as an ordinary call.
    const consultId = this.consultationOf(session.id);
    if (consultId !== undefined && !this.consults.get(consultId)!.completing) this.consults.delete(consultId);
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

/** Read through a call so that TypeScript does not keep a narrowing across an await (the state moves meanwhile). */
function ended(session: CallSession): boolean {
  return session.state === 'ended';
}

/** A transfer's fields without the outcome of an earlier step (status, reason). */
function withoutOutcome(transfer: CallTransfer): CallTransfer {
  const { sipStatus: _status, reason: _reason, ...rest } = transfer;
  return rest;
}
