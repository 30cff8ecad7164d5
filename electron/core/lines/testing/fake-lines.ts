/** A scriptable {@link LinesController} for service, serve and IPC tests (no SIP engine involved). */
import type { LineState } from '../../../../shared/lines';
import type { Result } from '../../../../shared/result';
import { fail, ok } from '../../../../shared/result';
import type { Settings } from '../../../../shared/settings';
import type { LinesController } from '../../console-service';

export class FakeLines implements LinesController {
  applied: Settings[] = [];
  reregistered: number[] = [];
  shutdowns = 0;
  /** What `shutdown()` returns; a never-settling promise simulates a dead registrar. */
  shutdownResult: () => Promise<void> = () => Promise.resolve();
  private current: LineState[] = [];
  private readonly listeners = new Set<(states: LineState[]) => void>();

  apply(settings: Settings): void {
    this.applied.push(settings);
    this.current = settings.lines.map((l, i) => ({
      number: i + 1,
      id: l.id,
      displayName: l.displayName,
      aor: `sip:${l.user}@${l.domain}`,
      transport: l.transport,
      enabled: l.enabled,
      isDefault: settings.defaultLine === i + 1,
      status: 'registering',
    }));
    this.emit();
  }

  states(): LineState[] {
    return this.current;
  }

  reregister(line: number): Result<LineState> {
    const state = this.current[line - 1];
    if (!state) return fail('not-found', `There is no line ${line}`);
    this.reregistered.push(line);
    return ok(state);
  }

  onChanged(listener: (states: LineState[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  shutdown(): Promise<void> {
    this.shutdowns++;
    return this.shutdownResult();
  }

  /** Simulates a registration outcome. */
  setStatus(line: number, status: LineState['status']): void {
    this.current = this.current.map((s) => (s.number === line ? { ...s, status } : s));
    this.emit();
  }

  private emit(): void {
    for (const l of this.listeners) l(this.current);
  }
}
