/** Issue 12 §6: a tile watching a mailbox shows its waiting count; editing the tile keeps the watch. */
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { draftTileFrom, tileToInput } from '../../util/tile-draft';
import TileMwiBadge from './TileMwiBadge.vue';

describe('TileMwiBadge', () => {
  it('shows the envelope with the new count, the envelope alone without counts, nothing when none wait', () => {
    const counted = mount(TileMwiBadge, { props: { tile: { messagesWaiting: true, messagesNew: 4 } } });
    expect(counted.get('[data-testid="tile-mwi-count"]').text()).toBe('4');
    expect(counted.get('[data-testid="tile-mwi"]').attributes('title')).toBe('4 new voicemail messages');
    const plain = mount(TileMwiBadge, { props: { tile: { messagesWaiting: true } } });
    expect(plain.find('[data-testid="tile-mwi"]').exists()).toBe(true);
    expect(plain.find('[data-testid="tile-mwi-count"]').exists()).toBe(false);
    expect(mount(TileMwiBadge, { props: { tile: { messagesWaiting: false, messagesNew: 0 } } }).find('[data-testid="tile-mwi"]').exists()).toBe(false);
    expect(mount(TileMwiBadge, { props: { tile: { messagesWaiting: true, messagesNew: 120 } } }).get('[data-testid="tile-mwi-count"]').text()).toBe('99+');
  });
});

describe('the tile draft and message-summary', () => {
  it('keeps a mailbox watch through an edit, and can add one', () => {
    const tile = { id: 't', name: 'Anna', uri: '101', watch: ['dialog', 'message-summary'] as const, action: { kind: 'call' as const, uri: '101' } };
    const draft = draftTileFrom({ ...tile, watch: [...tile.watch] });
    expect(draft.watchMwi).toBe(true);
    expect(tileToInput(draft).watch).toEqual(['dialog', 'message-summary']);
    expect(tileToInput({ ...draft, watchMwi: false }).watch).toEqual(['dialog']);
  });
});
