/**
 * A feature-code call (issue 4 §2): the short call that carries the own presence to a PBX without PUBLISH, e.g.
 * `*78` for DND on Asterisk. INVITE `sip:<code>@<domain>` with an audio offer (no media is ever sent), answer digest
 * challenges, ACK a 2xx (RFC 3261 §13.2.2.4) and hang up with BYE after a short hold (§15.1.1) — or answer the PBX's
 * own BYE (§15.1.2); CANCEL (§9.1) when no final answer comes in time.
 *
 * Decisions that are ours rather than the RFC's:
 * - Any final non-2xx is a failure reported with its status, even though some PBXs act on the code and then answer
 *   404/486/603: the console cannot tell, so the UI shows the status and the administrator decides.
 * - The outcome does not wait for the BYE's answer to matter: once the PBX answered 2xx, the code was dialled.
 */
import { write as writeSdp } from 'sdp-transform';
import { DigestSession } from '../../auth';
import type { Clock, TimerHandle } from '../../clock';
import { observe, type EngineGuard } from '../../guard';
import { Dialog, DialogError } from '../../dialog';
import { createRequest, createResponse, newCallId, newTag, type HeaderPairs, type SipRequest, type SipResponse } from '../../message';
import type { Flow } from '../../transport/types';
import type { DialogRegistration } from '../../ua-core';
import type { LineContext } from '../line-context';
import { flowFor, headerValueReason, nameAddr, outOfDialogHeaders, sendAnsweringChallenges, sendCancel, viaHeader } from '../requests';

export interface FeatureCallDeps {
  clock: Clock;
  /** How long the answered call is held before our BYE; default 1500 ms (long enough for a PBX to play nothing). */
  holdMs?: number;
  /** How long to wait for a final answer before CANCEL; default 8000 ms. */
  timeoutMs?: number;
  /** Where a bug escaping the call is reported; defaults to the process-wide guard. */
  guard?: EngineGuard;
}

export type FeatureCallResult = { ok: true } | { ok: false; sipStatus?: number; reason: string };

/** After CANCEL, how long the INVITE may take to end (487, or a 2xx that crossed it) before we stop waiting. */
const CANCEL_GRACE_MS = 4000;

/**
 * Dials `code` on `line` as a short call. Resolves with what happened; expected failures never reject. An error
 * escaping the call is a bug: the guard reports it, and the caller still gets `{ ok: false }` with its reason
 * instead of a promise that never settles (a UI waiting on it would spin forever).
 */
export function dialFeatureCode(line: LineContext, code: string, deps: FeatureCallDeps): Promise<FeatureCallResult> {
  return new Promise((resolve) => {
    const call = new FeatureCall(line, code, deps, resolve);
    const started = call.start().catch((error: unknown) => {
      call.abort(error);
      throw error;
    });
    observe(started, 'feature code call', deps.guard);
  });
}

class FeatureCall {
  private readonly callId = newCallId();
  private readonly fromTag = newTag();
  private readonly digest: DigestSession;
  private cseq = 0;
  private flow: Flow | undefined;
  private invite: SipRequest | undefined;
  private provisional = false;
  private cancelWanted = false;
  private cancelled = false;
  private dialog: Dialog | undefined;
  private timer: TimerHandle | undefined;
  private byeRoute: DialogRegistration | undefined;
  private done = false;

  constructor(
    private readonly line: LineContext,
    private readonly code: string,
    private readonly deps: FeatureCallDeps,
    private readonly resolve: (result: FeatureCallResult) => void,
  ) {
    this.digest = new DigestSession(line.credentials);
  }

  async start(): Promise<void> {
    try {
      this.flow = await this.line.getFlow();
    } catch (error) {
      return this.finish({ ok: false, reason: error instanceof Error ? error.message : String(error) });
    }
    this.timer = this.deps.clock.setTimeout(() => this.timedOut(), this.deps.timeoutMs ?? 8000);
    try {
      this.sendInvite();
    } catch (error) {
      // A line setting or feature code that would inject a header fails this call with why, never the process.
      const badSetting = headerValueReason(error);
      if (badSetting === undefined) throw error;
      this.finish({ ok: false, reason: badSetting });
    }
  }

  private sendInvite(): void {
    const flow = this.flow!;
    const invite = this.buildInvite(flow);
    this.digest.prepare(invite);
    this.invite = invite;
    this.provisional = false;
    this.line.stack.sendRequest(invite, flow, {
      onProvisional: () => {
        this.provisional = true;
        // RFC 3261 §9.1: a CANCEL may only follow a provisional response.
        if (this.cancelWanted && !this.cancelled) this.cancelInvite();
      },
      onFinal: (response) => this.onFinal(invite, response),
      onTimeout: () => this.finish({ ok: false, sipStatus: 408, reason: `No answer to ${this.code} (timeout)` }),
      onTransportError: (_tx, error) => this.finish({ ok: false, reason: error.message }),
    });
  }

  private onFinal(invite: SipRequest, response: SipResponse): void {
    const status = response.status;
    if (status >= 200 && status < 300) return this.answered(invite, response);
    if ((status === 401 || status === 407) && !this.cancelWanted) {
      if (this.digest.authorize(invite, response) === 'retry') return this.sendInvite();
      return this.finish({ ok: false, sipStatus: status, reason: `${response.reason} (credentials rejected)` });
    }
    if (status === 487 && this.cancelled) return this.finish(this.timeoutResult());
    this.finish({ ok: false, sipStatus: status, reason: response.reason });
  }

