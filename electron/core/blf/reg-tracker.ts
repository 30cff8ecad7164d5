/**
 * Per-subscription registration state of one AoR (the `reg` event package, RFC 3680) with the §5.3 rules for
 * building coherent state from full and partial documents. One tracker per `reg` subscription; a new subscription
 * dialog starts a new version space, so the owner calls {@link RegTracker.reset}.
 *
 * Decisions:
 * - A document whose version is below the last applied one is stale and ignored (RFC 3680 §5.3).
 * - A version equal to the last one is ignored too, except a **full** document in a NOTIFY sent later in the dialog
 *   (higher CSeq, RFC 3261 §12.2.2 orders them): some notifiers republish the whole document without counting
 *   (a full state replaces everything, so applying it is safe).
 * - A partial document after a gap (version > last + 1) or before any full state is applied and flagged
 *   `needFullState`, so the caller refreshes the subscription (RFC 3680 §5.3 asks for a refresh to get full state).
 * - Terminated contacts are removed; a registration counts as registered while it is not `terminated`/`init` and
 *   has at least one active contact (RFC 3680 §5.1: `active` means at least one binding).
 */
import type { RegContact, RegInfoDocument, Registration } from '../../sip/event-bodies/types';

export interface RegTrackResult {
  /** False when the document was stale and ignored. */
  accepted: boolean;
  /** A partial document arrived after a gap or before any full state: refresh the subscription. */
  needFullState: boolean;
}

interface KnownRegistration {
  aor: string;
  state: Registration['state'];
  contacts: Map<string, RegContact>;
}

export class RegTracker {
  private version: number | undefined;
  private cseq = -1;
  private readonly registrations = new Map<string, KnownRegistration>();

  /** Version of the last applied document; undefined before the first one or after a reset. */
  get lastVersion(): number | undefined {
    return this.version;
  }

  /** Forgets everything: a new subscription dialog counts versions from scratch (RFC 3680 §5.3). */
  reset(): void {
    this.version = undefined;
    this.cseq = -1;
    this.registrations.clear();
  }

  /** Applies one document; `cseq` is its NOTIFY's CSeq (-1 when unknown). */
  apply(doc: RegInfoDocument, cseq = -1): RegTrackResult {
    const last = this.version;
    if (last !== undefined) {
      const republished = doc.version === last && doc.state === 'full' && cseq > this.cseq;
      if (doc.version < last || (doc.version === last && !republished)) return { accepted: false, needFullState: false };
    }
    const needFullState = doc.state === 'partial' && (last === undefined || doc.version > last + 1);
    if (doc.state === 'full') this.registrations.clear();
    for (const registration of doc.registrations) this.merge(registration);
    this.version = doc.version;
    if (cseq > this.cseq) this.cseq = cseq;
    return { accepted: true, needFullState };
  }

  /**
   * True when an AoR of the document has an active binding, false when the notifier told of registrations and none
   * has one, undefined before any document (nothing is known yet).
   */
  registered(): boolean | undefined {
    if (this.version === undefined) return undefined;
    for (const registration of this.registrations.values()) if (isRegistered(registration)) return true;
    return false;
  }

  /** Active contact URIs (for diagnostics and tooltips). */
  activeContacts(): string[] {
    const out: string[] = [];
    for (const registration of this.registrations.values())
      for (const contact of registration.contacts.values())
        if (contact.state === 'active') out.push(contact.uri ?? contact.id);
    return out;
  }

  /** RFC 3680 §5.3: registrations match by id; contacts by id inside them; terminated contacts are removed. */
  private merge(registration: Registration): void {
    let known = this.registrations.get(registration.id);
    if (!known) {
      known = { aor: registration.aor, state: registration.state, contacts: new Map() };
      this.registrations.set(registration.id, known);
    }
    known.state = registration.state;
    for (const contact of registration.contacts) {
      if (contact.state === 'terminated') known.contacts.delete(contact.id);
      else known.contacts.set(contact.id, contact);
    }
    // A terminated registration has no bindings left (RFC 3680 §5.1), whatever contacts the document omitted.
    if (registration.state === 'terminated') known.contacts.clear();
  }
}

function isRegistered(registration: KnownRegistration): boolean {
  if (registration.state !== 'active') return false;
  for (const contact of registration.contacts.values()) if (contact.state === 'active') return true;
  return false;
}
