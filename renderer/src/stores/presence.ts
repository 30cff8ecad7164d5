/**
 * Own presence (issue 4 §5): what is chosen and published, how each line carries it, who watches it — fed by
 * `snapshot` and `presence.changed` — plus the colleagues' presence messages, derived from the tiles.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { CustomPresenceState, OwnPresence, PresenceSnapshot } from '../../../shared/presence';
import type { AppError } from '../../../shared/result';
import type { PresenceInfo } from '../../../shared/tiles';
import { foldText } from '../util/fold-text';
import { useConsoleApiStore } from './console-api';
import { useSettingsStore } from './settings';
import { useTilesStore } from './tiles';

/** One colleague's presence message, as listed on the presence screen. */
export interface PresenceMessage {
  tileId: string;
  name: string;
  uri: string;
  presence: PresenceInfo;
  /** Epoch ms the tile's state began (the best "since" the tile knows). */
  since: number;
}

/** Whether a tile's presence carries anything worth listing (a bare `basic` open says nothing a tile does not). */
function hasMessage(presence: PresenceInfo | undefined): presence is PresenceInfo {
  return (
    !!presence &&
    !!(presence.note?.trim() || presence.subtype?.trim() || (presence.state && presence.state !== 'not_set'))
  );
}

export const usePresenceStore = defineStore('presence', () => {
  const snapshot = shallowRef<PresenceSnapshot | undefined>();
  const setting = ref(false);
  /** Why the last `presence.set` failed; cleared by the next attempt. */
  const error = ref<AppError | undefined>();
  /** Text filter over the colleagues' messages. */
  const query = ref('');

  const customStates = computed<CustomPresenceState[]>(
    () => useSettingsStore().saved?.presence?.customStates ?? [],
  );

  function apply(next: PresenceSnapshot): void {
    snapshot.value = next;
  }

  /** Sets the own presence. Failures (expected ones arrive as results) are kept in `error`; returns success. */
  async function set(own: OwnPresence): Promise<boolean> {
    const api = useConsoleApiStore().api;
    if (!api || setting.value) return false;
    setting.value = true;
    error.value = undefined;
    try {
      const result = await api.invoke('presence.set', own);
      if (!result.ok) {
        error.value = result.error;
        return false;
      }
      snapshot.value = result.value;
      return true;
    } finally {
      setting.value = false;
    }
  }

  /** Every tile with presence information, newest first. */
  const messages = computed<PresenceMessage[]>(() => {
    const out: PresenceMessage[] = [];
    for (const tile of useTilesStore().tiles) {
      if (hasMessage(tile.presence))
        out.push({
          tileId: tile.id,
          name: tile.name,
          uri: tile.uri,
          presence: tile.presence,
          since: tile.since,
        });
    }
    return out.sort((a, b) => b.since - a.since);
  });

  /** `messages` matching `query` in name, number, note, subtype or activities (case and accent insensitive). */
  const filteredMessages = computed<PresenceMessage[]>(() => {
    const needle = foldText(query.value.trim());
    if (!needle) return messages.value;
    return messages.value.filter((message) => {
      const { note, subtype, activities, state } = message.presence;
      const text = [message.name, message.uri, note, subtype, state, ...(activities ?? [])]
        .filter(Boolean)
        .join('\u0000');
      return foldText(text).includes(needle);
    });
  });

  return { snapshot, setting, error, query, customStates, messages, filteredMessages, apply, set };
});
