/**
 * The lines as the console service sees them, with each line's mailbox (issue 12 §6) on its state: the line
 * manager's registrations and the voicemail service's summaries, as one {@link LinesController}. The service and the
 * contract keep one `lines.changed` event; neither the line manager nor the console service needs to know MWI.
 */
import type { LineState } from '../../../shared/lines';
import type { Result } from '../../../shared/result';
import type { Settings } from '../../../shared/settings';
import type { LinesController } from '../console-service';
import type { VoicemailService } from './voicemail-service';

export class LinesWithVoicemail implements LinesController {
  constructor(
    private readonly lines: LinesController,
    private readonly voicemail: VoicemailService,
  ) {}

  /** The lines apply first: the voicemail service reads which lines they rebuilt. */
  apply(settings: Settings): void {
    this.lines.apply(settings);
    this.voicemail.apply(settings);
  }

  states(): LineState[] {
    return this.lines.states().map((state) => this.withVoicemail(state));
  }

  reregister(line: number): Result<LineState> {
    const result = this.lines.reregister(line);
    if (!result.ok) return result;
    // "Register now" is tried when things look frozen: the mailbox may be stale too.
    this.voicemail.pbxRestarted(line);
    return { ok: true, value: this.withVoicemail(result.value) };
  }

  onChanged(listener: (states: LineState[]) => void): () => void {
    const offLines = this.lines.onChanged(() => listener(this.states()));
    const offVoicemail = this.voicemail.onChanged(() => listener(this.states()));
    return () => {
      offLines();
      offVoicemail();
    };
  }

  /** Un-SUBSCRIBEs the mailboxes while the lines' flows still exist, then un-REGISTERs. */
  async shutdown(): Promise<void> {
    await this.voicemail.shutdown().catch(() => undefined);
    await this.lines.shutdown();
  }

  private withVoicemail(state: LineState): LineState {
    const voicemail = this.voicemail.voicemail(state.number);
    return voicemail ? { ...state, voicemail } : state;
  }
}
