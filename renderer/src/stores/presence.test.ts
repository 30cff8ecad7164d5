import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PresenceSnapshot } from '../../../shared/presence';
import { wireEvents } from '../api/wire-events';
import {
  createFakeApi,
  makePresence,
  makeSnapshot,
  makeTile,
  type FakeConsoleApi,
} from '../testing/fake-console-api';
import { usePresenceStore } from './presence';
import { useTilesStore } from './tiles';

let fake: FakeConsoleApi;

async function start(snapshot = makeSnapshot()): Promise<void> {
  fake = createFakeApi({
    snapshot: () => ({ ok: true, value: snapshot }),
    'trace.list': () => ({ ok: true, value: { entries: [] } }),
  });
  await wireEvents(fake.api).ready;
}

beforeEach(() => setActivePinia(createPinia()));

describe('presence store', () => {
  it('takes the snapshot, then presence.changed events', async () => {
    await start(
      makeSnapshot({
        presence: makePresence({
          own: { state: 'dnd', note: 'Audit' },
          published: { state: 'dnd', note: 'Audit' },
        }),
      }),
    );
    const presence = usePresenceStore();
    expect(presence.snapshot?.own).toEqual({ state: 'dnd', note: 'Audit' });
    expect(presence.snapshot?.lines.map((line) => line.method)).toEqual(['publish', 'feature-codes']);

    const next: PresenceSnapshot = makePresence({ published: { state: 'away', auto: 'away' }, watchers: [] });
    fake.emit('presence.changed', next);
    expect(presence.snapshot?.published).toEqual({ state: 'away', auto: 'away' });
    expect(presence.snapshot?.watchers).toEqual([]);
  });

  it('offers the custom states from the settings', async () => {
    await start();
    expect(usePresenceStore().customStates.map((entry) => entry.id)).toEqual(['lunch', 'meeting']);
  });

  it('sets the own presence and takes the returned snapshot', async () => {
    await start();
    const returned = makePresence({
      own: { state: 'away', customId: 'lunch', note: 'Back at 2' },
      published: { state: 'away', customId: 'lunch', note: 'Back at 2' },
    });
    fake.handlers['presence.set'] = () => ({ ok: true, value: returned });
    const presence = usePresenceStore();
    expect(await presence.set({ state: 'away', customId: 'lunch', note: 'Back at 2' })).toBe(true);
    expect(fake.calls.at(-1)).toEqual({
      command: 'presence.set',
      args: { state: 'away', customId: 'lunch', note: 'Back at 2' },
    });
    expect(presence.snapshot?.published.customId).toBe('lunch');
    expect(presence.error).toBeUndefined();
  });

  it('keeps a failed result as an error instead of throwing, and clears it on the next attempt', async () => {
    await start();
    fake.handlers['presence.set'] = () => ({
      ok: false,
      error: { code: 'invalid-argument', message: 'note must be text of at most 200 characters' },
    });
    const presence = usePresenceStore();
    const before = presence.snapshot;
    expect(await presence.set({ state: 'away', note: 'x'.repeat(201) })).toBe(false);
    expect(presence.error?.message).toBe('note must be text of at most 200 characters');
    expect(presence.snapshot).toBe(before);

    fake.handlers['presence.set'] = () => ({ ok: true, value: makePresence() });
    expect(await presence.set({ state: 'available' })).toBe(true);
    expect(presence.error).toBeUndefined();
  });

  it('lists colleagues with presence newest first and filters them as typed', async () => {
    await start(
      makeSnapshot({
        tiles: [
          makeTile(101, { name: 'Anna Schmidt', since: 1_000, presence: { state: 'away', note: 'Lunch' } }),
          makeTile(102, { name: 'Jonas Becker', since: 3_000 }),
          makeTile(103, {
            name: 'Sophie Müller',
            since: 5_000,
            presence: { state: 'dnd', note: 'In a meeting' },
          }),
          makeTile(104, { name: 'Lukas Fischer', since: 4_000, presence: { basic: 'open' } }),
          makeTile(105, { name: 'Marie Weber', since: 2_000, presence: { state: 'xa', subtype: 'at home' } }),
        ],
      }),
    );
    const presence = usePresenceStore();
    expect(presence.messages.map((message) => message.name)).toEqual([
      'Sophie Müller',
      'Marie Weber',
      'Anna Schmidt',
    ]);

    presence.query = 'muller';
    expect(presence.filteredMessages.map((message) => message.name)).toEqual(['Sophie Müller']);
    presence.query = 'HOME';
    expect(presence.filteredMessages.map((message) => message.name)).toEqual(['Marie Weber']);
    presence.query = '';
    expect(presence.filteredMessages).toHaveLength(3);

    useTilesStore().applyPatch({
      upsert: [
        makeTile(102, { name: 'Jonas Becker', since: 9_000, presence: { state: 'away', note: 'Doctor' } }),
      ],
      remove: [],
    });
    expect(presence.messages[0]?.name).toBe('Jonas Becker');
  });
});
