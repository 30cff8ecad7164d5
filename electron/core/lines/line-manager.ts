/**
 * Lines: the registrations of every configured SIP identity, over one shared {@link SipStack}. Implements the
 * {@link LinesController} the console service drives; owns the stack so later usages (subscriptions, calls) can
 * reach a line's flow and identity through it.
 */
import { readFileSync } from 'node:fs';
import type { LineState } from '../../../shared/lines';
import { fail, ok, type Result } from '../../../shared/result';
import type { LineConfig, Settings } from '../../../shared/settings';
import type { Clock } from '../../sip/clock';
import { observe } from '../../sip/guard';
import { SipStack, type SipStackOptions } from '../../sip/stack';
import type { TlsOptions } from '../../sip/transport/types';
import type { LineContext } from '../../sip/usage/line-context';
import { Registration, type RegistrationConfig } from '../../sip/usage/registration/registration';
import type { LinesController } from '../console-service';
import type { TraceLog } from '../trace-log';

export interface LineManagerDeps {
  clock: Clock;
  dataDir: string;
  trace: TraceLog;
  /** Overrides for tests (fake transports, resolver). */
  stack?: Partial<SipStackOptions>;
  resolve?: RegistrationDeps['resolve'];
  log?: (message: string) => void;
}

type RegistrationDeps = ConstructorParameters<typeof Registration>[1];

interface Line {
  config: LineConfig;
  fingerprint: string;
  registration: Registration;
}

export class LineManager implements LinesController {
  private sipStack: SipStack | undefined;
  private timing = '';
  private lines: Line[] = [];
  private defaultLine = 1;
  private readonly listeners = new Set<(states: LineState[]) => void>();
  private notifyScheduled = false;

  constructor(private readonly deps: LineManagerDeps) {}

  /** The shared stack; other usages of the lines (subscriptions, calls) send through it. */
  get stack(): SipStack {
    if (!this.sipStack) throw new Error('LineManager.stack used before apply()');
    return this.sipStack;
  }

  /** The transaction timers are fixed per stack, so new T1/T2/T4 build a new stack (every line re-registers). */
  private ensureStack(settings: Settings): void {
    const timing = JSON.stringify([settings.sip.t1Ms, settings.sip.t2Ms, settings.sip.t4Ms]);
    if (this.sipStack && timing === this.timing) return;
    if (this.sipStack) {
      const old = this.sipStack;
      const lines = this.lines;
      this.lines = [];
      observe(Promise.all(lines.map((line) => line.registration.stop())).then(() => old.close()), 'closing the previous SIP stack');
    }
    this.timing = timing;
    const deps = this.deps;
    this.sipStack = new SipStack({
      clock: deps.clock,
      timers: { t1: settings.sip.t1Ms, t2: settings.sip.t2Ms, t4: settings.sip.t4Ms },
      userAgent: 'Attendant Console/0.1',
      // Recorded as bytes: the trace decodes and redacts an entry only when it is read (see trace-log.ts).
      onWire: (event) => deps.trace.record(event),
      onWarning: (message) => deps.log?.(message),
      ...deps.stack,
    });
  }

  /** Applies new settings: lines whose SIP-relevant fields changed re-register; removed lines un-REGISTER. */
  apply(settings: Settings): void {
    this.ensureStack(settings);
    this.defaultLine = settings.defaultLine;
    const previous = new Map(this.lines.map((line) => [line.config.id, line]));
    const next: Line[] = [];
    for (const config of settings.lines) {
      // Call-handling preferences (busy when on a call, voicemail code, SRTP) are read per call, and the mailbox
      // settings by the voicemail service: changing them must not re-register the line.
      const { busyWhenOnCall: _busy, voicemailCode: _voicemail, srtp: _srtp, transferCode: _t, pickupPrefix: _p, parkCode: _k, voicemailTransferPrefix: _v, mwi: _mwi, mailboxCode: _mailbox, ...registering } = config;
      const fingerprint = JSON.stringify([registering, settings.sip.retryBaseSeconds, settings.sip.retryMaxSeconds, settings.sip.keepAliveSeconds]);
      const existing = previous.get(config.id);
      if (existing && existing.fingerprint === fingerprint) {
        existing.config = config;
        next.push(existing);
        previous.delete(config.id);
        continue;
      }
      if (existing) {
        previous.delete(config.id);
        observe(existing.registration.stop(), 'un-REGISTER of a changed line');
      }
      const registration = new Registration(this.registrationConfig(config, settings), {
        stack: this.stack,
        clock: this.deps.clock,
        resolve: this.deps.resolve,
        onChange: () => this.changed(),
      });
      next.push({ config, fingerprint, registration });
      if (config.enabled) registration.start();
    }
    for (const removed of previous.values()) observe(removed.registration.stop(), 'un-REGISTER of a removed line');
    this.lines = next;
    this.changed();
  }

