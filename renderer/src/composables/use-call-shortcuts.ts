/**
 * The global call shortcuts (issue 9 §4), in one place so the UI lists them and the docs can quote them. All use
 * Ctrl+Shift with a letter: they work while typing in any field (no text editing uses these), never clash with
 * Alt+digit (views), the panel's own keys (`/`, Ctrl+F, arrows, Enter, Esc, F5) or a single letter typed into search.
 *
 * | Keys         | Action                                                              |
 * |--------------|---------------------------------------------------------------------|
 * | Ctrl+Shift+A | answer the ringing call (the longest ringing first)                 |
 * | Ctrl+Shift+D | decline (reject) that ringing call                                  |
 * | Ctrl+Shift+M | send that ringing call to voicemail (when its line has a code)      |
 * | Ctrl+Shift+H | hang up the active call (or the only call in progress)              |
 * | Ctrl+Shift+P | hold the active call / resume the longest held one                  |
 * | Ctrl+Shift+T | open the transfer dialog for the active call (else the longest held) |
 * | Ctrl+Shift+O | focus the dial box                                                  |
 *
 * In a browser tab (serve mode) Chromium keeps Ctrl+Shift+T ("reopen closed tab") for itself; there `T` on a call in
 * the strip, or its Transfer button, opens the same dialog. The Electron window gets every combination.
 */
import { onBeforeUnmount, onMounted } from 'vue';
import type { MessageKey } from '../i18n';
import { useCallsStore } from '../stores/calls';
import { useSettingsStore } from '../stores/settings';
import { useTransferStore } from '../stores/transfer';
import { voicemailCode } from '../util/call-text';

export type CallShortcutId = 'answer' | 'reject' | 'voicemail' | 'hangup' | 'hold' | 'transfer' | 'dial';

export interface CallShortcut {
  id: CallShortcutId;
  /** `KeyboardEvent.key`, lower case, pressed with Ctrl+Shift. */
  key: string;
  /** As shown to the user. */
  keys: string;
  /** For `aria-keyshortcuts`. */
  aria: string;
  label: MessageKey;
}

function shortcut(id: CallShortcutId, key: string): CallShortcut {
  const upper = key.toUpperCase();
  return { id, key, keys: `Ctrl+Shift+${upper}`, aria: `Control+Shift+${upper}`, label: `shortcut.${id}` };
}

export const CALL_SHORTCUTS: readonly CallShortcut[] = [
  shortcut('answer', 'a'),
  shortcut('reject', 'd'),
  shortcut('voicemail', 'm'),
  shortcut('hangup', 'h'),
  shortcut('hold', 'p'),
  shortcut('transfer', 't'),
  shortcut('dial', 'o'),
];

export function callShortcut(id: CallShortcutId): CallShortcut {
  return CALL_SHORTCUTS.find((entry) => entry.id === id) as CallShortcut;
}

/** The call shortcut `event` is, if any (Ctrl or ⌘, with Shift, without Alt). */
export function shortcutForEvent(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>): CallShortcutId | undefined {
  if (!(event.ctrlKey || event.metaKey) || !event.shiftKey || event.altKey) return undefined;
  const key = event.key.toLowerCase();
  return CALL_SHORTCUTS.find((entry) => entry.key === key)?.id;
}

/** Focuses the dial box (it carries `data-dial-input`). */
export function focusDialBox(): void {
  document.querySelector<HTMLInputElement>('[data-dial-input]')?.focus();
}

/** Runs a call shortcut against the current calls. Returns whether it did something. */
export function runCallShortcut(id: CallShortcutId): boolean {
  const calls = useCallsStore();
  const ringing = calls.ringing[0];
  switch (id) {
    case 'answer':
      if (ringing) void calls.answer(ringing.id);
      return !!ringing;
    case 'reject':
      if (ringing) void calls.reject(ringing.id);
      return !!ringing;
    case 'voicemail': {
      const target = calls.ringing.find((call) => voicemailCode(useSettingsStore().saved, call.line));
      if (target) void calls.reject(target.id, true);
      return !!target;
    }
    case 'hangup': {
      const live = calls.live.filter((call) => !(call.direction === 'incoming' && call.state === 'ringing'));
      const target = calls.active ?? (live.length === 1 ? live[0] : undefined);
      if (target) void calls.hangup(target.id);
      return !!target;
    }
    case 'hold':
      if (calls.active) void calls.hold(calls.active.id);
      else if (calls.held[0]) void calls.resume(calls.held[0].id);
      return !!(calls.active ?? calls.held[0]);
    case 'transfer':
      return useTransferStore().open();
    case 'dial':
      focusDialBox();
      return true;
  }
}

/** Installs the shortcuts on the window for the lifetime of the calling component (App). */
export function useCallShortcuts(): void {
  function onKey(event: KeyboardEvent): void {
    const id = shortcutForEvent(event);
    if (!id) return;
    // Always swallow our combination, so the browser's meaning of it (e.g. a bookmark dialog) never fires instead.
    event.preventDefault();
    runCallShortcut(id);
  }
  onMounted(() => window.addEventListener('keydown', onKey));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey));
}
