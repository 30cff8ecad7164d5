/**
 * Publication usage (RFC 3903): one line's event state (presence) at its server. The caller says what the state is
 * with `publish(body)`; this keeps the server's copy in step — initial PUBLISH, modification and refresh with
 * SIP-If-Match, removal with Expires: 0 — answering digest challenges and 423 like every request of the line.
 *
 * One PUBLISH at a time (RFC 3903 §4: a new one waits for the previous one's final response); what to send next is
 * decided from the wanted state when the previous one ends, so a burst of `publish()` calls collapses into one
 * modification carrying the newest body.
 *
 * Decisions that are ours rather than the RFC's:
 * - 405, 489 and 501 mean the server cannot take this event at all: status `unsupported`, nothing retried (the app
 *   switches the line to feature codes). 403/404 and rejected credentials only an administrator can fix: `failed`,
 *   retried at the slow end of the back-off. Everything else (timeouts, 5xx, a refused connection) is `retrying`.
 * - A 412 to a request without SIP-If-Match is not a lost ETag; it backs off like any other failure, so a confused
 *   server cannot make us loop.
 * - Each PUBLISH uses the same Call-ID and From tag with a rising CSeq, as a REGISTER does (§4.1 leaves this open).
 */
import { DigestSession } from '../../auth';
import type { Clock, TimerHandle } from '../../clock';
import { observe } from '../../guard';
import { createRequest, newCallId, newTag, type SipRequest, type SipResponse } from '../../message';
import type { Flow } from '../../transport/types';
import { backoffSeconds, refreshDelaySeconds } from '../backoff';
import { headerValueReason, nameAddr, outOfDialogHeaders, sendAnsweringChallenges } from '../requests';
import type { LineContext } from '../line-context';

export interface PublicationStatus {
  state: 'idle' | 'publishing' | 'published' | 'unsupported' | 'failed' | 'retrying';
  /** Entity-tag of the server's copy (RFC 3903 §4.1), while it holds one. */
  etag?: string;
  /** Status of the final response that decided the state. */
  sipStatus?: number;
  reason?: string;
  /** Epoch ms when the server's copy expires unless refreshed. */
  expiresAt?: number;
  /** Epoch ms of the next retry (`retrying`, `failed`). */
  nextRetryAt?: number;
}

export interface PublicationConfig {
  /** Event package (RFC 3903 §4.1), e.g. `presence`. */
  event: string;
  /** Requested lifetime in seconds; default 3600 (seed 003). */
  expires?: number;
}

export interface PublicationDeps {
  clock: Clock;
  random?: () => number;
  /** First retry delay; doubles per failure up to `retryMaxSeconds`, ±20 % jitter. Default 30. */
  retryBaseSeconds?: number;
  /** Default 1800. */
  retryMaxSeconds?: number;
}

export interface PublicationUser {
  onStatus(status: PublicationStatus): void;
}

/** What one PUBLISH is for (RFC 3903 §4.2–4.5). */
type Kind = 'initial' | 'modify' | 'refresh' | 'remove';

interface Sent {
  kind: Kind;
  /** Body version carried (initial/modify). */
  version: number;
  request: SipRequest;
}

const UNSUPPORTED = new Set([405, 489, 501]);
const SLOW_RETRY = new Set([403, 404, 603]);
const MAX_INTERVAL_ROUNDS = 3;
/** How long `unpublish()` waits on sign-out and quit. */
const UNPUBLISH_TIMEOUT_MS = 3000;

export class Publication {
  private current: PublicationStatus = { state: 'idle' };
  private readonly callId = newCallId();
  private readonly fromTag = newTag();
  private cseq = 0;
  private readonly configuredExpires: number;
  private expires: number;
  private digest: DigestSession;
  /** The state the caller wants published; undefined before the first `publish()` and after `unpublish()`. */
  private body: { text: string; contentType: string } | undefined;
  private version = 0;
  /** Body version the server holds under {@link etag}. */
  private serverVersion = 0;
  private etag: string | undefined;
  /** Monotonic ms when the server's copy expires. */
  private etagExpiresAt = 0;
  private inFlight = false;
  private timer: TimerHandle | undefined;
  private failures = 0;
  private intervalRounds = 0;
  /** Bumped by `unpublish()`: late answers to older requests must not restart anything. */
  private generation = 0;
  private settleWaiters: Array<() => void> = [];

