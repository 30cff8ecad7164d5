/**
 * The directory (issue 12 "Names"): numbers and addresses → names, from the configured tiles, named list members,
 * the contacts imported in Settings (the saved `settings.directory`, not the unsaved draft) and the call history (see
 * util/directory.ts). Rebuilt only when a tile's name or address, the saved contacts or the history's names change —
 * not on every lamp patch — so a 1,000-tile panel's tiles do not all re-render for a colour change.
 */
import { defineStore } from 'pinia';
import { computed, toRaw } from 'vue';
import { buildDirectory, lookupIn, type Directory, type NameLookup } from '../util/directory';
import type { DirectoryContact } from '../../../shared/settings';
import { useHistoryStore } from './history';
import { useSettingsStore } from './settings';
import { useTilesStore } from './tiles';

const NO_CONTACTS: readonly DirectoryContact[] = [];

export const useDirectoryStore = defineStore('directory', () => {
  const tiles = useTilesStore();
  const history = useHistoryStore();
  const settings = useSettingsStore();

  /** What the directory depends on, as one string: equal strings do not trigger the directory's dependents. */
  const signature = computed(() => {
    const parts = tiles.tiles.map((tile) => `${tile.uri}\u0001${tile.name}\u0001${tile.listId ? 'l' : ''}${tile.park ? 'p' : ''}`);
    return `${parts.join('\u0000')}\u0002${history.namesVersion}`;
  });

  /**
   * The saved contacts, kept apart from the signature: joining up to 5,000 of them into it would cost that on every
   * lamp patch. The array only changes when settings are saved or arrive, so this computed stays put in between. Raw:
   * settings arrive whole, so tracking 10,000 reads of names and numbers would buy nothing.
   */
  const contacts = computed(() => toRaw(settings.saved?.directory?.contacts) ?? NO_CONTACTS);

  /**
   * What the directory was last built from. The getter also reads `tiles.tiles`, so a lamp patch re-runs it; with an
   * unchanged signature and contacts it hands back the previous map, and Vue then leaves its dependents alone.
   */
  let builtFrom: { signature: string; contacts: readonly DirectoryContact[] } | undefined;

  const directory = computed<Directory>((previous) => {
    const current = { signature: signature.value, contacts: contacts.value };
    if (previous && builtFrom?.signature === current.signature && builtFrom.contacts === current.contacts) return previous;
    builtFrom = current;
    return buildDirectory(tiles.tiles, { contacts: current.contacts, historyNames: history.knownNames() });
  });

  /** A lookup bound to the current directory; a new function only when the directory changed. */
  const lookup = computed<NameLookup>(() => lookupIn(directory.value));

  /** The name for a number or address, if known. */
  function nameFor(numberOrUri: string | undefined): string | undefined {
    return lookup.value(numberOrUri);
  }

  return { directory, lookup, nameFor };
});
