/**
 * The call-moving flows of the call service (issue 11): blind and attended transfer (REFER, RFC 3515 / RFC 5589),
 * directed pickup from a ringing tile, park, and transfer to voicemail. Kept apart from call-service.ts so that file
 * stays about the life of a call; the call service delegates to {@link CallTransferFlows} and reads back what the
 * flows add to a call's view. A failed transfer never loses the caller.
 */
import type { CallTransfer, CallView } from '../../../shared/calls';
import { fail, ok, type Result } from '../../../shared/result';
import type { Clock, TimerHandle } from '../../sip/clock';
import { observe } from '../../sip/guard';
import { DialTargetError, type CallSession, type DialogIds } from '../../sip/usage/call/call-session-api';
import { replacesFromDialogInfo } from '../../sip/usage/call/call-headers';
import { parseDialTarget } from '../../sip/usage/call/dial-target';
import type { CallAgentPort, CallLines, CallTiles } from './call-ports';
import { extensionOf, featureTransferDigits, ringingDialog } from './call-transfer';

/** How long a failed transfer stays on its call ("Anna is busy — caller is back with you"). */
export const TRANSFER_NOTICE_MS = 15_000;
/** How long the PBX may take to end our leg after the transfer feature code before the transfer reads as failed. */
export const FEATURE_TRANSFER_TIMEOUT_MS = 20_000;
/** Directed pickup by code when the line sets none (Asterisk `pickupexten` style `**` + extension). */
export const DEFAULT_PICKUP_PREFIX = '**';

/**
 * What the flows need from the call service: its calls, the agent of the moment, and the steps every call goes
 * through (tracking, the view, one conversation at a time, the batched `calls.changed`).
 */
export interface TransferHost {
  /** Every call the service tracks, by id (ended ones linger a while). */
  readonly calls: ReadonlyMap<string, CallSession>;
  /** The agent now (read again after an await: new settings may have replaced it). */
  agent(): CallAgentPort | undefined;
  /** The call `id`, or the service's "no such call" failure. */
  find(id: string): Result<CallSession>;
  /** Starts following a new call (history, presence, `calls.changed`). */
  track(session: CallSession): void;
  view(session: CallSession): CallView;
  /** Holds every answered, unheld call except `keep`. */
  holdOthers(keep: CallSession | undefined): Promise<void>;
  readonly lines: CallLines;
  readonly tiles: CallTiles;
  readonly clock: Clock;
  scheduleEmit(): void;
  log(message: string): void;
}

/** A transfer started on a call. */
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

/** The transfers, consultations and pickups of the calls of one call service (call-service.ts). */
export class CallTransferFlows {
  private readonly transfers = new Map<string, TransferRecord>();
  /** Consultation call id → what it consults for. */
  private readonly consults = new Map<string, Consultation>();
  /** Calls whose consultation is being set up (held, not yet dialled). */
  private readonly consulting = new Set<string>();
  /** How the end of an ended call reads when the flows know better than SIP (a completed consultation). */
  private readonly endReasons = new Map<string, string>();
  /** Calls we picked up: who is really on the other end, from the tile's ringing dialog. */
  private readonly pickedUpCaller = new Map<string, CallView['far']>();

  constructor(private readonly host: TransferHost) {}

