/**
 * Registration usage (RFC 3261 §10): binds one line's contact at its registrar, keeps it refreshed, retries with
 * back-off and fails over across the registrar's targets (RFC 3263 §4.3), and removes the binding on stop.
 */
import { isIP } from 'node:net';
import type { LineFailure, LineState } from '../../../../shared/lines';
import type { Clock, TimerHandle } from '../../clock';
import { observe } from '../../guard';
import { DigestSession } from '../../auth';
import { createRequest, newCallId, newTag, parseNameAddr, parseUri, type SipRequest, type SipResponse } from '../../message';
import { resolveTargets, type ResolvedTarget } from '../../dns/resolver';
import type { SipStack } from '../../stack';
import type { Flow, TlsOptions, TransportProtocol } from '../../transport/types';
import { TransportError } from '../../transport/types';
import { backoffSeconds, refreshDelaySeconds } from '../backoff';
import { headerValueReason, nameAddr, outOfDialogHeaders, sendAnsweringChallenges } from '../requests';

export type { RegistrationStatus } from '../../../../shared/lines';

export interface RegistrationConfig {
  displayName: string;
  user: string;
  domain: string;
  authUser?: string;
  password?: string;
  /** `host[:port]` of the registrar; defaults to the domain. */
  registrar?: string;
  outboundProxy?: string;
  transport: TransportProtocol;
  expires: number;
  tls?: TlsOptions;
  retryBaseSeconds: number;
  retryMaxSeconds: number;
  /** OPTIONS keep-alive interval over UDP while registered; 0 or absent = off (streams use CRLF keep-alives). */
  keepAliveSeconds?: number;
}

/** What the line shows of its registration (the same fields as the contract's LineState). */
export type RegistrationState = Pick<LineState, 'status' | 'failure' | 'sipStatus' | 'reason' | 'nextRetryAt' | 'expiresAt' | 'server'>;

export interface RegistrationDeps {
  stack: SipStack;
  clock: Clock;
  resolve?: (hostPort: string, protocol: TransportProtocol) => Promise<ResolvedTarget[]>;
  random?: () => number;
  onChange?: (state: RegistrationState) => void;
}

/** At most this many 423 rounds in a row: a registrar that keeps raising Min-Expires is broken. */
const MAX_INTERVAL_ROUNDS = 3;
/** How long an un-REGISTER may take on quit before we give up waiting. */
const UNREGISTER_TIMEOUT_MS = 3000;

export class Registration {
  private current: RegistrationState = { status: 'unregistered' };
  private readonly callId = newCallId();
  private readonly fromTag = newTag();
  private cseq = 0;
  private expires: number;
  private digest: DigestSession;
  private targets: ResolvedTarget[] = [];
  private targetIndex = 0;
  private failures = 0;
  private intervalRounds = 0;
  private timer: TimerHandle | undefined;
  private keepAliveTimer: TimerHandle | undefined;
  private flow: Flow | undefined;
  /** Bumped on every start/stop so late responses from an older cycle are ignored. */
  private generation = 0;
  private active = false;
  private readonly unsubscribeFlow: () => void;

  constructor(
    readonly config: RegistrationConfig,
    private readonly deps: RegistrationDeps,
  ) {
    this.expires = config.expires;
    this.digest = new DigestSession({ username: config.authUser || config.user, password: config.password ?? '' });
    this.unsubscribeFlow = deps.stack.onFlowClosed((flow) => {
      if (this.active && this.flow && flow.id === this.flow.id) {
        this.flow = undefined;
        if (this.current.status === 'registered' || this.current.status === 'registering') this.fail(undefined, 'Connection to the registrar closed');
      }
    });
  }

  get state(): RegistrationState {
    return this.current;
  }

  /** The flow the binding lives on (other usages of the line send through it). */
  get currentFlow(): Flow | undefined {
    return this.flow;
  }

  /** Address of record, `sip:user@domain`. */
  get aor(): string {
    return `sip:${this.config.user}@${this.config.domain}`;
  }

  start(): void {
    this.active = true;
    this.generation++;
    this.failures = 0;
    observe(this.attempt(), 'REGISTER');
  }

