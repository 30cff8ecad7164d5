import { describe, expect, it } from 'vitest';
import type { TileConfig } from '../../../shared/tiles';
import { appendImported, draftTileFrom, emptyDraftTile, tileToInput } from './tile-draft';

describe('tile drafts', () => {
  it('round-trips keys: default line absent, own-address call kept as typed, other call address kept', () => {
    const keys: TileConfig[] = [
      { id: 'a', name: 'Anna', uri: '101', watch: ['dialog', 'presence'], action: { kind: 'call', uri: '101' }, group: 'Front' },
      { id: 'b', name: 'Queue', uri: 'sip:600@pbx.example.com', line: 2, watch: ['presence'], action: { kind: 'call', uri: '*8600' } },
      { id: 'c', name: 'Door', uri: '190', watch: ['dialog'], action: { kind: 'none' } },
      { id: 'd', name: 'Park 701', uri: '701', watch: ['dialog'], action: { kind: 'call', uri: '701' }, park: true },
      { id: 'e', name: 'Reg', uri: '105', watch: ['dialog', 'reg'], action: { kind: 'call', uri: '105' } },
    ];
    const drafts = keys.map(draftTileFrom);
    expect(drafts[0]).toMatchObject({ line: '', actionUri: '', group: 'Front' });
    expect(drafts[1]).toMatchObject({ line: '2', actionUri: '*8600', watchDialog: false, watchPresence: true, park: false });
    expect(drafts[3]).toMatchObject({ park: true });
    expect(drafts[4]).toMatchObject({ watchDialog: true, watchPresence: false, watchReg: true });
    // Registration state is opt-in: a new key does not subscribe reg (Asterisk answers 489 Bad Event).
    expect(emptyDraftTile().watchReg).toBe(false);
    expect(drafts.map(tileToInput)).toEqual(keys);
  });

  it('turns a half-typed line into NaN so validation names the field, and trims text', () => {
    const draft = { ...emptyDraftTile(), name: '  Bob ', uri: ' 102 ', line: '2x' };
    const input = tileToInput(draft);
    expect(input).toMatchObject({ name: 'Bob', uri: '102', action: { kind: 'call', uri: '102' } });
    expect(input.line).toBeNaN();
  });

  it('gives imported keys fresh ids where theirs are taken', () => {
    const existing = [{ ...emptyDraftTile(), id: 'k1' }];
    const added = appendImported(existing, [
      { id: 'k1', name: 'x', uri: '1', watch: ['dialog'], action: { kind: 'none' } },
      { id: 'k2', name: 'y', uri: '2', watch: ['dialog'], action: { kind: 'none' } },
      { id: 'k2', name: 'z', uri: '3', watch: ['dialog'], action: { kind: 'none' } },
    ]);
    const ids = added.map((tile) => tile.id);
    expect(ids[1]).toBe('k2');
    expect(new Set(['k1', ...ids]).size).toBe(4);
  });
});
