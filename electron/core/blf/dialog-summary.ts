/**
 * Which of an extension's dialogs a tile shows (interop guide: "ringing before held before busy before trying
 * before ended"). Pure. It lives in core, beside the tile model, because it decides what a tile shows; the SIP
 * layer only parses the dialogs.
 */
import type { DialogInfoDialog } from '../../sip/event-bodies/types';

export interface DialogSummary {
  state: 'idle' | 'ringing' | 'busy' | 'hold' | 'trying';
  /** The dialog that decided `state`; absent when idle. */
  dialog?: DialogInfoDialog;
}

type Shown = DialogSummary['state'];

/** Higher wins when an extension has several dialogs. */
const RANK: Record<Shown, number> = { idle: 0, trying: 1, busy: 2, hold: 3, ringing: 4 };

/**
 * Classifies each dialog, then returns the most relevant one (first in document order among equals).
 *
 * | dialog state (RFC 4235 §3.7.1) | direction           | held (local rendering=no) | shown as  | rank |
 * |--------------------------------|---------------------|---------------------------|-----------|------|
 * | early                          | recipient or absent | no                        | `ringing` | 1st  |
 * | early or confirmed             | any                 | yes                       | `hold`    | 2nd  |
 * | confirmed                      | any                 | no                        | `busy`    | 3rd  |
 * | trying, proceeding             | recipient           | any                       | `ringing` | 1st  |
 * | early                          | initiator           | no                        | `trying`  | 4th  |
 * | trying, proceeding             | initiator or absent | any                       | `trying`  | 4th  |
 * | terminated                     | any                 | any                       | `idle`    | last |
 *
 * Why: an early dialog the extension initiated is its own outgoing call ringing elsewhere, so the extension is
 * dialling, not being rung. A `trying`/`proceeding` dialog the extension is the recipient of is an incoming call
 * being set up (Kamailio's pua_dialoginfo publishes `Trying` for the callee before `early`), so it shows as ringing
 * at once rather than as busy. An early dialog without a direction is read as incoming, because the notifiers that omit
 * direction are simple BLF ones where ringing is what matters (and pickup needs it). A held dialog is `hold` even
 * when reported as `early`: FreeSWITCH reports held calls as early, and with `+sip.rendering=no` on the local
 * target that must not blink as ringing. FreeSWITCH without the rendering param cannot be told apart from ringing.
 * No dialogs, or only terminated ones, is idle.
 */
export function summarizeDialogs(dialogs: readonly DialogInfoDialog[]): DialogSummary {
  let best: DialogSummary = { state: 'idle' };
  for (const dialog of dialogs) {
    const shown = classify(dialog);
    if (RANK[shown] > RANK[best.state]) best = { state: shown, dialog };
  }
  return best;
}

function classify(dialog: DialogInfoDialog): Shown {
  switch (dialog.state) {
    case 'terminated':
      return 'idle';
    case 'trying':
    case 'proceeding':
      return dialog.direction === 'recipient' ? 'ringing' : 'trying';
    case 'confirmed':
      return dialog.held ? 'hold' : 'busy';
    case 'early':
      if (dialog.held) return 'hold';
      return dialog.direction === 'initiator' ? 'trying' : 'ringing';
  }
}
