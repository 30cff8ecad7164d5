import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeSettings, makeTile } from '../testing/fake-console-api';
import { useDirectoryStore } from './directory';
import { useSettingsStore } from './settings';
import { useTilesStore } from './tiles';

beforeEach(() => {
  setActivePinia(createPinia());
});

function withContacts(contacts: { name: string; number: string }[]): ReturnType<typeof makeSettings> {
  const settings = makeSettings();
  settings.directory = { contacts };
  return settings;
}

describe('directory store', () => {
  it('names numbers from the saved contacts, after the tiles', () => {
    useTilesStore().applySnapshot([makeTile(101, { name: 'Anna Alt' })]);
    useSettingsStore().applySaved(withContacts([{ name: 'Anna (address book)', number: '101' }, { name: 'David Krüger', number: 'tel:+49-30-102' }]));
    const directory = useDirectoryStore();
    expect(directory.nameFor('sip:101@pbx.example.com')).toBe('Anna Alt');
    expect(directory.nameFor('+4930102')).toBe('David Krüger');
  });

  it('follows saved contacts, not the unsaved draft', () => {
    const settings = useSettingsStore();
    settings.applySaved(withContacts([]));
    const directory = useDirectoryStore();
    expect(directory.nameFor('102')).toBeUndefined();
    settings.draft.directory.contacts = [{ name: 'Draft only', number: '102' }];
    expect(directory.nameFor('102')).toBeUndefined();
    settings.applySaved(withContacts([{ name: 'Ben', number: '102' }]));
    expect(directory.nameFor('102')).toBe('Ben');
  });

  it('is not rebuilt by a lamp patch, only by a name or contacts change', () => {
    const tiles = useTilesStore();
    tiles.applySnapshot([makeTile(101, { name: 'Anna Alt' }), makeTile(102, { name: 'Ben' })]);
    useSettingsStore().applySaved(withContacts([{ name: 'Cleo', number: '103' }]));
    const store = useDirectoryStore();
    const before = store.directory;
    const lookup = store.lookup;
    tiles.applyPatch({ upsert: [makeTile(101, { name: 'Anna Alt', state: 'ringing' })], remove: [] });
    expect(store.directory).toBe(before);
    expect(store.lookup).toBe(lookup);
    tiles.applyPatch({ upsert: [makeTile(101, { name: 'Anna Schmidt' })], remove: [] });
    expect(store.directory).not.toBe(before);
    expect(store.nameFor('101')).toBe('Anna Schmidt');
    const renamed = store.directory;
    useSettingsStore().applySaved(withContacts([{ name: 'Dora', number: '104' }]));
    expect(store.directory).not.toBe(renamed);
    expect(store.nameFor('104')).toBe('Dora');
    expect(store.nameFor('103')).toBeUndefined();
  });
});
