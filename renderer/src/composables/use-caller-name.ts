/**
 * Names a caller: the display name the PBX sent, else the colleague's tile label by number, else a name seen in
 * the call history. Returns undefined when nothing is known (the number is then shown alone).
 */
import type { CallParty } from '../../../shared/calls';
import { useHistoryStore } from '../stores/history';
import { useTilesStore } from '../stores/tiles';
import { tileForParty } from '../util/call-text';

export function useCallerName(): (party: CallParty) => string | undefined {
  const tiles = useTilesStore();
  const history = useHistoryStore();
  return (party) => party.name?.trim() || tileForParty(tiles.tiles, party)?.name || history.nameFor(party.number);
}
