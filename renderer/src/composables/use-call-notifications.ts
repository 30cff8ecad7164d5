/**
 * Web notifications for an incoming and a missed call, in serve mode only: in Electron main shows OS notifications
 * itself, so the renderer stays quiet there. Only with `settings.calls.notifications` on and after the user allowed
 * it from a button (`requestNotifications`), never asked on load.
 */
import { ref, watch } from 'vue';
import type { CallView } from '../../../shared/calls';
import { t } from '../i18n';
import { useCallsStore } from '../stores/calls';
import { useConnectionStore } from '../stores/connection';
import { useSettingsStore } from '../stores/settings';
import { useCallerName } from './use-caller-name';

export type NotifyPermission = NotificationPermission | 'unsupported';

function readPermission(): NotifyPermission {
  return typeof Notification === 'function' ? Notification.permission : 'unsupported';
}

/** The browser's answer so far (reactive; refreshed after asking). */
export const notifyPermission = ref<NotifyPermission>(readPermission());

/** Asks the browser for permission (call from a click). */
export async function requestNotifications(): Promise<void> {
  if (typeof Notification !== 'function') return;
  try {
    notifyPermission.value = await Notification.requestPermission();
  } catch {
    notifyPermission.value = readPermission();
  }
}

/** Whether the renderer is the one to notify (serve mode with notifications on in settings). */
export function useRendererNotifies(): () => boolean {
  const connection = useConnectionStore();
  const settings = useSettingsStore();
  return () => connection.app?.mode === 'serve' && settings.saved?.calls?.notifications !== false;
}

function show(title: string, body: string, tag: string): void {
  try {
    const notification = new Notification(title, { body, tag });
    notification.onclick = () => window.focus();
  } catch {
    // Some browsers only allow notifications from a service worker: the banner is on screen anyway.
  }
}

/** Watches the calls and notifies about new ringing and newly missed calls. */
export function useCallNotifications(): void {
  const calls = useCallsStore();
  const rendererNotifies = useRendererNotifies();
  const callerName = useCallerName();

  function who(call: CallView): string {
    const name = callerName(call.far);
    return name ? `${name} (${call.far.number})` : call.far.number;
  }

  watch(
    () => calls.calls,
    (list, previous) => {
      if (!rendererNotifies() || notifyPermission.value !== 'granted') return;
      const before = new Map((previous ?? []).map((call) => [call.id, call]));
      for (const call of list) {
        const old = before.get(call.id);
        if (call.direction === 'incoming' && call.state === 'ringing' && !old)
          show(t('notify.incoming'), t('notify.incomingBody', { who: who(call), line: call.line }), `call-${call.id}`);
        else if (call.state === 'ended' && call.end?.cause === 'missed' && old && old.state !== 'ended')
          show(t('notify.missed'), t('notify.missedBody', { who: who(call) }), `call-${call.id}`);
      }
    },
    // Every list, even two events within one tick: a call that rang and was missed at once still notifies.
    { flush: 'sync' },
  );
}
