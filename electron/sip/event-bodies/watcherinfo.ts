/**
 * `application/watcherinfo+xml` (RFC 3858), the body of `presence.winfo` NOTIFYs (RFC 3857): who subscribes to the
 * own presence and in which state. A pure parser that never throws, plus {@link applyWatcherInfo}, which folds full
 * and partial documents into the subscriber's table with the version rules of RFC 3858 §4. Reads XML through the
 * folder's strict reader (`xml-tree.ts`).
 */
import type {
  BodyResult,
  Watcher,
  WatcherEvent,
  WatcherInfoDocument,
  WatcherList,
  WatcherStatus,
} from './types';
import { attr, bodyText, children, parseXmlRoot, text, type XmlNode } from './xml-tree';

const STATUSES: ReadonlySet<string> = new Set<WatcherStatus>(['pending', 'active', 'waiting', 'terminated']);
const EVENTS: ReadonlySet<string> = new Set<WatcherEvent>([
  'subscribe',
  'approved',
  'deactivated',
  'probation',
  'rejected',
  'timeout',
  'giveup',
  'noresource',
]);
const DECIMAL_RE = /^\d+$/;

/**
 * Parses a watcherinfo document.
 *
 * - `version` (RFC 3858 §3) must be a non-negative integer, or the document is refused: it cannot be ordered.
 * - A missing or unknown root `state` reads as `full` with a warning (as for dialog-info: the notifier sent
 *   everything it has).
 * - An empty body is refused: it carries no version and no watchers, so there is nothing to apply.
 * - A `<watcher>` without an `id` uses its URI as id (older Kamailio releases derived the id from the URI), with a
 *   warning; one without a URI is dropped with a warning, since nobody could be shown.
 * - A missing or unknown `status` reads as `pending` with a warning: the subscription exists, and pending claims
 *   the least about it. Unknown `event` values and malformed numbers are dropped with a warning.
 * - Values are matched case-insensitively; Kamailio always sends `event="subscribe"`, whatever the status.
 */
export function parseWatcherInfo(body: Uint8Array | string): BodyResult<WatcherInfoDocument> {
  try {
    return parse(bodyText(body));
  } catch (err) {
    return { ok: false, reason: `watcherinfo: ${err instanceof Error ? err.message : String(err)}` };
  }
}

function parse(source: string): BodyResult<WatcherInfoDocument> {
  if (source.trim() === '') return { ok: false, reason: 'watcherinfo: empty body' };
  const root = parseXmlRoot(source, 'watcherinfo');
  if (!root.ok) return root;
  if (root.name !== 'watcherinfo') {
    return { ok: false, reason: `watcherinfo: root element is <${root.name}>, expected <watcherinfo>` };
  }
  const rawVersion = attr(root.node, 'version');
  if (rawVersion === undefined) return { ok: false, reason: 'watcherinfo: missing version attribute' };
  const version = DECIMAL_RE.test(rawVersion.trim()) ? Number(rawVersion.trim()) : Number.NaN;
  if (!Number.isSafeInteger(version)) {
    return { ok: false, reason: `watcherinfo: invalid version attribute "${clip(rawVersion)}"` };
  }
  const warnings: string[] = [];
  const lists = children(root.node, 'watcher-list').map((node, index) => readList(node, index, warnings));
  return {
    ok: true,
    value: { type: 'watcherinfo', version, state: readDocState(root.node, warnings), lists },
    warnings,
  };
}

function readDocState(node: XmlNode, warnings: string[]): 'full' | 'partial' {
  const raw = attr(node, 'state');
  const state = raw?.trim().toLowerCase();
  if (state === 'full' || state === 'partial') return state;
  warnings.push(
    raw === undefined
      ? 'watcherinfo: missing state attribute, read as full'
      : `watcherinfo: unknown state "${clip(raw)}", read as full`,
  );
  return 'full';
}

function readList(node: XmlNode, index: number, warnings: string[]): WatcherList {
  const where = `watcherinfo: watcher-list #${index + 1}`;
  const resource = attr(node, 'resource')?.trim() ?? '';
  const pkg = attr(node, 'package')?.trim() ?? '';
  if (resource === '') warnings.push(`${where} has no resource attribute`);
  if (pkg === '') warnings.push(`${where} has no package attribute`);
  const watchers: Watcher[] = [];
  children(node, 'watcher').forEach((w, i) => {
    const watcher = readWatcher(w, `${where}, watcher #${i + 1}`, warnings);
    if (watcher) watchers.push(watcher);
  });
  return { resource, package: pkg, watchers };
}

