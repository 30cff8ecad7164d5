/**
 * Names a caller: the display name the PBX sent (unless it is only the number again), else the directory's name
 * for the number or address — a colleague's tile label, a named list member, a name seen in the call history
 * (issue 12). Returns undefined when nothing is known (the number is then shown alone).
 */
import type { CallParty } from '../../../shared/calls';
import { useDirectoryStore } from '../stores/directory';
import { partyName } from '../util/directory';

export function useCallerName(): (party: CallParty) => string | undefined {
  const directory = useDirectoryStore();
  return (party) => partyName(party, directory.lookup);
}