  /** 2xx: the dialog exists; ACK it at once, then hang up after the hold unless the PBX does first. */
  private answered(invite: SipRequest, response: SipResponse): void {
    if (this.dialog) return;
    try {
      this.dialog = Dialog.fromUacResponse(invite, response);
    } catch (error) {
      if (error instanceof DialogError) return this.finish({ ok: false, sipStatus: response.status, reason: error.message });
      throw error;
    }
    const dialog = this.dialog;
    // The dialog's one usage takes the PBX's BYE (RFC 3261 §15.1.2); the core answers anything else in it 481.
    this.byeRoute = this.line.stack.core.dialogs.register(dialog.id, {
      routes: [{ method: 'BYE' }],
      onRequest: (request, tx) => {
        tx.respond(createResponse(request, 200, 'OK'));
        this.finish({ ok: true });
      },
    });
    observe(this.ack(invite, dialog), 'feature code ACK', this.deps.guard);
    this.deps.clock.clearTimeout(this.timer);
    this.timer = this.deps.clock.setTimeout(() => observe(this.bye(dialog), 'feature code BYE', this.deps.guard), this.deps.holdMs ?? 1500);
  }

  /** RFC 3261 §13.2.2.4: the ACK to a 2xx is its own request in the dialog, with the INVITE's CSeq and credentials. */
  private async ack(invite: SipRequest, dialog: Dialog): Promise<void> {
    try {
      const flow = await flowFor(this.line, dialog);
      const headers: HeaderPairs = [];
      for (const name of ['Authorization', 'Proxy-Authorization']) for (const value of invite.getAll(name)) headers.push([name, value]);
      headers.push(['User-Agent', this.line.userAgent]);
      const ack = dialog.createRequest('ACK', { via: viaHeader(flow), cseq: invite.cseq.seq, headers });
      this.line.stack.transactions.sendStateless(ack, flow);
    } catch (error) {
      // The PBX retransmits its 2xx and finally ends the call itself; our BYE follows anyway.
      if (!(error instanceof Error)) throw error;
    }
  }

  private async bye(dialog: Dialog): Promise<void> {
    if (this.done) return;
    try {
      const flow = await flowFor(this.line, dialog);
      const headers: HeaderPairs = [['User-Agent', this.line.userAgent]];
      await sendAnsweringChallenges(this.line.stack, flow, this.digest, () => dialog.createRequest('BYE', { via: viaHeader(flow), headers }));
    } catch {
      // Whatever became of the BYE, the code was dialled: the PBX answered it.
    }
    this.finish({ ok: true });
  }

  private timedOut(): void {
    this.timer = undefined;
    if (this.done) return;
    this.cancelWanted = true;
    if (this.provisional) this.cancelInvite();
    this.timer = this.deps.clock.setTimeout(() => this.finish(this.timeoutResult()), CANCEL_GRACE_MS);
  }

  private cancelInvite(): void {
    const invite = this.invite!;
    this.cancelled = true;
    sendCancel(this.line.stack, this.flow!, invite, this.line.userAgent);
  }

  private timeoutResult(): FeatureCallResult {
    return { ok: false, sipStatus: 408, reason: `No final answer to ${this.code} within ${this.deps.timeoutMs ?? 8000} ms; cancelled` };
  }

  /** The call failed with a bug: it ends (timers cleared, BYE handler removed) and reports why. */
  abort(error: unknown): void {
    this.finish({ ok: false, reason: `Feature code call failed: ${error instanceof Error ? error.message : String(error)}` });
  }

  private finish(result: FeatureCallResult): void {
    if (this.done) return;
    this.done = true;
    this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
    // A BYE from the PBX after this (a late retransmission) gets the core's 481, which is harmless.
    this.byeRoute?.remove();
    this.resolve(result);
  }

  private buildInvite(flow: Flow): SipRequest {
    const target = `sip:${this.code}@${this.line.domain}`;
    const headers = outOfDialogHeaders({
      flow,
      method: 'INVITE',
      from: nameAddr(this.line.displayName, this.line.aor),
      fromTag: this.fromTag,
      to: nameAddr(undefined, target),
      callId: this.callId,
      cseq: ++this.cseq,
      route: this.line.outboundRoute,
    });
    headers.push(
      ['Contact', `<${this.line.contactUri(flow)}>`],
      ['Allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS'],
      ['Content-Type', 'application/sdp'],
      ['User-Agent', this.line.userAgent],
    );
    return createRequest({ method: 'INVITE', uri: target, headers, body: offer(flow) });
  }
}

/** A minimal audio offer (RFC 3264 §5): PCMU and PCMA at the flow's local address; the port is never used. */
export function offer(flow: Flow): string {
  const ipVer = flow.local.host.includes(':') ? 6 : 4;
  return writeSdp({
    version: 0,
    origin: { username: '-', sessionId: Date.now(), sessionVersion: 1, netType: 'IN', ipVer, address: flow.local.host },
    name: '-',
    connection: { version: ipVer, ip: flow.local.host },
    timing: { start: 0, stop: 0 },
    media: [
      {
        type: 'audio',
        port: 9,
        protocol: 'RTP/AVP',
        payloads: '0 8',
        rtp: [
          { payload: 0, codec: 'PCMU', rate: 8000 },
          { payload: 8, codec: 'PCMA', rate: 8000 },
        ],
        fmtp: [],
        direction: 'sendrecv',
      },
    ],
  });
}
