/**
 * A system-wide shortcut that answers the ringing call while another application has the focus (issue 12 §7),
 * setting `desktop.answerShortcut` (default `CommandOrControl+Shift+F9`, `''` = none). It is deliberately not the
 * in-window Ctrl+Shift+A: a global shortcut takes its keys from every application, and Ctrl+Shift+A is common there
 * (browser tab search, editors). It answers the longest-ringing incoming call — the one the banner shows first —
 * through the contract's `calls.answer`, and brings the window up. A shortcut another program holds, or one the
 * OS refuses, is logged and reported by {@link AnswerShortcut.status}, never thrown.
 */
import type { GlobalShortcut } from 'electron';
import type { CallView } from '../../shared/calls';
import { acceleratorProblem } from '../../shared/desktop-validate';
import type { Result } from '../../shared/result';

export interface AnswerShortcutDeps {
  globalShortcut: Pick<GlobalShortcut, 'register' | 'unregister'>;
  /** The current calls (the snapshot's `calls`). */
  calls(): readonly CallView[];
  /** Answers through the contract's `calls.answer`. */
  answer(call: string): Promise<Result<unknown>>;
  showWindow(): void;
  log(message: string): void;
}

/** What became of the configured shortcut. */
export type ShortcutStatus =
  | { state: 'off' }
  | { state: 'registered'; accelerator: string }
  | { state: 'failed'; accelerator: string; reason: string };

/** The call the shortcut answers: the incoming call ringing longest, as the in-app answer key picks it. */
export function callToAnswer(calls: readonly CallView[]): CallView | undefined {
  return calls
    .filter((call) => call.direction === 'incoming' && call.state === 'ringing' && call.pending === undefined)
    .sort((a, b) => a.startedAt - b.startedAt)[0];
}

/** Holds at most one registered global shortcut, the configured one. */
export class AnswerShortcut {
  private current: ShortcutStatus = { state: 'off' };

  constructor(private readonly deps: AnswerShortcutDeps) {}

  get status(): ShortcutStatus {
    return this.current;
  }

  /**
   * Registers `accelerator` (`''`: none) in place of the previous one. A registered shortcut that is unchanged stays
   * as it is; one that failed is tried again (the program holding it may have quit since).
   */
  apply(accelerator: string): ShortcutStatus {
    const before = this.current;
    if (before.state === 'registered' && before.accelerator === accelerator) return before;
    if (before.state === 'off' && accelerator === '') return before;
    this.release();
    if (accelerator === '') return this.current;
    const problem = acceleratorProblem(accelerator);
    if (problem) return this.fail(accelerator, `the shortcut ${problem}`);
    let registered: boolean;
    try {
      registered = this.deps.globalShortcut.register(accelerator, () => this.press());
    } catch (err) {
      return this.fail(accelerator, err instanceof Error ? err.message : String(err));
    }
    // Electron answers false when another application already holds the keys.
    if (!registered) return this.fail(accelerator, 'another application uses it');
    this.current = { state: 'registered', accelerator };
    return this.current;
  }

  /** Unregisters the shortcut (on quit: the OS would otherwise keep it until the process is gone). */
  dispose(): void {
    this.release();
  }

  /** What a press does; public for the tests. */
  press(): void {
    const call = callToAnswer(this.deps.calls());
    if (!call) return;
    this.deps.showWindow();
    void this.deps.answer(call.id).then(
      (result) => {
        if (!result.ok) this.deps.log(`Answer shortcut: ${result.error.message}`);
      },
      (err: unknown) => this.deps.log(`Answer shortcut: ${err instanceof Error ? err.message : String(err)}`),
    );
  }

  private release(): void {
    const before = this.current;
    this.current = { state: 'off' };
    if (before.state === 'registered') this.deps.globalShortcut.unregister(before.accelerator);
  }

  private fail(accelerator: string, reason: string): ShortcutStatus {
    this.deps.log(`The answer shortcut ${accelerator} is not available: ${reason}`);
    this.current = { state: 'failed', accelerator, reason };
    return this.current;
  }
}
