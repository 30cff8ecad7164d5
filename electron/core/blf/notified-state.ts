/**
 * What one SIP subscription knows (issue 3 §4): its status, the dialogs of the watched extension (with RFC 4235
 * version ordering), its presence, waiting messages, and — for a resource list — the same per list member.
 */
import type { PresenceInfo, WatchEvent } from '../../../shared/tiles';
import type { DialogInfoDialog, DialogInfoDocument, EventBody, RlmiResource } from '../../sip/event-bodies/types';
import type { Subscription, SubscriptionStatus } from '../../sip/usage/subscription/subscription';
import { DialogTracker } from './dialog-tracker';
import { RegTracker } from './reg-tracker';

/** Everything a tile needs from one event source. */
export interface TileSource {
  /** Undefined while nothing was subscribed yet. */
  status: SubscriptionStatus | undefined;
  /** True when the tile's line does not exist or is disabled. */
  noLine?: boolean;
  /** Epoch ms since when the state may be out of date (line down, or subscription being renewed). */
  staleSince?: number;
  dialogs?: DialogInfoDialog[];
  presence?: PresenceInfo;
  messagesWaiting?: boolean;
  /** New voice messages of a `message-summary` body with counts (RFC 3842 §5.2). */
  messagesNew?: number;
  /** `reg` event (RFC 3680): an active binding exists; undefined until the first body. */
  registered?: boolean;
  /** Set for a list member: its instance state in the RLMI (RFC 4662 §5.2). */
  instanceState?: 'active' | 'pending' | 'terminated';
  instanceReason?: string;
}

export interface ListMember {
  uri: string;
  name: string;
  tracker: DialogTracker;
  /** Undefined until a dialog-info body for this member arrived. */
  dialogs?: DialogInfoDialog[];
  presence?: PresenceInfo;
  instanceState?: 'active' | 'pending' | 'terminated';
  instanceReason?: string;
}

/** How far a version may fall back before it counts as a notifier starting over rather than a race. */
export const VERSION_REORDER_WINDOW = 4;

export interface ApplyOutcome {
  /** A gap in partial state: refresh the subscription to get full state (RFC 4235 §4.1.2, RFC 4662 §5.2). */
  needFullState: boolean;
  problem?: string;
  /**
   * The body's version fell back although its NOTIFY came later in the dialog (higher CSeq): the notifier counts
   * versions afresh, so it lost its state (a restart). The body was applied as the start of the new count.
   */
  versionReset?: string;
}

export class SubscriptionState {
  subscription: Subscription | undefined;
  status: SubscriptionStatus | undefined;
  noLine = false;
  /** Bumped for every new Subscription object, so late bodies of a replaced one are dropped. */
  generation = 0;
  /**
   * Identifies the subscription dialog bodies now come from, unique across all subscriptions (set by the owner when a
   * new dialog starts). A new dialog starts a new version space (RFC 4235 §4.1.2, RFC 4662 §5.2), so bodies are
   * queued per dialog and those of an earlier dialog are never compared with, nor applied after, the new one's.
   */
  dialogEpoch = 0;
  /** Epoch ms since when this subscription's state is in doubt; cleared by the first NOTIFY after {@link staleAfter}. */
  staleSince: number | undefined;
  /** Arrival number (owner's NOTIFY counter) when the entry went stale: only later NOTIFYs are fresh state. */
  staleAfter = 0;
  /** CSeq of the NOTIFY whose body was applied last, to tell a version reset from reordering. */
  private appliedCseq = -1;
  private readonly tracker = new DialogTracker();
  /** Undefined until the first dialog-info body: no data is not the same as idle. */
  private dialogs: DialogInfoDialog[] | undefined;
  private presence: PresenceInfo | undefined;
  private messagesWaiting: boolean | undefined;
  private messagesNew: number | undefined;
  /** The last `reg` NOTIFY had no body: no registration known to the notifier. */
  private registeredEmpty = false;
  private readonly regTracker = new RegTracker();
  private listVersion = -1;
  readonly members = new Map<string, ListMember>();

  constructor(
    readonly key: string,
    readonly event: WatchEvent,
    readonly uri: string,
    readonly line: number,
    readonly eventList: boolean,
    readonly lineToken: object | undefined,
  ) {}

  /** Forgets version numbers: a new subscription dialog counts versions from scratch. */
  resetVersions(): void {
    this.appliedCseq = -1;
    this.tracker.reset();
    this.regTracker.reset();
    this.listVersion = -1;
    for (const member of this.members.values()) member.tracker.reset();
  }

  /**
   * A NOTIFY without a body (RFC 6665 §4.1.3 allows it). For dialog it means no dialogs: idle (RFC 4235 §4.1; Kamailio
   * sends it for an extension that never had a call). For presence it means nothing is known (Kamailio: never
   * published), so any earlier presence is dropped.
   */
  applyEmpty(): ApplyOutcome {
    if (this.event === 'dialog') return this.applyBody({ type: 'dialog-info', entity: '', version: -1, state: 'full', dialogs: [] });
    // Kamailio's presence_reginfo sends no body when nothing was PUBLISHed for the AoR: pua_reginfo publishes every
    // binding saved, so no document means no binding since the server started (RFC 3680 §5.1 would say `init`).
    if (this.event === 'reg') {
      this.regTracker.reset();
      this.registeredEmpty = true;
      return { needFullState: false };
    }
    this.presence = undefined;
    return { needFullState: false };
  }

