/**
 * The user-agent core's dialog table (RFC 3261 §12, §12.2.2): every dialog of the stack, keyed by Call-ID + local
 * tag + remote tag, each with the usages it carries (RFC 5057: one dialog may carry an INVITE session and a REFER
 * subscription at once, RFC 6665 §4.5.2). Early dialogs are entries like any other, so the several dialogs of a
 * forked request (same Call-ID and local tag, different remote tags, RFC 3261 §12.1, §13.2.2.4) are told apart.
 *
 * An entry without a remote tag is an early subscription: from the SUBSCRIBE's Call-ID and From tag until the
 * first NOTIFY or 2xx fixes the remote tag ({@link DialogRegistration.confirm}); a NOTIFY may arrive before the 2xx
 * (RFC 6665 §4.1.2.4), from any remote tag. Lookups are nested Map reads (no key string per request): the BLF
 * answers tens of thousands of NOTIFYs a second through here.
 */
import type { SipRequest } from '../message';
import type { ServerTransaction } from '../transaction';
import { routeMatches, routesOverlap, type UsageRoute } from './routing';

/** Which dialog a usage belongs to. Without `remoteTag` it is an early subscription that takes any remote tag. */
export interface DialogKey {
  readonly callId: string;
  /** Our tag: the To tag of requests the peer sends in the dialog. */
  readonly localTag: string;
  /** The peer's tag: the From tag of its requests. */
  readonly remoteTag?: string;
}

/** A usage of a dialog (RFC 5057 §3): the requests it takes, and what it does with them. */
export interface DialogUsage {
  readonly routes: readonly UsageRoute[];
  /** Answers `tx` before it returns (a notifier drops a subscription whose NOTIFY waits). */
  onRequest(request: SipRequest, tx: ServerTransaction): void;
}

/** A usage's place in the table; `remove` is idempotent. */
export interface DialogRegistration {
  /** The key as it stands (the remote tag once confirmed). */
  readonly key: DialogKey;
  /** Fixes the remote tag of an early registration (the first NOTIFY or 2xx); a no-op when already fixed. */
  confirm(remoteTag: string): void;
  remove(): void;
}

/** Two usages of one dialog would take the same requests: a bug in the caller. */
export class RouteConflictError extends Error {
  readonly code = 'route-conflict';
  constructor(key: DialogKey, route: UsageRoute) {
    super(`dialog ${key.callId} already routes ${route.method}${route.event ? ` (Event ${route.event})` : ''} to another usage`);
    this.name = 'RouteConflictError';
  }
}

class Registration implements DialogRegistration {
  removed = false;
  constructor(
    private readonly table: DialogTable,
    public key: DialogKey,
    readonly usage: DialogUsage,
  ) {}

  confirm(remoteTag: string): void {
    if (this.removed || this.key.remoteTag !== undefined) return;
    this.table.detach(this);
    this.key = { callId: this.key.callId, localTag: this.key.localTag, remoteTag };
    this.table.attach(this);
  }

  remove(): void {
    if (this.removed) return;
    this.removed = true;
    this.table.detach(this);
  }
}

/** The dialogs of one Call-ID and local tag: confirmed ones by remote tag, and early subscriptions. */
interface LocalEntry {
  readonly confirmed: Map<string, Registration[]>;
  early: Registration[];
}

function tagOf(params: Record<string, string | null>): string | undefined {
  const tag = params.tag;
  return typeof tag === 'string' ? tag : undefined;
}

function pick(list: readonly Registration[] | undefined, request: SipRequest): DialogUsage | undefined {
  if (list === undefined) return undefined;
  for (const registration of list) for (const route of registration.usage.routes) if (routeMatches(route, request)) return registration.usage;
  return undefined;
}

/** See the file comment. */
export class DialogTable {
  private readonly calls = new Map<string, Map<string, LocalEntry>>();
  private count = 0;

  /** Number of registered usages. */
  get size(): number {
    return this.count;
  }

  /** Adds `usage` to the dialog `key`. Throws {@link RouteConflictError} when another usage there takes its requests. */
  register(key: DialogKey, usage: DialogUsage): DialogRegistration {
    const registration = new Registration(this, { ...key }, usage);
    this.attach(registration);
    return registration;
  }

  /**
   * The usage an in-dialog request goes to: the confirmed dialog of its Call-ID, To tag (ours) and From tag (theirs)
   * first, then an early subscription of that Call-ID and To tag; matched by method and Event (see `routing.ts`).
   */
  find(request: SipRequest): DialogUsage | undefined {
    const entry = this.entry(request);
    if (entry === undefined) return undefined;
    const remoteTag = tagOf(request.from.params);
    return pick(remoteTag === undefined ? undefined : entry.confirmed.get(remoteTag), request) ?? pick(entry.early, request);
  }

  /** Whether the request's dialog exists at all (whatever its usages take): tells "no usage" from "no dialog". */
  knows(request: SipRequest): boolean {
    const entry = this.entry(request);
    if (entry === undefined) return false;
    const remoteTag = tagOf(request.from.params);
    return entry.early.length > 0 || (remoteTag !== undefined && entry.confirmed.has(remoteTag));
  }

  /** Removes every registration (the stack is going away). */
  clear(): void {
    for (const locals of this.calls.values())
      for (const entry of locals.values()) for (const list of [entry.early, ...entry.confirmed.values()]) for (const r of list) r.removed = true;
    this.calls.clear();
    this.count = 0;
  }

  /** @internal Puts a registration in its list, refusing overlapping routes. */
  attach(registration: Registration): void {
    const { callId, localTag, remoteTag } = registration.key;
    let locals = this.calls.get(callId);
    if (!locals) this.calls.set(callId, (locals = new Map()));
    let entry = locals.get(localTag);
    if (!entry) locals.set(localTag, (entry = { confirmed: new Map(), early: [] }));
    let list = remoteTag === undefined ? entry.early : entry.confirmed.get(remoteTag);
    if (!list) entry.confirmed.set(remoteTag!, (list = []));
    for (const other of list)
      for (const route of registration.usage.routes)
        if (other.usage.routes.some((r) => routesOverlap(r, route))) {
          this.prune(callId, localTag);
          throw new RouteConflictError(registration.key, route);
        }
    list.push(registration);
    this.count++;
  }

  /** @internal Takes a registration out of its list, dropping emptied entries. */
  detach(registration: Registration): void {
    const { callId, localTag, remoteTag } = registration.key;
    const entry = this.calls.get(callId)?.get(localTag);
    const list = remoteTag === undefined ? entry?.early : entry?.confirmed.get(remoteTag);
    const at = list?.indexOf(registration) ?? -1;
    if (at < 0) return;
    list!.splice(at, 1);
    this.count--;
    this.prune(callId, localTag);
  }

  private prune(callId: string, localTag: string): void {
    const locals = this.calls.get(callId);
    const entry = locals?.get(localTag);
    if (!locals || !entry) return;
    for (const [tag, list] of entry.confirmed) if (list.length === 0) entry.confirmed.delete(tag);
    if (entry.early.length > 0 || entry.confirmed.size > 0) return;
    locals.delete(localTag);
    if (locals.size === 0) this.calls.delete(callId);
  }

  private entry(request: SipRequest): LocalEntry | undefined {
    const localTag = tagOf(request.to.params);
    return localTag === undefined ? undefined : this.calls.get(request.callId)?.get(localTag);
  }
}
