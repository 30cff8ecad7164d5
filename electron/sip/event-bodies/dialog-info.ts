/**
 * `application/dialog-info+xml` (RFC 4235 §4): a pure parser that never throws, plus the cheap root peek the NOTIFY
 * queue uses for coalescing (`./dialog-info-peek.ts`, re-exported here). Choosing the dialog a tile shows is the application's rule
 * (`electron/core/blf/dialog-summary.ts`); the safe fast-xml-parser setup (validation first, builtin entities only,
 * no DTD) lives in `fxp-tree.ts`.
 */
import type { DialogRef } from '../../../shared/tiles';
import type { BodyResult, DialogInfoDialog, DialogInfoDocument, DialogParticipant } from './types';
import { attr, bodyText, child, children, parseXmlRoot, text, type XmlNode } from './xml-tree';

const STATES: ReadonlySet<string> = new Set(['trying', 'proceeding', 'early', 'confirmed', 'terminated']);
const DECIMAL_RE = /^\d+$/;

/**
 * Parses a dialog-info document.
 *
 * - `version` (RFC 4235 §4.1.1) must be a non-negative integer: missing or invalid is an error, because the caller
 *   orders documents by it and a document it cannot order must not be applied.
 * - A missing or unrecognised `state` attribute reads as `full` with a warning: a full state replaces everything
 *   the subscriber knows, which is right whenever the notifier sent everything it has.
 * - An empty body means idle (interop guide). It carries no version, so the result has `version: -1`,
 *   `state: 'full'`, `entity: ''`, no dialogs and a warning; the caller applies it as "idle" without touching its
 *   version ordering. An empty `<dialog-info …/>` is an ordinary full document with `dialogs: []`.
 * - `<state>` text is trimmed and lower-cased (Kamailio's pua_dialoginfo sends `Trying`). A missing or unknown state
 *   keeps the dialog as `confirmed` with a warning: the notifier says a call exists, and showing the extension busy
 *   is the safe mistake (showing it idle would invite a transfer into a call).
 * - `held` is true only when the **local** target carries `+sip.rendering=no` (RFC 4235 §4.1.6.2: the monitored
 *   user stopped rendering media, i.e. put the call on hold). A remote `rendering=no` means the other party held the
 *   extension, which is still busy; it is kept in `remote.rendering` but does not set `held`.
 */
export function parseDialogInfo(body: Uint8Array | string): BodyResult<DialogInfoDocument> {
  try {
    return parse(bodyText(body));
  } catch (err) {
    return { ok: false, reason: `dialog-info: ${err instanceof Error ? err.message : String(err)}` };
  }
}

function parse(source: string): BodyResult<DialogInfoDocument> {
  const warnings: string[] = [];
  if (source.trim() === '') {
    warnings.push('dialog-info: empty body (idle, no version ordering)');
    return {
      ok: true,
      value: { type: 'dialog-info', entity: '', version: -1, state: 'full', dialogs: [] },
      warnings,
    };
  }
  const root = parseXmlRoot(source, 'dialog-info');
  if (!root.ok) return root;
  if (root.name !== 'dialog-info') {
    return { ok: false, reason: `dialog-info: root element is <${root.name}>, expected <dialog-info>` };
  }
  const rawVersion = attr(root.node, 'version');
  if (rawVersion === undefined) return { ok: false, reason: 'dialog-info: missing version attribute' };
  const version = DECIMAL_RE.test(rawVersion) ? Number(rawVersion) : Number.NaN;
  if (!Number.isSafeInteger(version)) {
    return { ok: false, reason: `dialog-info: invalid version attribute "${clip(rawVersion)}"` };
  }
  const entity = attr(root.node, 'entity') ?? '';
  if (entity === '') warnings.push('dialog-info: missing entity attribute');
  const dialogs = children(root.node, 'dialog').map((node, index) => readDialog(node, index, warnings));
  return {
    ok: true,
    value: { type: 'dialog-info', entity, version, state: readDocState(root.node, warnings), dialogs },
    warnings,
  };
}

function readDocState(node: XmlNode, warnings: string[]): 'full' | 'partial' {
  const raw = attr(node, 'state');
  const state = raw?.toLowerCase();
  if (state === 'full' || state === 'partial') return state;
  warnings.push(
    raw === undefined
      ? 'dialog-info: missing state attribute, read as full'
      : `dialog-info: unknown state "${clip(raw)}", read as full`,
  );
  return 'full';
}

function readDialog(node: XmlNode, index: number, warnings: string[]): DialogInfoDialog {
  const where = `dialog-info: dialog #${index + 1}`;
  const callId = attr(node, 'call-id');
  let id = attr(node, 'id');
  if (!id) {
    id = callId || `#${index + 1}`;
    warnings.push(`${where} has no id attribute, using "${clip(id)}"`);
  }
  const stateNode = child(node, 'state');
  const dialog: DialogInfoDialog = { id, state: readDialogState(stateNode, where, warnings), held: false };
  setIf(dialog, 'callId', callId);
  setIf(dialog, 'localTag', attr(node, 'local-tag'));
  setIf(dialog, 'remoteTag', attr(node, 'remote-tag'));
  const direction = attr(node, 'direction')?.toLowerCase();
  if (direction === 'initiator' || direction === 'recipient') dialog.direction = direction;
  else if (direction) warnings.push(`${where}: unknown direction "${clip(direction)}" ignored`);
  setIf(dialog, 'event', attr(stateNode, 'event'));
  const code = attr(stateNode, 'code');
  if (code !== undefined) {
    if (DECIMAL_RE.test(code) && Number(code) <= 999) dialog.code = Number(code);
    else warnings.push(`${where}: invalid state code "${clip(code)}" ignored`);
  }
  const local = readParticipant(child(node, 'local'));
  const remote = readParticipant(child(node, 'remote'));
  if (local) dialog.local = local;
  if (remote) dialog.remote = remote;
  dialog.held = local?.rendering === 'no';
  setIf(dialog, 'remoteTarget', remote?.target);
  return dialog;
}

function readDialogState(node: XmlNode | undefined, where: string, warnings: string[]): DialogRef['state'] {
  const raw = text(node)?.trim() ?? '';
  const state = raw.toLowerCase();
  if (STATES.has(state)) return state as DialogRef['state'];
  warnings.push(
    raw === ''
      ? `${where} has no state, kept as confirmed`
      : `${where}: unknown state "${clip(raw)}", kept as confirmed`,
  );
  return 'confirmed';
}

/** `<local>` / `<remote>` (RFC 4235 §4.1.6). */
function readParticipant(node: XmlNode | undefined): DialogParticipant | undefined {
  if (node === undefined) return undefined;
  const participant: DialogParticipant = {};
  const identity = child(node, 'identity');
  setIf(participant, 'identity', text(identity));
  setIf(participant, 'displayName', attr(identity, 'display'));
  const target = child(node, 'target');
  setIf(participant, 'target', attr(target, 'uri'));
  for (const param of children(target, 'param')) {
    if (attr(param, 'pname')?.toLowerCase() !== '+sip.rendering') continue;
    const value = attr(param, 'pvalue')?.toLowerCase();
    if (value === 'yes' || value === 'no') participant.rendering = value;
  }
  return participant;
}

function setIf<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined && value !== '') target[key] = value;
}

function clip(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

export { PEEK_WINDOW, peekDialogInfoState } from './dialog-info-peek';
