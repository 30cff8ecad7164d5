import { describe, expect, it } from 'vitest';
import { makeCall, makeTile } from '../testing/fake-console-api';
import { dropAsksFirst, parkState, pickupOffered, searchTiles, transferText } from './transfer-text';

const tiles = [
  makeTile(101, { name: 'Hannah Koch' }),
  makeTile(102, { name: 'Anna Schmidt' }),
  makeTile(1011, { name: 'Jörg Ansbach' }),
  makeTile(205, { name: 'Paul Zimmermann' }),
];

describe('transfer words and rules', () => {
  it('finds tiles: exact number first, then what starts with the text, then what contains it', () => {
    expect(searchTiles(tiles, 'an').map((tile) => tile.name)).toEqual(['Anna Schmidt', 'Jörg Ansbach', 'Hannah Koch', 'Paul Zimmermann']);
    expect(searchTiles(tiles, '101').map((tile) => tile.name)).toEqual(['Hannah Koch', 'Jörg Ansbach']);
    expect(searchTiles(tiles, 'jorg').map((tile) => tile.name)).toEqual(['Jörg Ansbach']);
    expect(searchTiles(tiles, '', 2)).toHaveLength(2);
  });

  it('words a failed transfer by its status, with the caller back', () => {
    const failed = (sipStatus?: number) => transferText({ mode: 'blind', target: '102', state: 'failed', ...(sipStatus ? { sipStatus } : {}) }, tiles).text;
    expect(failed(486)).toBe('Anna Schmidt is busy (486) — caller is back with you');
    expect(failed(480)).toBe('Anna Schmidt did not answer (480) — caller is back with you');
    expect(failed()).toBe('Anna Schmidt did not answer — caller is back with you');
    expect(failed(404)).toBe('Anna Schmidt was not found (404) — caller is back with you');
    expect(failed(501)).toBe('The PBX refused the transfer (501) — caller is back with you');
    expect(failed(500)).toBe('Transfer to Anna Schmidt failed (500) — caller is back with you');
    expect(transferText({ mode: 'blind', target: '0301234', state: 'failed', sipStatus: 603, viaFeatureCode: true, reason: '603 Decline' }, tiles)).toEqual({
      text: '0301234 declined (603) — caller is back with you',
      detail: '603 Decline · sent with the line’s transfer code',
    });
  });

  it('asks before dropping on anyone but a fresh idle colleague, and knows park slots and pickup', () => {
    expect(dropAsksFirst(makeTile(1))).toBe(false);
    expect(dropAsksFirst(makeTile(1, { staleSince: 1 }))).toBe(true);
    for (const state of ['busy', 'ringing', 'hold', 'offline', 'dnd', 'unknown'] as const) expect(dropAsksFirst(makeTile(1, { state }))).toBe(true);
    expect(dropAsksFirst(makeTile(1, { state: 'busy', park: true }))).toBe(false);
    expect([parkState(makeTile(1)), parkState(makeTile(1, { state: 'busy' })), parkState(makeTile(1, { state: 'offline' }))]).toEqual(['free', 'parked', 'unknown']);
    const ringing = makeTile(103, { state: 'ringing' });
    expect(pickupOffered(ringing, [])).toBe(true);
    expect(pickupOffered({ ...ringing, staleSince: 1 }, [])).toBe(false);
    expect(pickupOffered({ ...ringing, park: true }, [])).toBe(false);
    expect(pickupOffered(ringing, [makeCall('o1', { direction: 'outgoing', state: 'early', far: { number: '103', uri: 'sip:103@pbx.example.com' } })])).toBe(false);
  });
});
