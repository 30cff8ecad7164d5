import { describe, expect, it } from 'vitest';
import type { TileConfig } from '../../../shared/tiles';
import { planImport } from './import-plan';
import { draftTileFrom } from './tile-draft';

const tile = (name: string, uri: string, line?: number): TileConfig => ({
  id: name,
  name,
  uri,
  watch: ['dialog'],
  action: { kind: 'call', uri },
  ...(line === undefined ? {} : { line }),
});

describe('planImport', () => {
  it('splits imported keys into new ones and ones already on the panel, naming the panel key', () => {
    const panel = [draftTileFrom(tile('Anna Alt', '101')), draftTileFrom(tile('Ben', 'sip:102@pbx.example.com', 2))];
    const plan = planImport(panel, [
      tile('Anna (phone)', 'sip:101@pbx.example.com'),
      tile('Ben on line 2', '102', 2),
      tile('Ben on line 1', '102', 1),
      tile('Cleo', '103'),
      tile('Cleo again', '103'),
    ]);
    expect(plan.fresh.map((t) => t.name)).toEqual(['Ben on line 1', 'Cleo']);
    expect(plan.duplicates.map((d) => [d.tile.name, d.existing])).toEqual([
      ['Anna (phone)', 'Anna Alt'],
      ['Ben on line 2', 'Ben'],
      ['Cleo again', 'Cleo'],
    ]);
  });
});
