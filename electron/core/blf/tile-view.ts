/**
 * Builds the {@link TileView} the grid shows from a tile's identity and its event sources, through the one rule
 * table in tile-state.ts. Keeps `since` when the state did not change.
 */
import type { DialogRef, TileAction, TileView } from '../../../shared/tiles';
import type { SubscriptionStatus } from '../../sip/usage/subscription/subscription';
import type { TileSource } from './notified-state';
import { computeTileState, type SubStatus } from './tile-state';

export interface TileIdentity {
  id: string;
  name: string;
  uri: string;
  group?: string;
  line: number;
  action: TileAction;
  listId?: string;
  /** A park slot (issue 11). */
  park?: boolean;
}

/** Final responses that mean "this will not work until someone changes the configuration". */
const REFUSED = new Set([403, 404, 489]);

/** Where a subscription stands, in the tile's terms (see SubStatus in tile-state.ts). */
export function subStatusOf(source: TileSource): SubStatus {
  if (source.noLine) return { state: 'no-line', detail: source.status?.reason };
  // RFC 4662 §5.2: a list member has its own instance state inside the list subscription.
  if (source.instanceState === 'terminated') return { state: 'rejected', detail: source.instanceReason ?? 'terminated' };
  if (source.instanceState === 'pending') return { state: 'pending', detail: source.instanceReason };
  return fromStatus(source.status);
}

function fromStatus(status: SubscriptionStatus | undefined): SubStatus {
  if (!status) return { state: 'not-subscribed' };
  const detail = status.sipStatus ? `${status.sipStatus} ${status.reason ?? ''}`.trim() : status.reason;
  switch (status.state) {
    case 'active':
      return { state: 'active' };
    case 'subscribing':
    case 'pending':
      return { state: 'pending', ...(detail ? { detail } : {}) };
    case 'terminated':
      return { state: 'rejected', detail: status.reason ?? 'terminated' };
    case 'failed':
      return { state: status.sipStatus && REFUSED.has(status.sipStatus) ? 'rejected' : 'error', ...(detail ? { detail } : {}) };
    case 'retrying':
      return { state: 'error', ...(detail ? { detail } : {}) };
  }
}

function dialogRef(d: DialogRef): DialogRef {
  const ref: DialogRef = { id: d.id, state: d.state, held: d.held };
  if (d.direction) ref.direction = d.direction;
  if (d.callId) ref.callId = d.callId;
  if (d.localTag) ref.localTag = d.localTag;
  if (d.remoteTag) ref.remoteTag = d.remoteTag;
  if (d.remoteTarget) ref.remoteTarget = d.remoteTarget;
  return ref;
}

export function computeTileView(
  tile: TileIdentity,
  sources: { dialog?: TileSource; presence?: TileSource; reg?: TileSource; mwi?: TileSource },
  previous: TileView | undefined,
  now: number,
): TileView {
  const subscribed: { dialog?: SubStatus; presence?: SubStatus; reg?: SubStatus } = {};
  if (sources.dialog) subscribed.dialog = subStatusOf(sources.dialog);
  if (sources.presence) subscribed.presence = subStatusOf(sources.presence);
  if (sources.reg) subscribed.reg = subStatusOf(sources.reg);
  const dialogs = sources.dialog?.dialogs;
  const result = computeTileState({
    subscribed,
    ...(dialogs && sources.dialog?.status ? { dialog: { dialogs } } : {}),
    ...(sources.presence?.presence ? { presence: sources.presence.presence } : {}),
    ...(sources.reg?.registered !== undefined && sources.reg.status ? { registered: sources.reg.registered } : {}),
  });
  const view: TileView = {
    id: tile.id,
    name: tile.name,
    uri: tile.uri,
    line: tile.line,
    state: result.state,
    since: previous && previous.state === result.state ? previous.since : now,
    dialogs: (dialogs ?? []).map(dialogRef),
    action: tile.action,
  };
  if (tile.group) view.group = tile.group;
  if (tile.listId) view.listId = tile.listId;
  if (tile.park) view.park = true;
  if (result.unknownReason) view.unknownReason = result.unknownReason;
  if (result.detail) view.detail = result.detail;
  if (result.caller) view.caller = result.caller;
  if (result.party) view.party = result.party;
  if (result.presence) view.presence = result.presence;
  if (result.registered !== undefined) view.registered = result.registered;
  // The oldest doubt of either source: the tile is only as fresh as its stalest subscription.
  const stale = [sources.dialog?.staleSince, sources.presence?.staleSince, sources.reg?.staleSince].filter((t): t is number => t !== undefined);
  if (stale.length > 0) view.staleSince = Math.min(...stale);
  // The tile's own message-summary subscription first (issue 12 §6), then a summary some servers send elsewhere.
  const waiting = sources.mwi?.messagesWaiting ?? sources.dialog?.messagesWaiting ?? sources.presence?.messagesWaiting;
  if (waiting !== undefined) view.messagesWaiting = waiting;
  if (waiting && sources.mwi?.messagesNew !== undefined) view.messagesNew = sources.mwi.messagesNew;
  return view;
}
