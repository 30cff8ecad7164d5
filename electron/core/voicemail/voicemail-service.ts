/**
 * Voicemail indication for the lines (issue 12 §6): one {@link LineMailbox} per enabled line whose `mwi` setting is
 * not `false`, started once the line is registered (the PBX then knows the line's credentials and flow), rebuilt
 * when the line is (new credentials, server or transport), ended when the line goes.
 */
import type { LineState, LineVoicemail } from '../../../shared/lines';
import type { LineConfig, Settings } from '../../../shared/settings';
import type { Clock } from '../../sip/clock';
import { observe } from '../../sip/guard';
import type { LineContext } from '../../sip/usage/line-context';
import { DEFAULT_SUBSCRIPTION_EXPIRES } from '../../sip/usage/subscription/subscription';
import { LineMailbox } from './line-mailbox';

/** What the service needs of the lines (implemented by `LineManager`). */
export interface VoicemailLines {
  states(): LineState[];
  onChanged(listener: (states: LineState[]) => void): () => void;
  lineContext(number: number): LineContext | undefined;
  lineToken(number: number): object | undefined;
}

export interface VoicemailServiceDeps {
  clock: Clock;
  lines: VoicemailLines;
  log?: (message: string) => void;
}

interface Entry {
  token: object;
  mailbox: LineMailbox | undefined;
  /** Registration status at the last look, to notice a line that recovered from a failure. */
  status: LineState['status'];
}

export class VoicemailService {
  private settings: Settings | undefined;
  private readonly entries = new Map<number, Entry>();
  private readonly listeners = new Set<() => void>();
  private notifyScheduled = false;
  private readonly offLines: () => void;

  constructor(private readonly deps: VoicemailServiceDeps) {
    this.offLines = deps.lines.onChanged((states) => this.linesChanged(states));
  }

  /** Applies new settings: call after the lines applied them (their tokens tell which lines were rebuilt). */
  apply(settings: Settings): void {
    this.settings = settings;
    for (const entry of this.entries.values()) entry.mailbox?.setExpires(this.expires());
    this.linesChanged(this.deps.lines.states());
  }

  /** The mailbox of line `number` as the contract shows it; undefined for a disabled or unknown line. */
  voicemail(number: number): LineVoicemail | undefined {
    const config = this.settings?.lines[number - 1];
    if (!config?.enabled) return undefined;
    if (config.mwi === false) return { state: 'off', newMessages: 0, oldMessages: 0, ...(config.mailboxCode ? { dial: config.mailboxCode } : {}) };
    const mailbox = this.entries.get(number)?.mailbox;
    if (!mailbox) return { state: 'watching', newMessages: 0, oldMessages: 0, ...(config.mailboxCode ? { dial: config.mailboxCode } : {}) };
    return mailbox.view(config.mailboxCode);
  }

  /** The PBX of `line` likely restarted: renew its mailbox subscription (or ask again after a refusal). */
  pbxRestarted(line: number): void {
    this.entries.get(line)?.mailbox?.refresh();
  }

  /** Called (coalesced to one per tick) whenever a line's mailbox view may have changed. */
  onChanged(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Un-SUBSCRIBEs every mailbox (each bounded by the usage's own deadline). */
  async shutdown(): Promise<void> {
    this.offLines();
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map((entry) => entry.mailbox?.stop().catch(() => undefined)));
  }

  private linesChanged(states: LineState[]): void {
    const settings = this.settings;
    if (!settings) return;
    const wanted = new Set<number>();
    let changed = false;
    settings.lines.forEach((config, index) => {
      const number = index + 1;
      const state = states[index];
      const token = this.deps.lines.lineToken(number);
      if (!this.wanted(config) || !token || !state) return;
      wanted.add(number);
      let entry = this.entries.get(number);
      if (entry && entry.token !== token) {
        this.drop(number, entry);
        entry = undefined;
      }
      if (!entry) {
        entry = { token, mailbox: undefined, status: state.status };
        this.entries.set(number, entry);
        changed = true;
      }
      const recovered = entry.status === 'failed' && state.status === 'registered';
      entry.status = state.status;
      if (state.status !== 'registered') return;
      if (!entry.mailbox) changed = this.startMailbox(number, entry) || changed;
      // A line that registers again after a failure may be on a restarted or reconfigured PBX: ask afresh.
      else if (recovered) entry.mailbox.refresh();
    });
    for (const [number, entry] of this.entries) {
      if (wanted.has(number)) continue;
      this.drop(number, entry);
      changed = true;
    }
    // The lines' own event already carries their new states; a second one only when a mailbox came or went.
    if (changed) this.changed();
  }

  private wanted(config: LineConfig): boolean {
    return config.enabled && config.mwi !== false;
  }

  private startMailbox(number: number, entry: Entry): boolean {
    const line = this.deps.lines.lineContext(number);
    if (!line || !this.settings) return false;
    const mailbox = new LineMailbox({
      line,
      expires: this.expires(),
      retry: { retryBaseSeconds: this.settings.sip.retryBaseSeconds, retryMaxSeconds: this.settings.sip.retryMaxSeconds },
      clock: this.deps.clock,
      onChange: () => this.changed(),
      ...(this.deps.log ? { log: this.deps.log } : {}),
    });
    entry.mailbox = mailbox;
    mailbox.start();
    return true;
  }

  private drop(number: number, entry: Entry): void {
    this.entries.delete(number);
    if (entry.mailbox) observe(entry.mailbox.stop(), 'un-SUBSCRIBE of a line mailbox');
  }

  private expires(): number {
    return this.settings?.sip.subscriptionExpiresSeconds ?? DEFAULT_SUBSCRIPTION_EXPIRES;
  }

  private changed(): void {
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    queueMicrotask(() => {
      this.notifyScheduled = false;
      for (const listener of this.listeners) listener();
    });
  }
}