  /**
   * Transfers a call (issue 11). `blind`: the caller waits on hold while REFER runs (RFC 3515); the view's `transfer`
   * shows the progress; on success our leg ends ("transferred to 102"), on failure the caller is back off hold and
   * the view says why. A PBX that refuses REFER (405/501) gets the line's `transferCode` as DTMF when it has one.
   * A ringing incoming call is deflected instead (302 to the target). `voicemail`: to the extension's voicemail by
   * the line's `voicemailTransferPrefix`. `attended`: a consultation ({@link CallTransferFlows.consult}).
   */
  async transfer(id: string, target: string, mode: 'blind' | 'attended', voicemail = false): Promise<Result<CallView>> {
    const found = this.host.find(id);
    if (!found.ok) return found;
    const call = found.value;
    if (voicemail) {
      const prefix = this.host.lines.lineConfig(call.line)?.voicemailTransferPrefix;
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
    const found = this.host.find(id);
    if (!found.ok) return found;
    const call = found.value;
    if (call.state !== 'connected') return fail('invalid-argument', 'Only an answered call can be transferred', { field: 'call' });
    if (this.consults.has(call.id)) return fail('invalid-argument', 'This call is a consultation itself; complete or hang it up first', { field: 'call' });
    if (this.consultationOf(call.id) !== undefined || this.consulting.has(call.id))
      return fail('invalid-argument', 'This call already has a consultation', { field: 'call' });
    if (this.transferRunning(call)) return fail('invalid-argument', 'This call is already being transferred', { field: 'call' });
    const line = this.host.lines.lineContext(call.line);
    if (!line || !this.host.agent()) return fail('not-found', `Line ${call.line} is not configured or is disabled`, { field: 'call' });
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
      await this.host.holdOthers(call);
      const agent = this.host.agent();
      if (!agent) return fail('not-found', 'No line is configured yet', { field: 'call' });
      const session = agent.dial(line, target);
      this.consults.set(session.id, { original: call.id, target, completing: false });
      this.host.track(session);
      return ok(this.host.view(session));
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
    const consult = this.host.calls.get(consultId);
    const pair = this.consults.get(consultId);
    if (!consult || !pair) return fail('not-found', 'There is no such consultation (it may have ended)', { field: 'consult' });
    if (pair.completing) return fail('invalid-argument', 'This transfer is already being completed', { field: 'consult' });
    const original = this.host.calls.get(pair.original);
    if (!original || original.state !== 'connected') return fail('invalid-argument', 'The held caller has hung up', { field: 'consult' });
    if (this.transferRunning(original)) return fail('invalid-argument', 'The held caller is already being transferred', { field: 'consult' });
    if (consult.state === 'connected') {
      const ids = consult.dialogIds;
      if (!ids) return fail('invalid-argument', 'The consultation has no dialog to hand over', { field: 'consult' });
      pair.completing = true;
      this.setTransfer(original, { mode: 'attended', target: pair.target, state: 'trying' }, `transferred to ${pair.target}`);
      observe(this.runAttended(original, consult, pair, ids), 'attended transfer');
      return ok(this.host.view(original));
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
    const tile = this.host.tiles.tileView(tileId);
    if (!tile) return fail('not-found', 'There is no such tile', { field: 'tile' });
    const dialog = ringingDialog(tile);
    if (!dialog) return fail('invalid-argument', `${tile.name} has no ringing call to pick up`, { field: 'tile' });
    const line = this.host.lines.lineContext(tile.line);
    if (!line || !this.host.agent()) return fail('not-found', `Line ${tile.line} is not configured or is disabled`, { field: 'tile' });
    const replaces = replacesFromDialogInfo(dialog);
    const extension = extensionOf(tile.uri);
    const prefix = this.host.lines.lineConfig(tile.line)?.pickupPrefix ?? DEFAULT_PICKUP_PREFIX;
    await this.host.holdOthers(undefined);
    const agent = this.host.agent();
    if (!agent) return fail('not-found', 'No line is configured yet', { field: 'tile' });
    try {
      const session =
        replaces && dialog.remoteTarget
          ? agent.dial(line, tile.uri, { replaces, requestUri: dialog.remoteTarget })
          : agent.dial(line, `${prefix}${extension}`);
      // The SIP far end is the ringing extension (To) or the pickup code; the receptionist talks to the caller.
      const caller = tile.caller;
      if (caller?.number || caller?.uri) this.pickedUpCaller.set(session.id, { number: caller.number ?? caller.uri!, uri: caller.uri ?? caller.number!, ...(caller.name ? { name: caller.name } : {}) });
      this.host.track(session);
      return ok(this.host.view(session));
    } catch (error) {
      if (error instanceof DialTargetError) return fail('invalid-argument', `Cannot pick up at ${tile.name}: ${error.message}`, { field: 'tile' });
      throw error;
    }
  }

  /** Parks a call: blind transfer to the park slot `slot` (a slot tile's extension), else to the line's park code. */
  async park(id: string, slot?: string): Promise<Result<CallView>> {
    const found = this.host.find(id);
    if (!found.ok) return found;
    const call = found.value;
    if (slot !== undefined) return this.blind(call, slot, slot, { kind: 'park', slot: extensionOf(slot) });
    const code = this.host.lines.lineConfig(call.line)?.parkCode;
    if (!code) return fail('invalid-argument', `Line ${call.line} has no park code; drop the call on a park slot`, { field: 'slot' });
    return this.blind(call, code, code, { kind: 'park' });
  }

  /** Who a call is with when the flows know better than SIP (a pickup's caller), for the history. */
  callerOf(id: string): CallView['far'] | undefined {
    return this.pickedUpCaller.get(id);
  }

  /** Adds what the flows know of `session` to its view: transfer progress, how it ended, consultation, caller. */
  decorate(session: CallSession, view: CallView): void {
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
  }

  /** Drops what the flows keep of a call that no longer lingers. */
  forget(id: string): void {
    this.pickedUpCaller.delete(id);
    this.host.clock.clearTimeout(this.transfers.get(id)?.timer);
    this.transfers.delete(id);
    this.endReasons.delete(id);
  }

  /** Stops the transfers' timers (the app quits). */
  shutdown(): void {
    for (const record of this.transfers.values()) this.host.clock.clearTimeout(record.timer);
  }

  /**
   * Starts a blind transfer of `call` to `dial` (`shown` is the target as the receptionist gave it): the caller is
   * held, REFER runs in the background, the view follows it. Only the checks before the REFER are the result.
   */
  private async blind(call: CallSession, dial: string, shown: string, purpose: BlindPurpose): Promise<Result<CallView>> {
    const line = this.host.lines.lineContext(call.line);
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
      return ok(this.host.view(call));
    }
    if (call.state !== 'connected') return fail('invalid-argument', 'Only an answered or ringing call can be transferred', { field: 'call' });
    const record = this.setTransfer(call, { mode: 'blind', target: shown, state: 'trying' }, endReason);
    if (!call.localHold) {
      // The caller waits on hold while the target rings; a failed hold does not stop the transfer.
      const held = await call.hold();
      if (!held.ok) this.host.log(`Could not hold call ${call.id} before transferring it: ${held.reason}`);
    }
    observe(this.runBlind(call, uri.value, record), 'blind transfer');
    return ok(this.host.view(call));
  }

  /** REFER for a blind transfer and what follows it: done, the feature-code fallback, or the caller back. */
  private async runBlind(call: CallSession, uri: string, record: TransferRecord): Promise<void> {
    if (call.state === 'ended') return this.transferFailed(call, record, 'the call ended before the transfer started');
    record.followSession = true;
    const result = await call.refer(uri);
    record.followSession = false;
    if (this.transfers.get(call.id) !== record) return;
    if (result.ok) return this.transferSucceeded(record, call.transfer?.sipStatus);
    const code = this.host.lines.lineConfig(call.line)?.transferCode;
    const digits = code ? featureTransferDigits(code, uri) : undefined;
    if (result.referRefused && digits && call.state === 'connected') return this.transferByCode(call, record, digits, result.reason);
    this.transferFailed(call, record, result.reason, result.sipStatus);
    // One conversation at a time: when the receptionist took another call meanwhile, the caller waits on hold.
    if (call.state === 'connected' && !call.localHold && this.talking().some((c) => c !== call)) this.holdQuietly(call);
  }

  /** The PBX refused REFER: its own blind transfer by DTMF (Asterisk `##` + extension + `#`) ends our leg instead. */
  private async transferByCode(call: CallSession, record: TransferRecord, digits: string, referFailure: string): Promise<void> {
    record.transfer = { ...withoutOutcome(record.transfer), state: 'trying', viaFeatureCode: true };
    this.host.scheduleEmit();
    const sent = await call.sendDtmf(digits);
    if (this.transfers.get(call.id) !== record || record.transfer.state !== 'trying') return;
    if (!sent.ok) return this.transferFailed(call, record, `${referFailure}; the transfer code could not be sent: ${sent.reason}`, sent.sipStatus);
    record.timer = this.host.clock.setTimeout(() => {
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
    if (previous) this.host.clock.clearTimeout(previous.timer);
    const record: TransferRecord = { transfer, followSession: false, endReason };
    this.transfers.set(call.id, record);
    this.host.scheduleEmit();
    return record;
  }

  private transferSucceeded(record: TransferRecord, status?: number): void {
    this.host.clock.clearTimeout(record.timer);
    record.timer = undefined;
    record.transfer = { ...withoutOutcome(record.transfer), state: 'succeeded', ...(status !== undefined ? { sipStatus: status } : {}) };
    this.host.scheduleEmit();
  }

  /** Shows why the transfer failed for {@link TRANSFER_NOTICE_MS}; the call itself goes on. */
  private transferFailed(call: CallSession, record: TransferRecord, reason: string, sipStatus?: number): void {
    this.host.clock.clearTimeout(record.timer);
    record.transfer = { ...withoutOutcome(record.transfer), state: 'failed', reason, ...(sipStatus !== undefined ? { sipStatus } : {}) };
    record.timer = this.host.clock.setTimeout(() => {
      record.timer = undefined;
      if (this.transfers.get(call.id) !== record) return;
      this.transfers.delete(call.id);
      this.host.scheduleEmit();
    }, TRANSFER_NOTICE_MS);
    this.host.log(`Transfer of call ${call.id} to ${record.transfer.target} failed: ${reason}`);
    this.host.scheduleEmit();
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
    return [...this.host.calls.values()].filter((c) => c.state === 'connected' && !c.localHold);
  }

  private holdQuietly(call: CallSession): void {
    observe(
      call.hold().then((r) => {
        if (!r.ok) this.host.log(`Could not hold call ${call.id}: ${r.reason}`);
      }),
      'hold',
    );
  }

  /** A consultation ended without completing: the caller comes back, unless another conversation is going on. */
  private returnToCaller(originalId: string): void {
    const original = this.host.calls.get(originalId);
    if (!original || original.state !== 'connected' || !original.localHold) return;
    if (this.talking().length > 0) return;
    observe(
      original.resume().then((r) => {
        if (!r.ok) this.host.log(`Could not take call ${original.id} off hold after the consultation: ${r.reason}`);
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

  /** What a call's end means for the transfers: a consultation over, a feature-code transfer done. */
  callEnded(session: CallSession): void {
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
