/**
 * The directory (issue 12 "Names"): numbers and addresses → names, from the configured tiles, named list members
 * and the call history (see util/directory.ts). Rebuilt only when a tile's name or address, or the history's names,
 * change — not on every lamp patch — so a 1,000-tile panel's tiles do not all re-render for a colour change.
 */
import { defineStore } from 'pinia';
import { computed } from 'vue';
import { buildDirectory, lookupIn, type Directory, type NameLookup } from '../util/directory';
import { useHistoryStore } from './history';
import { useTilesStore } from './tiles';

export const useDirectoryStore = defineStore('directory', () => {
  const tiles = useTilesStore();
  const history = useHistoryStore();

  /** What the directory depends on, as one string: equal strings do not trigger the directory's dependents. */
  const signature = computed(() => {
    const parts = tiles.tiles.map((tile) => `${tile.uri}\u0001${tile.name}\u0001${tile.listId ? 'l' : ''}${tile.park ? 'p' : ''}`);
    return `${parts.join('\u0000')}\u0002${history.namesVersion}`;
  });

  const directory = computed<Directory>(() => {
    void signature.value;
    return buildDirectory(tiles.tiles, history.knownNames());
  });

  /** A lookup bound to the current directory; a new function only when the directory changed. */
  const lookup = computed<NameLookup>(() => lookupIn(directory.value));

  /** The name for a number or address, if known. */
  function nameFor(numberOrUri: string | undefined): string | undefined {
    return lookup.value(numberOrUri);
  }

  return { directory, lookup, nameFor };
});