  constructor(
    private readonly line: LineContext,
    private readonly config: PublicationConfig,
    private readonly deps: PublicationDeps,
    private readonly user?: PublicationUser,
  ) {
    this.configuredExpires = config.expires ?? 3600;
    this.expires = this.configuredExpires;
    this.digest = new DigestSession(line.credentials);
  }

  get status(): PublicationStatus {
    return this.current;
  }

  /**
   * Publishes `body` as the new state: a modification (SIP-If-Match, RFC 3903 §4.4) while the server holds our
   * entity, an initial PUBLISH (§4.2) otherwise. Sent once the PUBLISH in flight, if any, has its answer.
   */
  publish(body: string, contentType = 'application/pidf+xml'): void {
    this.body = { text: body, contentType };
    this.version++;
    this.failures = 0;
    this.intervalRounds = 0;
    if (this.inFlight) return;
    this.clearTimer();
    this.next();
  }

  /**
   * The server lost our entity (its PBX restarted, as another usage noticed): forgets the entity-tag and publishes
   * the wanted state afresh at once — an initial PUBLISH without SIP-If-Match (RFC 3903 §4.1, §4.2) — instead of
   * learning it from the 412 to the next refresh. A PUBLISH on its way decides first (its 412 also leads here).
   * Nothing happens before the first `publish()`, after `unpublish()`, or once the server refused the event.
   */
  republish(): void {
    if (this.body === undefined || this.current.state === 'unsupported') return;
    this.etag = undefined;
    this.serverVersion = 0;
    this.failures = 0;
    this.intervalRounds = 0;
    if (this.inFlight) return;
    this.clearTimer();
    this.next();
  }

  /**
   * Removes the published state (Expires: 0 with SIP-If-Match, RFC 3903 §4.5), waiting at most a few seconds —
   * also for a PUBLISH still on its way, whose answer may bring the ETag to remove. Then `idle`.
   */
  async unpublish(): Promise<void> {
    this.generation++;
    this.body = undefined;
    this.clearTimer();
    let guard: TimerHandle | undefined;
    const deadline = new Promise<void>((resolve) => (guard = this.deps.clock.setTimeout(resolve, UNPUBLISH_TIMEOUT_MS)));
    const work = async (): Promise<void> => {
      while (this.inFlight) await new Promise<void>((resolve) => this.settleWaiters.push(resolve));
      // A publish() during the wait wants its state kept: nothing is removed then.
      if (this.body === undefined && this.etag !== undefined && this.etagExpiresAt > this.deps.clock.now()) await this.remove();
    };
    await Promise.race([work(), deadline]).finally(() => this.deps.clock.clearTimeout(guard));
    if (this.body !== undefined) return;
    this.etag = undefined;
    this.serverVersion = 0;
    this.setStatus({ state: 'idle' });
  }

  /** Sends whatever brings the server in step with the wanted state, or schedules the refresh when it is. */
  private next(): void {
    if (this.body === undefined) return;
    const held = this.etag !== undefined && this.etagExpiresAt > this.deps.clock.now();
    if (!held) this.etag = undefined;
    let kind: Kind;
    if (!held) kind = 'initial';
    else if (this.serverVersion !== this.version) kind = 'modify';
    else kind = 'refresh';
    // A refresh keeps showing `published`: the server's copy is valid until it expires.
    if (kind !== 'refresh') this.setStatus({ state: 'publishing', ...(held ? { etag: this.etag, expiresAt: this.current.expiresAt } : {}) });
    observe(this.send(kind), 'PUBLISH');
  }