function readWatcher(node: XmlNode, where: string, warnings: string[]): Watcher | undefined {
  const uri = text(node) ?? '';
  if (uri === '') {
    warnings.push(`${where} has no URI, dropped`);
    return undefined;
  }
  let id = attr(node, 'id')?.trim() ?? '';
  if (id === '') {
    id = uri;
    warnings.push(`${where} has no id attribute, using its URI`);
  }
  const rawStatus = attr(node, 'status');
  const statusLower = rawStatus?.trim().toLowerCase() ?? '';
  let status: WatcherStatus = 'pending';
  if (STATUSES.has(statusLower)) status = statusLower as WatcherStatus;
  else
    warnings.push(
      rawStatus === undefined
        ? `${where} has no status, read as pending`
        : `${where}: unknown status "${clip(rawStatus)}", read as pending`,
    );
  const watcher: Watcher = { id, uri, status };
  const rawEvent = attr(node, 'event');
  const event = rawEvent?.trim().toLowerCase();
  if (event !== undefined && EVENTS.has(event)) watcher.event = event as WatcherEvent;
  else if (rawEvent !== undefined) warnings.push(`${where}: unknown event "${clip(rawEvent)}" ignored`);
  const displayName = attr(node, 'display-name')?.trim();
  if (displayName) watcher.displayName = displayName;
  const duration = readSeconds(node, 'duration-subscribed', where, warnings);
  if (duration !== undefined) watcher.durationSubscribed = duration;
  const expiration = readSeconds(node, 'expiration', where, warnings);
  if (expiration !== undefined) watcher.expiration = expiration;
  return watcher;
}

function readSeconds(node: XmlNode, name: string, where: string, warnings: string[]): number | undefined {
  const raw = attr(node, name);
  if (raw === undefined) return undefined;
  const value = DECIMAL_RE.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (Number.isSafeInteger(value)) return value;
  warnings.push(`${where}: invalid ${name} "${clip(raw)}" ignored`);
  return undefined;
}

function clip(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

/** The subscriber's watcher table for one `presence.winfo` subscription (RFC 3858 §4). */
export interface WatcherInfoState {
  version: number;
  lists: WatcherList[];
}

/** What {@link applyWatcherInfo} did with a document. */
export interface WatcherInfoApplyResult {
  /** The table after the document; `prev` itself (unchanged) when the document was stale. */
  state: WatcherInfoState | undefined;
  /** False when the document was not newer than the table and was ignored. */
  accepted: boolean;
  /** A partial document arrived after a gap or before any full state: refresh the subscription for full state. */
  needFullState: boolean;
  /** Watchers this document ended: reported `terminated`, or (full state) no longer listed. */
  ended: Watcher[];
}

/**
 * Folds `doc` into `prev` without mutating either (RFC 3858 §4):
 * - A document whose version is not above the table's is stale and ignored (duplicates, reordered NOTIFYs).
 * - Full state replaces the table. Partial state updates the lists it names, watcher by watcher `id`: a known id is
 *   replaced, a new one added, and watchers it does not mention are kept.
 * - A partial document after a gap (version > last + 1), or before any full state, is applied and flagged
 *   `needFullState`, as the dialog tracker does: its news is shown at once and the full state that the refresh
 *   brings replaces everything anyway.
 * - A `terminated` watcher no longer watches, so it leaves the table (and is reported in `ended` if it was in it).
 * A new subscription dialog starts a new version space: the caller passes `undefined` as `prev` then.
 */
export function applyWatcherInfo(
  prev: WatcherInfoState | undefined,
  doc: WatcherInfoDocument,
): WatcherInfoApplyResult {
  if (prev !== undefined && doc.version <= prev.version) {
    return { state: prev, accepted: false, needFullState: false, ended: [] };
  }
  const needFullState = doc.state === 'partial' && (prev === undefined || doc.version > prev.version + 1);
  const ended: Watcher[] = [];
  const endedKeys = new Set<string>();
  const end = (key: string, watcher: Watcher): void => {
    if (endedKeys.has(`${key}\n${watcher.id}`)) return;
    endedKeys.add(`${key}\n${watcher.id}`);
    ended.push(watcher);
  };
  const previous = new Map((prev?.lists ?? []).map((l) => [listKey(l), l]));
  const next = new Map<string, WatcherList>(doc.state === 'full' ? [] : previous);
  for (const incoming of doc.lists) {
    const key = listKey(incoming);
    const known = new Set((previous.get(key)?.watchers ?? []).map((w) => w.id));
    // Several lists for the same resource and package in one document add up.
    const merged = new Map((next.get(key)?.watchers ?? []).map((w) => [w.id, w]));
    for (const watcher of incoming.watchers) {
      if (watcher.status !== 'terminated') merged.set(watcher.id, watcher);
      else {
        merged.delete(watcher.id);
        if (known.has(watcher.id)) end(key, watcher);
      }
    }
    next.set(key, { resource: incoming.resource, package: incoming.package, watchers: [...merged.values()] });
  }
  if (doc.state === 'full') {
    for (const [key, list] of previous) {
      const still = new Set((next.get(key)?.watchers ?? []).map((w) => w.id));
      for (const watcher of list.watchers) if (!still.has(watcher.id)) end(key, watcher);
    }
  }
  return {
    state: { version: doc.version, lists: [...next.values()] },
    accepted: true,
    needFullState,
    ended,
  };
}

function listKey(list: WatcherList): string {
  return `${list.resource}\n${list.package.toLowerCase()}`;
}
