import { describe, it, expect } from 'vitest';
import {
  MENU_STATES,
  TRAY_COLOURS,
  buildTrayMenu,
  ownStateLabel,
  trayIconColor,
  trayTooltip,
  type TrayMenuItem,
  type TrayState,
} from './tray-menu';

const customStates = [
  { id: 'lunch', label: 'Lunch', base: 'away' as const },
  { id: 'meeting', label: 'In a meeting', base: 'dnd' as const },
];

function state(overrides: Partial<TrayState> = {}): TrayState {
  return { own: { state: 'available' }, customStates, windowVisible: true, ...overrides };
}

const byId = (items: TrayMenuItem[], id: string): TrayMenuItem => {
  const item = items.find((i) => i.id === id);
  if (!item) throw new Error(`no item ${id}`);
  return item;
};
const checked = (items: TrayMenuItem[]): string[] => items.filter((i) => i.checked).map((i) => i.id);

describe('buildTrayMenu', () => {
  it('lists the six states, then the custom states, as one radio group with the current one checked', () => {
    const items = buildTrayMenu(state({ own: { state: 'away' } }));
    const radios = items.filter((i) => i.type === 'radio');
    expect(radios.map((i) => i.label)).toEqual([
      'Available',
      'Away',
      'Extended away',
      'Free for chat',
      'Do not disturb',
      'Unavailable',
      'Lunch',
      'In a meeting',
    ]);
    // Electron groups adjacent radio items; nothing may split them.
    const first = items.indexOf(radios[0] as TrayMenuItem);
    expect(items.slice(first, first + radios.length)).toEqual(radios);
    expect(checked(items)).toEqual(['state:away']);
    expect(byId(items, 'state:dnd').action).toEqual({ kind: 'set-state', state: 'dnd' });
    expect(byId(items, 'state:custom:lunch').action).toEqual({
      kind: 'set-state',
      state: 'custom',
      customId: 'lunch',
    });
  });

  it('checks each standard state when it is the own state', () => {
    for (const s of MENU_STATES)
      expect(checked(buildTrayMenu(state({ own: { state: s } })))).toEqual([`state:${s}`]);
  });

  it('checks a custom state by id, else by label, and nothing when it is unknown or not set', () => {
    expect(checked(buildTrayMenu(state({ own: { state: 'custom', customId: 'meeting' } })))).toEqual([
      'state:custom:meeting',
    ]);
    expect(checked(buildTrayMenu(state({ own: { state: 'custom', label: 'Lunch' } })))).toEqual([
      'state:custom:lunch',
    ]);
    expect(
      checked(buildTrayMenu(state({ own: { state: 'custom', customId: 'gone', label: 'Lunch' } }))),
    ).toEqual([]);
    expect(checked(buildTrayMenu(state({ own: { state: 'not_set' } })))).toEqual([]);
  });

  it('has set note, missed calls, show/hide window and quit with their actions, separated', () => {
    const items = buildTrayMenu(state());
    expect(items.slice(-7).map((i) => (i.type === 'separator' ? '---' : i.label))).toEqual([
      '---',
      'Set note…',
      '---',
      'Missed calls',
      'Hide window',
      '---',
      'Quit',
    ]);
    expect(byId(items, 'set-note').action).toEqual({ kind: 'set-note' });
    expect(byId(items, 'toggle-window').action).toEqual({ kind: 'toggle-window' });
    expect(byId(items, 'quit').action).toEqual({ kind: 'quit' });
    expect(byId(buildTrayMenu(state({ windowVisible: false })), 'toggle-window').label).toBe('Show window');
  });

  it('shows the missed-call count, enabled only when there are some', () => {
    const missed = (n: number | undefined): TrayMenuItem =>
      byId(buildTrayMenu(state({ missedCalls: n })), 'missed-calls');
    expect(missed(undefined)).toMatchObject({ label: 'Missed calls', enabled: false });
    expect(missed(0)).toMatchObject({ label: 'No missed calls', enabled: false });
    expect(missed(1)).toMatchObject({
      label: '1 missed call',
      enabled: true,
      action: { kind: 'show-missed' },
    });
    expect(missed(12)).toMatchObject({ label: '12 missed calls', enabled: true });
    expect(missed(-1)).toMatchObject({ label: 'Missed calls', enabled: false });
  });

  it('speaks German', () => {
    const items = buildTrayMenu(state({ locale: 'de', missedCalls: 3, windowVisible: false }));
    expect(items.filter((i) => i.type === 'radio').map((i) => i.label)).toEqual([
      'Verfügbar',
      'Abwesend',
      'Länger abwesend',
      'Frei für Chat',
      'Nicht stören',
      'Nicht verfügbar',
      'Lunch',
      'In a meeting',
    ]);
    expect(byId(items, 'set-note').label).toBe('Notiz festlegen…');
    expect(byId(items, 'missed-calls').label).toBe('3 verpasste Anrufe');
    expect(byId(items, 'toggle-window').label).toBe('Fenster anzeigen');
    expect(byId(items, 'quit').label).toBe('Beenden');
    const one = buildTrayMenu(state({ locale: 'de', missedCalls: 1 }));
    expect(byId(one, 'missed-calls').label).toBe('1 verpasster Anruf');
    expect(byId(buildTrayMenu(state({ locale: 'de', missedCalls: 0 })), 'missed-calls').label).toBe(
      'Keine verpassten Anrufe',
    );
  });

  it('gives every item a unique id', () => {
    const items = buildTrayMenu(state());
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
  });
});

