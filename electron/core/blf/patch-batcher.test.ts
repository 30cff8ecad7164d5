import { describe, it, expect } from 'vitest';
import type { TilesPatch, TileState, TileView } from '../../../shared/tiles';
import { FakeClock } from '../../sip/clock';
import { PATCH_INTERVAL_MS, PatchBatcher } from './patch-batcher';

function view(id: string, state: TileState = 'idle'): TileView {
  return {
    id,
    name: id,
    uri: `sip:${id}@pbx`,
    line: 1,
    state,
    since: 0,
    dialogs: [],
    action: { kind: 'none' },
  };
}

function setup() {
  const clock = new FakeClock();
  const batcher = new PatchBatcher({ clock });
  const patches: Array<{ at: number; patch: TilesPatch }> = [];
  batcher.onFlush((patch) => patches.push({ at: clock.now(), patch }));
  return { clock, batcher, patches };
}

describe('PatchBatcher', () => {
  it('sends the first change at once and then at most one batch per 50 ms', () => {
    const { clock, batcher, patches } = setup();
    // 500 changes a second for two seconds.
    for (let t = 0; t < 2000; t += 2) {
      batcher.upsert(view(`t${t % 37}`, t % 4 === 0 ? 'busy' : 'idle'));
      clock.advance(2);
    }
    clock.advance(100);
    expect(patches[0]!.at).toBe(0);
    for (let i = 1; i < patches.length; i++)
      expect(patches[i]!.at - patches[i - 1]!.at).toBeGreaterThanOrEqual(PATCH_INTERVAL_MS);
    expect(patches.length).toBeLessThanOrEqual(2000 / PATCH_INTERVAL_MS + 1);
    expect(patches.length).toBeGreaterThanOrEqual(2000 / PATCH_INTERVAL_MS - 1);
    expect(clock.pending).toBe(0);
  });

  it('collapses several changes of one tile into its latest view', () => {
    const { clock, batcher, patches } = setup();
    batcher.upsert(view('a'));
    clock.advance(0);
    batcher.upsert(view('a', 'ringing'));
    batcher.upsert(view('b', 'busy'));
    batcher.upsert(view('a', 'busy'));
    expect(batcher.size).toBe(2);
    clock.advance(PATCH_INTERVAL_MS - 1);
    expect(patches).toHaveLength(1);
    clock.advance(1);
    expect(patches.map((p) => p.patch)).toEqual([
      { upsert: [view('a')], remove: [] },
      { upsert: [view('a', 'busy'), view('b', 'busy')], remove: [] },
    ]);
  });

  it('a removal wins over an earlier upsert and an upsert over an earlier removal', () => {
    const { clock, batcher, patches } = setup();
    batcher.upsert(view('a'));
    batcher.remove('a');
    batcher.remove('b');
    batcher.upsert(view('b', 'dnd'));
    clock.advance(0);
    expect(patches.map((p) => p.patch)).toEqual([{ upsert: [view('b', 'dnd')], remove: ['a'] }]);
  });

  it('flush() sends at once and nothing is sent when nothing changed', () => {
    const { clock, batcher, patches } = setup();
    batcher.flush();
    expect(patches).toHaveLength(0);
    batcher.upsert(view('a'));
    batcher.flush();
    expect(patches).toHaveLength(1);
    clock.advance(1000);
    expect(patches).toHaveLength(1);
    expect(clock.pending).toBe(0);
  });

  it('stops calling a listener once unsubscribed, and dispose drops pending changes', () => {
    const clock = new FakeClock();
    const batcher = new PatchBatcher({ clock, intervalMs: 100 });
    const seen: TilesPatch[] = [];
    const off = batcher.onFlush((p) => seen.push(p));
    batcher.upsert(view('a'));
    clock.advance(0);
    off();
    batcher.upsert(view('b'));
    clock.advance(100);
    expect(seen).toHaveLength(1);
    batcher.upsert(view('c'));
    batcher.dispose();
    expect(batcher.size).toBe(0);
    expect(clock.pending).toBe(0);
  });
});