  /** Registers again now (user asked, or the network came back). */
  refreshNow(): void {
    if (!this.active) return this.start();
    this.clearTimer();
    this.failures = 0;
    observe(this.attempt(), 'REGISTER');
  }

  /** Removes the binding (Expires: 0) if there is one, bounded by a short timeout; then stays unregistered. */
  async stop(): Promise<void> {
    const wasRegistered = this.current.status === 'registered' && this.flow;
    this.active = false;
    this.generation++;
    this.clearTimer();
    this.unsubscribeFlow();
    if (wasRegistered && this.flow) {
      const flow = this.flow;
      let guard: TimerHandle | undefined;
      const deadline = new Promise<void>((resolve) => (guard = this.deps.clock.setTimeout(resolve, UNREGISTER_TIMEOUT_MS)));
      const unregister = sendAnsweringChallenges(this.deps.stack, flow, this.digest, () => this.buildRegister(flow, 0));
      await Promise.race([unregister, deadline]).finally(() => this.deps.clock.clearTimeout(guard));
    }
    this.flow = undefined;
    this.setState({ status: 'unregistered' });
  }

  private async attempt(): Promise<void> {
    const generation = this.generation;
    // A refresh keeps showing "registered": the binding is still valid until it expires.
    if (this.current.status !== 'registered') {
      const { failure: _settled, ...rest } = this.current;
      this.setState({ ...rest, status: 'registering', nextRetryAt: undefined });
    }
    try {
      if (this.targets.length === 0 || this.targetIndex >= this.targets.length) {
        const via = this.config.outboundProxy || this.config.registrar || this.config.domain;
        this.targets = await (this.deps.resolve ?? resolveTargets)(via, this.config.transport);
        this.targetIndex = 0;
      }
      const target = this.targets[this.targetIndex]!;
      const flow = await this.deps.stack.getFlow(target, this.tlsOptions(target));
      if (generation !== this.generation) return;
      this.flow = flow;
      this.send(flow, generation);
    } catch (error) {
      if (generation !== this.generation) return;
      if (error instanceof TransportError) return this.targetFailed(undefined, error.message);
      this.targets = [];
      // A setting that would inject a header (hand-edited file): fails the line with why; retrying cannot help soon.
      const badSetting = headerValueReason(error);
      if (badSetting !== undefined) return this.fail(undefined, badSetting, false);
      this.fail(undefined, error instanceof Error ? error.message : String(error));
    }
  }

  private send(flow: Flow, generation: number): void {
    const request = this.buildRegister(flow, this.expires);
    this.digest.prepare(request);
    this.deps.stack.sendRequest(request, flow, {
      onFinal: (response) => generation === this.generation && this.onFinal(request, response, flow, generation),
      onTimeout: () => generation === this.generation && this.targetFailed(408, 'Registrar did not answer (timeout)'),
      onTransportError: (_tx, error) => generation === this.generation && this.targetFailed(undefined, error.message),
    });
  }

  private onFinal(request: SipRequest, response: SipResponse, flow: Flow, generation: number): void {
    const status = response.status;
    if (status >= 200 && status < 300) return this.registered(response, flow);
    if (status === 401 || status === 407) {
      if (this.digest.authorize(request, response) === 'retry') return this.send(flow, generation);
      return this.fail(status, `${response.reason} (credentials rejected)`, false);
    }
    if (status === 423 && this.intervalRounds < MAX_INTERVAL_ROUNDS) {
      // RFC 3261 §10.2.8: retry with an expiration at least Min-Expires.
      const min = Number(response.get('Min-Expires'));
      if (Number.isFinite(min) && min > this.expires) {
        this.intervalRounds++;
        this.expires = min;
        return this.send(flow, generation);
      }
    }
    if (status === 503 || status === 408 || status >= 500) return this.targetFailed(status, response.reason, response.get('Retry-After'));
    this.fail(status, response.reason);
  }