  /** Applies a parsed body; `cseq` (the NOTIFY's) tells a notifier that counts versions afresh from reordering. */
  applyBody(body: EventBody, cseq = -1): ApplyOutcome {
    const reset = this.versionReset(body, cseq);
    if (reset) this.resetVersions();
    const outcome = this.applyParsed(body, cseq);
    if (cseq > this.appliedCseq) this.appliedCseq = cseq;
    return reset ? { ...outcome, versionReset: reset } : outcome;
  }

  /**
   * RFC 4235 §4.1.2, RFC 3680 §5.3 and RFC 4662 §5.2: versions only grow within a subscription. A much lower version
   * in a NOTIFY sent after the last applied one (higher CSeq, RFC 3261 §12.2.2) is not reordering: the notifier
   * restarted its count. A small step back is not enough: parallel notifier workers (Kamailio) may number and send in a different
   * order, and such a body is merely stale.
   */
  private versionReset(body: EventBody, cseq: number): string | undefined {
    if (cseq < 0 || cseq <= this.appliedCseq) return undefined;
    const last = body.type === 'dialog-info' ? this.tracker.lastVersion : body.type === 'reginfo' ? this.regTracker.lastVersion : body.type === 'resource-list' && this.listVersion >= 0 ? this.listVersion : undefined;
    if (last === undefined || (body.type !== 'dialog-info' && body.type !== 'resource-list' && body.type !== 'reginfo')) return undefined;
    if (body.version < 0 || body.version + VERSION_REORDER_WINDOW >= last) return undefined;
    return `${body.type} version fell from ${last} to ${body.version} for ${this.uri}`;
  }

  private applyParsed(body: EventBody, cseq: number): ApplyOutcome {
    switch (body.type) {
      case 'reginfo': {
        if (this.event !== 'reg') return { needFullState: false, problem: 'reginfo body on a non-reg subscription' };
        // A stale document (RFC 3680 §5.3) is dropped silently, like a stale dialog-info version.
        const result = this.regTracker.apply(body, cseq);
        if (result.accepted) this.registeredEmpty = false;
        return { needFullState: result.needFullState };
      }
      case 'dialog-info':
        return this.applyDialogInfo(this.tracker, body, (dialogs) => (this.dialogs = dialogs));
      case 'presence':
        this.presence = body.presence;
        return { needFullState: false };
      case 'message-summary':
        this.messagesWaiting = body.waiting;
        this.messagesNew = body.voice?.new;
        return { needFullState: false };
      case 'resource-list':
        return this.applyList(body);
      case 'watcherinfo':
        return { needFullState: false, problem: 'watcherinfo body on a dialog/presence subscription' };
    }
  }

  source(): TileSource {
    return {
      status: this.status,
      noLine: this.noLine,
      dialogs: this.dialogs,
      presence: this.presence,
      messagesWaiting: this.messagesWaiting,
      ...(this.messagesNew !== undefined ? { messagesNew: this.messagesNew } : {}),
      ...(this.event === 'reg' ? this.registration() : {}),
      ...(this.staleSince !== undefined ? { staleSince: this.staleSince } : {}),
    };
  }

  private registration(): { registered?: boolean } {
    const registered = this.registeredEmpty ? false : this.regTracker.registered();
    return registered === undefined ? {} : { registered };
  }

  memberSource(member: ListMember): TileSource {
    return {
      status: this.status,
      noLine: this.noLine,
      dialogs: member.dialogs,
      presence: member.presence,
      instanceState: member.instanceState,
      instanceReason: member.instanceReason,
      ...(this.staleSince !== undefined ? { staleSince: this.staleSince } : {}),
    };
  }

  async stop(): Promise<void> {
    this.generation++;
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.stop();
  }

  private applyDialogInfo(tracker: DialogTracker, doc: DialogInfoDocument, set: (dialogs: DialogInfoDialog[]) => void): ApplyOutcome {
    const result = tracker.apply(doc);
    if (result.accepted) set(result.dialogs);
    return { needFullState: result.needFullState };
  }

  /** RFC 4662 §5.2: full state replaces the member list; partial state updates only the resources it names. */
  private applyList(list: Extract<EventBody, { type: 'resource-list' }>): ApplyOutcome {
    if (this.listVersion >= 0 && list.version <= this.listVersion) return { needFullState: false, problem: `stale list version ${list.version}` };
    const gap = !list.fullState && this.listVersion >= 0 && list.version > this.listVersion + 1;
    if (!list.fullState && this.listVersion < 0) return { needFullState: true, problem: 'partial list state before any full state' };
    this.listVersion = list.version;
    if (list.fullState) {
      const keep = new Set(list.resources.map((r) => r.uri));
      for (const uri of [...this.members.keys()]) if (!keep.has(uri)) this.members.delete(uri);
    }
    const problems: string[] = [];
    for (const resource of list.resources) {
      const member = this.member(resource);
      member.instanceState = resource.state;
      member.instanceReason = resource.reason;
      if (resource.problem) problems.push(`${resource.uri}: ${resource.problem}`);
      const body = resource.body;
      if (body?.type === 'dialog-info') this.applyDialogInfo(member.tracker, body, (dialogs) => (member.dialogs = dialogs));
      else if (body?.type === 'presence') member.presence = body.presence;
      else if (!body && resource.state === 'terminated') {
        member.dialogs = [];
        member.presence = undefined;
      }
    }
    return { needFullState: gap, problem: problems.length ? problems.join('; ') : undefined };
  }

  private member(resource: RlmiResource): ListMember {
    let member = this.members.get(resource.uri);
    const name = resource.names.find((n) => !n.lang || n.lang.startsWith('en'))?.text ?? resource.names[0]?.text ?? '';
    if (!member) {
      member = { uri: resource.uri, name, tracker: new DialogTracker() };
      this.members.set(resource.uri, member);
    } else if (name) member.name = name;
    return member;
  }
}

