/**
 * Per-subscription dialog-info state with RFC 4235 §4.1.2 version ordering. One tracker per dialog subscription (or
 * per list member); a new subscription dialog starts a new version space, so the owner calls {@link reset}.
 *
 * Decisions:
 * - A document whose version is not newer than the last applied one is stale and ignored (duplicates, reordering —
 *   tile correctness rests on `version`, never on arrival order).
 * - A partial document after a gap (version > last + 1), or before any full state, is **applied** and flagged
 *   `needFullState` so the caller refreshes the subscription (RFC 4235 §4.1.2). Applying it shows the newest
 *   knowledge of the dialogs it names at once (a ringing call is visible without waiting for the refresh); the full
 *   state that follows replaces everything anyway.
 * - Version -1 is how the parser reports an empty body (RFC 4235 §4: no state = idle): all dialogs go and the
 *   version space restarts.
 * - `terminated` dialogs are removed from the state (reported once in `ended`), whether a partial or a full document
 *   carries them — Kamailio keeps ended calls in its documents as `terminated` for 10–15 s, and they must not show
 *   busy. A dialog with a call-id that ended stays ended: a later `early`/`confirmed` for the same id and call-id (a
 *   server bug seen in the wild, or two notifier workers racing) is ignored, because `terminated` is final in the
 *   RFC 4235 §3.7.1 state machine. Dialogs without a call-id (Asterisk, whose dialog id is the extension and is reused
 *   for every call) are exempt.
 */
import type { DialogInfoDialog, DialogInfoDocument } from '../../sip/event-bodies/types';
import { detachedString } from '../../sip/message/detached-string';

/** Version the parser gives an empty body (no `<dialog-info>` at all). */
export const EMPTY_BODY_VERSION = -1;

/**
 * How many ended call-ids one tracker remembers to refuse resurrections. A resurrection comes within the 10–15 s a
 * notifier keeps a terminated dialog in its documents; no extension ends 32 calls in that time. The memory is per
 * tracker, so a 1,000-extension panel holds up to 32,000 of them (~4 MB): 128 made ~16 MB, which the hour-long soak
 * showed as RSS still growing after an hour (issue 13).
 */
export const ENDED_MEMORY = 32;

export interface DialogTrackResult {
  /** False when the document was stale and ignored. */
  accepted: boolean;
  /** A partial document arrived after a gap or before any full state: refresh the subscription. */
  needFullState: boolean;
  /** The live (not terminated) dialogs after this document, in first-seen order. */
  dialogs: DialogInfoDialog[];
  /** Dialogs this document ended (terminated or, in full state, no longer listed). */
  ended: DialogInfoDialog[];
}

export class DialogTracker {
  private version: number | undefined;
  private current = new Map<string, DialogInfoDialog>();
  private readonly endedCalls = new Set<string>();

  /** Version of the last applied document; undefined before the first one or after a reset. */
  get lastVersion(): number | undefined {
    return this.version;
  }

  /** The live dialogs. */
  get dialogs(): DialogInfoDialog[] {
    return [...this.current.values()];
  }

  /** Forgets everything: a new subscription dialog counts versions from scratch (RFC 4235 §4.1.2). */
  reset(): void {
    this.version = undefined;
    this.current.clear();
    this.endedCalls.clear();
  }

  apply(doc: DialogInfoDocument): DialogTrackResult {
    if (doc.version === EMPTY_BODY_VERSION) {
      const ended = this.dialogs;
      this.reset();
      return { accepted: true, needFullState: false, dialogs: [], ended };
    }
    if (this.version !== undefined && doc.version <= this.version)
      return { accepted: false, needFullState: false, dialogs: this.dialogs, ended: [] };
    const needFullState =
      doc.state === 'partial' && (this.version === undefined || doc.version > this.version + 1);
    this.version = doc.version;
    const ended = doc.state === 'full' ? this.replace(doc.dialogs) : this.merge(doc.dialogs);
    return { accepted: true, needFullState, dialogs: this.dialogs, ended };
  }

  private replace(dialogs: DialogInfoDialog[]): DialogInfoDialog[] {
    const previous = this.current;
    this.current = new Map();
    const ended: DialogInfoDialog[] = [];
    for (const dialog of dialogs) {
      if (dialog.state === 'terminated') {
        this.remember(dialog);
        if (previous.has(dialog.id)) ended.push(dialog);
      } else if (!this.resurrected(dialog)) this.current.set(dialog.id, dialog);
    }
    for (const [id, dialog] of previous)
      if (!this.current.has(id) && !ended.some((d) => d.id === id)) ended.push(dialog);
    return ended;
  }

  private merge(dialogs: DialogInfoDialog[]): DialogInfoDialog[] {
    const ended: DialogInfoDialog[] = [];
    for (const dialog of dialogs) {
      if (dialog.state === 'terminated') {
        this.remember(dialog);
        if (this.current.delete(dialog.id)) ended.push(dialog);
      } else if (!this.resurrected(dialog)) this.current.set(dialog.id, dialog);
    }
    return ended;
  }

  private remember(dialog: DialogInfoDialog): void {
    if (!dialog.callId) return;
    // Detached: built from the body's attributes, the key would otherwise keep the whole body text alive (V8 slices
    // and ropes) for as long as it is remembered — ~0.5 KB a call instead of ~0.1 KB.
    const key = detachedString(`${dialog.id}\n${dialog.callId}`);
    this.endedCalls.delete(key);
    this.endedCalls.add(key);
    if (this.endedCalls.size > ENDED_MEMORY) {
      const oldest = this.endedCalls.values().next().value;
      if (oldest !== undefined) this.endedCalls.delete(oldest);
    }
  }

  private resurrected(dialog: DialogInfoDialog): boolean {
    return !!dialog.callId && this.endedCalls.has(`${dialog.id}\n${dialog.callId}`);
  }
}