  private registered(response: SipResponse, flow: Flow): void {
    this.failures = 0;
    this.intervalRounds = 0;
    const granted = this.grantedExpires(response, flow) ?? this.expires;
    const now = this.deps.clock.wallNow();
    const refreshMs = refreshDelaySeconds(granted) * 1000;
    this.clearTimer();
    this.timer = this.deps.clock.setTimeout(() => observe(this.attempt(), 'REGISTER refresh'), refreshMs);
    this.scheduleKeepAlive(flow);
    this.setState({
      status: 'registered',
      sipStatus: response.status,
      reason: response.reason,
      expiresAt: now + granted * 1000,
      nextRetryAt: now + refreshMs,
      server: `${flow.protocol}:${flow.remote.host}:${flow.remote.port}`,
    });
  }

  /** Expiry the registrar granted our contact: its `expires` param, else the Expires header (RFC 3261 §10.2.4). */
  private grantedExpires(response: SipResponse, flow: Flow): number | undefined {
    const ours = this.contactUri(flow);
    for (const value of response.getAll('Contact')) {
      try {
        const contact = parseNameAddr(value);
        if (sameContact(contact.uri, ours) && contact.params.expires != null) return Number(contact.params.expires);
      } catch {
        continue;
      }
    }
    const header = Number(response.get('Expires'));
    return Number.isFinite(header) && response.has('Expires') ? header : undefined;
  }

  /** A failure of the current target: try the next one at once, or back off when all failed (RFC 3263 §4.3). */
  private targetFailed(sipStatus: number | undefined, reason: string, retryAfter?: string): void {
    this.flow = undefined;
    if (this.targetIndex + 1 < this.targets.length) {
      this.targetIndex++;
      observe(this.attempt(), 'REGISTER');
      return;
    }
    this.targets = [];
    this.fail(sipStatus, reason, true, retryAfter);
  }

  private fail(sipStatus: number | undefined, reason: string, retry = true, retryAfter?: string): void {
    this.failures++;
    this.clearTimer();
    const now = this.deps.clock.wallNow();
    let nextRetryAt: number | undefined;
    if (this.active) {
      const after = Number(retryAfter);
      const seconds = Number.isFinite(after) && after > 0 ? after : backoffSeconds(this.failures, this.config.retryBaseSeconds, this.config.retryMaxSeconds, this.deps.random);
      // A rejected password is retried too, but only on the slow end of the back-off (the admin may fix the server).
      const delay = retry ? seconds : Math.max(seconds, this.config.retryMaxSeconds);
      nextRetryAt = now + delay * 1000;
      this.timer = this.deps.clock.setTimeout(() => {
        this.digest = new DigestSession({ username: this.config.authUser || this.config.user, password: this.config.password ?? '' });
        observe(this.attempt(), 'REGISTER');
      }, delay * 1000);
    }
    this.setState({ status: 'failed', failure: failureOf(sipStatus), sipStatus, reason, nextRetryAt, server: this.current.server });
  }

  private buildRegister(flow: Flow, expires: number): SipRequest {
    return this.buildRequest('REGISTER', flow, this.callId, ++this.cseq, [
      ['Contact', `<${this.contactUri(flow)}>`],
      ['Expires', String(expires)],
      ['Allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS, NOTIFY, REFER, SUBSCRIBE, PUBLISH, MESSAGE'],
    ]);
  }

  /** A request to the registrar's domain from the line's AOR (RFC 3261 §10.2: Request-URI names the domain). */
  private buildRequest(method: string, flow: Flow, callId: string, cseq: number, extra: Array<[string, string]>): SipRequest {
    const { displayName, domain, outboundProxy } = this.config;
    const self = nameAddr(displayName, this.aor);
    const headers = outOfDialogHeaders({
      flow,
      method,
      from: self,
      fromTag: this.fromTag,
      to: self,
      callId,
      cseq,
      route: outboundProxy ? `<sip:${outboundProxy};lr>` : undefined,
    });
    headers.push(...extra, ['User-Agent', this.deps.stack.userAgent]);
    return createRequest({ method, uri: `sip:${domain}`, headers });
  }