  private async send(kind: Kind): Promise<void> {
    const generation = this.generation;
    this.inFlight = true;
    let flow: Flow;
    try {
      flow = await this.line.getFlow();
    } catch (error) {
      return this.ended(generation, () => this.failed('retrying', undefined, error instanceof Error ? error.message : String(error)));
    }
    if (generation !== this.generation) return this.ended(generation, () => undefined);
    let request: SipRequest;
    try {
      request = this.build(flow, kind, this.expires);
    } catch (error) {
      // A line setting that would inject a header fails the publication with why, never the process.
      const badSetting = headerValueReason(error);
      if (badSetting === undefined) throw error;
      return this.ended(generation, () => this.failed('failed', undefined, badSetting, undefined, true));
    }
    const sent: Sent = { kind, version: this.version, request };
    this.digest.prepare(sent.request);
    this.line.stack.sendRequest(sent.request, flow, {
      onFinal: (response) => this.onFinal(sent, response, generation),
      onTimeout: () => this.ended(generation, () => this.failed('retrying', 408, 'Server did not answer PUBLISH (timeout)')),
      onTransportError: (_tx, error) => this.ended(generation, () => this.failed('retrying', undefined, error.message)),
    });
  }

  private onFinal(sent: Sent, response: SipResponse, generation: number): void {
    // Whoever comes next (a waiting unpublish(), a newer publish()) acts on the entity this 2xx created.
    if (response.status >= 200 && response.status < 300) this.holdEntity(sent, response);
    this.ended(generation, () => {
      const status = response.status;
      if (status >= 200 && status < 300) return this.accepted(response);
      if (status === 401 || status === 407) {
        if (this.digest.authorize(sent.request, response) === 'retry') return this.resend(sent.kind);
        return this.failed('failed', status, `${response.reason} (credentials rejected)`, undefined, true);
      }
      const min = Number(response.get('Min-Expires'));
      if (status === 423 && this.intervalRounds < MAX_INTERVAL_ROUNDS && Number.isFinite(min) && min > this.expires) {
        // RFC 3903 §6 step 5 / RFC 3261 §10.2.8: ask again for at least Min-Expires.
        this.intervalRounds++;
        this.expires = min;
        return this.resend(sent.kind);
      }
      if (status === 412 && sent.request.has('SIP-If-Match')) {
        // RFC 3903 §4.1: the server lost our entity (restart, expiry): publish the whole state afresh.
        this.etag = undefined;
        this.serverVersion = 0;
        return this.resend('initial');
      }
      if (UNSUPPORTED.has(status)) return this.unsupported(status, response.reason);
      const slow = SLOW_RETRY.has(status);
      this.failed(slow ? 'failed' : 'retrying', status, response.reason, response.get('Retry-After'), slow);
    });
  }

  /**
   * Runs `then` for a request that ended, unless `unpublish()` came since (then a state published meanwhile, which
   * waited for this request, goes out now); lets a waiting `unpublish()` go on.
   */
  private ended(generation: number, then: () => void): void {
    this.inFlight = false;
    if (generation === this.generation) then();
    else if (this.body !== undefined && this.timer === undefined) this.next();
    this.settle();
  }

  private resend(kind: Kind): void {
    observe(this.send(kind === 'initial' || this.etag !== undefined ? kind : 'initial'), 'PUBLISH');
  }

  /** Keeps the entity-tag and lifetime a 2xx gave (RFC 3903 §4.1, §6 step 8: the granted Expires may be shorter). */
  private holdEntity(sent: Sent, response: SipResponse): number {
    const header = response.get('Expires')?.trim();
    const granted = header !== undefined && /^\d+$/.test(header) ? Number(header) : this.expires;
    this.etag = response.get('SIP-ETag')?.trim() || undefined;
    if (sent.kind !== 'refresh') this.serverVersion = sent.version;
    this.etagExpiresAt = this.deps.clock.now() + granted * 1000;
    return granted;
  }