  states(): LineState[] {
    return this.lines.map((line, index) => {
      const state = line.registration.state;
      return {
        number: index + 1,
        id: line.config.id,
        displayName: line.config.displayName,
        aor: line.registration.aor,
        transport: line.config.transport,
        enabled: line.config.enabled,
        isDefault: index + 1 === this.defaultLine,
        status: state.status,
        ...(state.failure ? { failure: state.failure } : {}),
        sipStatus: state.sipStatus,
        reason: state.reason,
        nextRetryAt: state.nextRetryAt,
        expiresAt: state.expiresAt,
        server: state.server,
      };
    });
  }

  /** The context other usages (subscriptions, later publications and calls) act through for line `number`. */
  lineContext(number: number): LineContext | undefined {
    const entry = this.lines[number - 1];
    if (!entry || !entry.config.enabled) return undefined;
    const { config, registration } = entry;
    return {
      stack: this.stack,
      number,
      aor: registration.aor,
      displayName: config.displayName,
      domain: config.domain,
      credentials: { username: config.authUser || config.user, password: config.password ?? '' },
      outboundRoute: config.outboundProxy ? `<sip:${config.outboundProxy};lr>` : undefined,
      getFlow: () => registration.flowForRequests(),
      contactUri: (flow) => registration.contactUri(flow),
      userAgent: this.stack.userAgent,
    };
  }

  /** The configuration line `number` (1-based) currently runs with. */
  lineConfig(number: number): LineConfig | undefined {
    return this.lines[number - 1]?.config;
  }

  /**
   * Identity of line `number`'s current configuration: it changes whenever the line is rebuilt (new credentials,
   * server or transport), telling other usages to start afresh on it.
   */
  lineToken(number: number): object | undefined {
    return this.lines[number - 1]?.registration;
  }

  /** 1-based number of the default outgoing line. */
  get defaultLineNumber(): number {
    return this.defaultLine;
  }

  reregister(line: number): Result<LineState> {
    const entry = this.lines[line - 1];
    if (!entry) return fail('not-found', `There is no line ${line}`, { field: 'line' });
    if (!entry.config.enabled) return fail('invalid-argument', `Line ${line} is disabled`, { field: 'line' });
    entry.registration.refreshNow();
    return ok(this.states()[line - 1]!);
  }

  onChanged(listener: (states: LineState[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Un-REGISTERs every line (each bounded by its own timeout), then closes the transports. */
  async shutdown(): Promise<void> {
    await Promise.all(this.lines.map((line) => line.registration.stop()));
    await this.sipStack?.close();
  }

  private registrationConfig(config: LineConfig, settings: Settings): RegistrationConfig {
    let tls: TlsOptions | undefined;
    if (config.transport === 'tls') {
      tls = {};
      if (config.tls?.fingerprint256) tls.fingerprint256 = config.tls.fingerprint256;
      if (config.tls?.caFile) {
        try {
          tls.ca = readFileSync(config.tls.caFile, 'utf8');
        } catch (error) {
          this.deps.log?.(`line ${config.id}: cannot read CA file ${config.tls.caFile}: ${(error as Error).message}`);
        }
      }
    }
    return {
      displayName: config.displayName,
      user: config.user,
      domain: config.domain,
      authUser: config.authUser,
      password: config.password,
      registrar: config.registrar,
      outboundProxy: config.outboundProxy,
      transport: config.transport,
      expires: config.expires,
      tls,
      retryBaseSeconds: settings.sip.retryBaseSeconds,
      retryMaxSeconds: settings.sip.retryMaxSeconds,
      keepAliveSeconds: settings.sip.keepAliveSeconds,
    };
  }

  /** Coalesces bursts of registration changes into one event per tick. */
  private changed(): void {
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    queueMicrotask(() => {
      this.notifyScheduled = false;
      const states = this.states();
      for (const listener of this.listeners) listener(states);
    });
  }
}

/** Factory used by the composition roots (serve and Electron main). */
export function createLineManager(deps: LineManagerDeps): LineManager {
  return new LineManager(deps);
}
