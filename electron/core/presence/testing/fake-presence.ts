/** A scriptable {@link PresenceController} for service, serve and IPC tests (no SIP engine involved). */
import type { OwnPresence, PresenceSnapshot } from '../../../../shared/presence';
import { ok, type Result } from '../../../../shared/result';
import type { Settings } from '../../../../shared/settings';
import type { PresenceController } from '../../console-service';

export class FakePresence implements PresenceController {
  applied: Settings[] = [];
  activities = 0;
  shutdowns = 0;
  current: PresenceSnapshot = { own: { state: 'available' }, published: { state: 'available' }, lines: [], watchers: [] };
  private readonly listeners = new Set<(snapshot: PresenceSnapshot) => void>();

  apply(settings: Settings): void {
    this.applied.push(settings);
  }

  set(own: OwnPresence): Result<PresenceSnapshot> {
    this.current = { ...this.current, own, published: own };
    for (const listener of this.listeners) listener(this.current);
    return ok(this.current);
  }

  activity(): void {
    this.activities++;
  }

  snapshot(): PresenceSnapshot {
    return this.current;
  }

  onChanged(listener: (snapshot: PresenceSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async shutdown(): Promise<void> {
    this.shutdowns++;
  }
}