  private accepted(response: SipResponse): void {
    this.failures = 0;
    this.intervalRounds = 0;
    const granted = Math.max(0, (this.etagExpiresAt - this.deps.clock.now()) / 1000);
    // Refreshing something granted no lifetime would loop at once.
    if (granted === 0) return this.failed('retrying', response.status, 'Server granted no lifetime (Expires: 0)');
    const expiresAt = this.deps.clock.wallNow() + granted * 1000;
    if (this.serverVersion !== this.version) {
      // A newer state was asked for while this one was on its way.
      this.setStatus({ state: 'publishing', etag: this.etag, sipStatus: response.status, reason: response.reason, expiresAt });
      return this.next();
    }
    // Without an entity-tag (a broken server) nothing can be refreshed conditionally: next() publishes afresh.
    const refreshMs = refreshDelaySeconds(granted) * 1000;
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      this.next();
    }, refreshMs);
    this.setStatus({ state: 'published', etag: this.etag, sipStatus: response.status, reason: response.reason, expiresAt });
  }

  private unsupported(sipStatus: number, reason: string): void {
    this.clearTimer();
    this.etag = undefined;
    this.setStatus({ state: 'unsupported', sipStatus, reason });
  }

  private failed(state: 'retrying' | 'failed', sipStatus: number | undefined, reason: string, retryAfter?: string, slow = false): void {
    this.failures++;
    this.clearTimer();
    const base = this.deps.retryBaseSeconds ?? 30;
    const max = this.deps.retryMaxSeconds ?? 1800;
    const after = Number(retryAfter);
    let delay = Number.isFinite(after) && after > 0 ? after : backoffSeconds(this.failures, base, max, this.deps.random);
    if (slow) delay = Math.max(delay, max);
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      this.digest = new DigestSession(this.line.credentials);
      this.intervalRounds = 0;
      this.next();
    }, delay * 1000);
    const held = this.etag !== undefined && this.etagExpiresAt > this.deps.clock.now();
    this.setStatus({
      state,
      sipStatus,
      reason,
      nextRetryAt: this.deps.clock.wallNow() + delay * 1000,
      ...(held ? { etag: this.etag, expiresAt: this.current.expiresAt } : {}),
    });
  }

  /** The removal on `unpublish()`, answering challenges; its outcome changes nothing but is awaited. */
  private async remove(): Promise<void> {
    let flow: Flow;
    try {
      flow = await this.line.getFlow();
    } catch {
      return;
    }
    await sendAnsweringChallenges(this.line.stack, flow, this.digest, () => this.build(flow, 'remove', 0));
  }

  /** A PUBLISH to the line's AOR (RFC 3903 §4.1: Request-URI, To and From name the presentity). */
  private build(flow: Flow, kind: Kind, expires: number): SipRequest {
    const headers = outOfDialogHeaders({
      flow,
      method: 'PUBLISH',
      from: nameAddr(this.line.displayName, this.line.aor),
      fromTag: this.fromTag,
      to: nameAddr(undefined, this.line.aor),
      callId: this.callId,
      cseq: ++this.cseq,
      route: this.line.outboundRoute,
    });
    headers.push(
      ['Event', this.config.event],
      ['Expires', String(expires)],
    );
    if (kind !== 'initial' && this.etag !== undefined) headers.push(['SIP-If-Match', this.etag]);
    const withBody = kind === 'initial' || kind === 'modify';
    const body = withBody ? this.body : undefined;
    if (body) headers.push(['Content-Type', body.contentType]);
    headers.push(['User-Agent', this.line.userAgent]);
    return createRequest({ method: 'PUBLISH', uri: this.line.aor, headers, body: body?.text });
  }

  private settle(): void {
    const waiters = this.settleWaiters;
    this.settleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private clearTimer(): void {
    this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private setStatus(status: PublicationStatus): void {
    this.current = status;
    this.user?.onStatus(status);
  }
}