describe('trayTooltip', () => {
  it('names the state and the note', () => {
    expect(trayTooltip(state({ own: { state: 'available', note: 'Lunch break until 1 pm' } }))).toBe(
      'Available — Lunch break until 1 pm',
    );
    expect(trayTooltip(state({ own: { state: 'dnd' } }))).toBe('Do not disturb');
    expect(trayTooltip(state({ own: { state: 'xa', note: '  ' } }))).toBe('Extended away');
    expect(trayTooltip(state({ locale: 'de', own: { state: 'away', note: 'Bis 14 Uhr' } }))).toBe(
      'Abwesend — Bis 14 Uhr',
    );
  });

  it('uses the custom label and puts a multi-line note on one line', () => {
    expect(trayTooltip(state({ own: { state: 'custom', customId: 'lunch', note: 'back at\n1 pm' } }))).toBe(
      'Lunch — back at 1 pm',
    );
    expect(ownStateLabel(state({ own: { state: 'custom', label: 'Gym' } }))).toBe('Gym');
  });

  it('stays within the 127 characters Windows shows, marking the cut', () => {
    const tip = trayTooltip(state({ own: { state: 'available', note: 'x'.repeat(300) } }));
    expect(tip).toHaveLength(127);
    expect(tip.endsWith('…')).toBe(true);
    const emoji = trayTooltip(
      state({ own: { state: 'away', note: `${'y'.repeat(115)}${'😀'.repeat(10)}` } }),
    );
    expect(emoji.length).toBeLessThanOrEqual(127);
    expect(/[\uD800-\uDBFF]…$/.test(emoji)).toBe(false);
  });
});

describe('trayIconColor', () => {
  it('gives each menu state its own colour from the grid palette', () => {
    const colours = MENU_STATES.map((s) => trayIconColor(state({ own: { state: s } })));
    expect(new Set(colours).size).toBe(MENU_STATES.length);
    for (const c of colours) expect(c).toMatch(/^#[0-9a-f]{6}$/);
    expect(trayIconColor(state({ own: { state: 'available' } }))).toBe('#167a3a');
    expect(trayIconColor(state({ own: { state: 'dnd' } }))).toBe('#7d3aa6');
  });

  it('matches the tile colours in theme.css for the states tiles also show', async () => {
    const { readFileSync } = await import('node:fs');
    const css = readFileSync(new URL('../../renderer/src/styles/theme.css', import.meta.url), 'utf8');
    const light = css.slice(0, css.indexOf('@media'));
    const token = (name: string): string | undefined =>
      new RegExp(`${name}:\\s*(#[0-9a-f]{6})`, 'i').exec(light)?.[1]?.toLowerCase();
    expect(TRAY_COLOURS.available).toBe(token('--st-idle'));
    expect(TRAY_COLOURS.dnd).toBe(token('--st-dnd'));
    expect(TRAY_COLOURS.unavailable).toBe(token('--st-off'));
    expect(TRAY_COLOURS.away).toBe(token('--st-hold'));
  });

  it('shows a custom state in its base colour, grey when it cannot be found', () => {
    expect(trayIconColor(state({ own: { state: 'custom', customId: 'lunch' } }))).toBe(TRAY_COLOURS.away);
    expect(trayIconColor(state({ own: { state: 'custom', label: 'In a meeting' } }))).toBe(TRAY_COLOURS.dnd);
    expect(trayIconColor(state({ own: { state: 'custom', customId: 'nope' } }))).toBe(TRAY_COLOURS.not_set);
  });
});