  /**
   * The flow other usages of this line send on: the binding's flow when registered (so requests to us come back over
   * the same connection), else one to the line's first target.
   */
  async flowForRequests(): Promise<Flow> {
    if (this.flow) return this.flow;
    const via = this.config.outboundProxy || this.config.registrar || this.config.domain;
    const targets = this.targets.length > 0 ? this.targets : await (this.deps.resolve ?? resolveTargets)(via, this.config.transport);
    const target = targets[Math.min(this.targetIndex, targets.length - 1)]!;
    return this.deps.stack.getFlow(target, this.tlsOptions(target));
  }

  /** Contact from the real local address and port of the flow (RFC 3261 §10.2.1). */
  contactUri(flow: Flow): string {
    const host = flow.local.host.includes(':') ? `[${flow.local.host}]` : flow.local.host;
    const transport = flow.protocol === 'udp' ? '' : `;transport=${flow.protocol}`;
    return `sip:${this.config.user}@${host}:${flow.local.port}${transport}`;
  }

  private tlsOptions(target: ResolvedTarget): TlsOptions | undefined {
    if (this.config.transport !== 'tls') return undefined;
    // SNI carries names only (RFC 6066 §3); an IP target is checked against the certificate's IP SAN instead.
    const servername = this.config.tls?.servername ?? (isIP(target.serverName) ? undefined : target.serverName);
    return { ...this.config.tls, ...(servername ? { servername } : {}) };
  }

  private clearTimer(): void {
    this.deps.clock.clearTimeout(this.timer);
    this.deps.clock.clearTimeout(this.keepAliveTimer);
    this.timer = undefined;
    this.keepAliveTimer = undefined;
  }

  /**
   * Over UDP nothing tells a registered line that its PBX went away until the next refresh, which may be an hour
   * off. An OPTIONS every `keepAliveSeconds` finds out within that plus Timer F; any final response, even a
   * challenge, proves the server alive.
   */
  private scheduleKeepAlive(flow: Flow): void {
    const seconds = this.config.keepAliveSeconds ?? 0;
    if (seconds <= 0 || flow.reliable) return;
    this.deps.clock.clearTimeout(this.keepAliveTimer);
    const generation = this.generation;
    this.keepAliveTimer = this.deps.clock.setTimeout(() => {
      this.keepAliveTimer = undefined;
      if (generation !== this.generation || this.current.status !== 'registered' || this.flow !== flow) return;
      const request = this.buildRequest('OPTIONS', flow, newCallId(), 1, [['Accept', 'application/sdp']]);
      this.deps.stack.sendRequest(request, flow, {
        onFinal: () => generation === this.generation && this.scheduleKeepAlive(flow),
        onTimeout: () => generation === this.generation && this.targetFailed(408, 'PBX stopped answering (keep-alive timed out)'),
        onTransportError: (_tx, error) => generation === this.generation && this.targetFailed(undefined, error.message),
      });
    }, seconds * 1000);
  }

  private setState(state: RegistrationState): void {
    this.current = state;
    this.deps.onChange?.(state);
  }
}

/**
 * Why a registration failed, in the banner's terms (shared/lines.ts): no final response (timeout, transport or DNS
 * error; a 408 is the registrar saying the same) is `unreachable`; 401/407 reach `fail` only once our answer to the
 * challenge was refused, and 403 refuses the identity (RFC 3261 §21.4.2, §22.2): `auth-failed`; any other final
 * response is `refused`.
 */
export function failureOf(sipStatus: number | undefined): LineFailure {
  if (sipStatus === undefined || sipStatus === 408) return 'unreachable';
  if (sipStatus === 401 || sipStatus === 403 || sipStatus === 407) return 'auth-failed';
  return 'refused';
}

/** Contacts compare by user, host, port and transport (RFC 3261 §19.1.4, simplified for our own contact). */
function sameContact(a: string, b: string): boolean {
  try {
    const x = parseUri(a);
    const y = parseUri(b);
    return (
      x.user === y.user &&
      x.host.toLowerCase() === y.host.toLowerCase() &&
      (x.port ?? 5060) === (y.port ?? 5060) &&
      (x.params.transport ?? 'udp').toLowerCase() === (y.params.transport ?? 'udp').toLowerCase()
    );
  } catch {
    return false;
  }
}
