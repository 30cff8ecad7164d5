// Dialog-info bodies (RFC 4235) for the flood notifier, built from string templates so 5,000 of them cost nothing.

/** What a BLF tile should finally show for a flooded resource. */
export type FloodState = 'idle' | 'ringing' | 'busy';

/** The call a resource is in, kept so that ringing → busy stays the same dialog, as on a real PBX. */
export interface FloodCall {
  callId: string;
  localTag: string;
  remoteTag: string;
  /** Caller's extension, shown as the remote identity. */
  caller: string;
}

/** Full dialog state of one resource; `idle` may still list its last call as terminated (guide trap 6). */
export type FloodDialogState =
  { state: 'idle'; last?: FloodCall } | { state: 'ringing' | 'busy'; call: FloodCall };

const STATES: readonly FloodState[] = ['idle', 'ringing', 'busy'];
let calls = 0;

function newCall(): FloodCall {
  calls += 1;
  return {
    callId: `flood-${calls}-${Math.random().toString(36).slice(2, 10)}@127.0.0.1`,
    localTag: `lt${calls}`,
    remoteTag: `rt${calls}`,
    caller: String(200 + (calls % 800)),
  };
}

/**
 * A random next state (uniform over idle/ringing/busy). A call that was ringing is the one that becomes busy;
 * ringing after busy or idle is a new call; idle keeps the ended call as `terminated`.
 */
export function nextDialogState(previous: FloodDialogState): FloodDialogState {
  const state = STATES[Math.floor(Math.random() * STATES.length)] as FloodState;
  const current = previous.state === 'idle' ? undefined : previous.call;
  if (state === 'idle') return current ? { state, last: current } : { state };
  if (state === 'busy' && previous.state === 'ringing') return { state, call: previous.call };
  if (state === previous.state && current) return { state, call: current };
  return { state, call: newCall() };
}

function dialogElement(call: FloodCall, state: 'early' | 'confirmed' | 'terminated'): string {
  return (
    `<dialog id="${call.callId}" call-id="${call.callId}" local-tag="${call.localTag}" ` +
    `remote-tag="${call.remoteTag}" direction="recipient"><state>${state}</state>` +
    `<remote><identity display="Caller ${call.caller}">sip:${call.caller}@test.local</identity>` +
    `<target uri="sip:${call.caller}@test.local"/></remote></dialog>`
  );
}

/** A full-state `application/dialog-info+xml` document for `entity` (RFC 4235 §4.1). */
export function dialogInfoBody(entity: string, version: number, s: FloodDialogState): string {
  let dialogs: string;
  if (s.state === 'idle') dialogs = s.last ? dialogElement(s.last, 'terminated') : '';
  else dialogs = dialogElement(s.call, s.state === 'ringing' ? 'early' : 'confirmed');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="${version}" state="full" ` +
    `entity="${entity}">${dialogs}</dialog-info>`
  );
}
