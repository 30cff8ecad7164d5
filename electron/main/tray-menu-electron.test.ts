import { describe, it, expect, vi } from 'vitest';
import type { TrayAction, TrayMenuItem, TrayState } from './tray-menu';

const fake = vi.hoisted(() => {
  const built: unknown[] = [];
  const images: { buffer: Buffer; options: Record<string, unknown> }[] = [];
  return {
    built,
    images,
    Menu: {
      buildFromTemplate: (template: unknown) => {
        built.push(template);
        return { template };
      },
    },
    nativeImage: {
      createFromBitmap: (buffer: Buffer, options: Record<string, unknown>) => {
        images.push({ buffer, options });
        return { fakeImage: images.length };
      },
    },
  };
});

vi.mock('electron', () => ({ Menu: fake.Menu, nativeImage: fake.nativeImage }));

const { applyTrayState, buildTrayContextMenu, toMenuTemplate, trayIconBitmap } =
  await import('./tray-menu-electron');

interface Template {
  id?: string;
  label?: string;
  type?: string;
  checked?: boolean;
  enabled?: boolean;
  submenu?: Template[];
  click?: () => void;
}

const state: TrayState = {
  own: { state: 'custom', customId: 'lunch', note: 'Back at 1' },
  customStates: [{ id: 'lunch', label: 'Lunch', base: 'away' }],
  missedCalls: 0,
  windowVisible: true,
};

describe('toMenuTemplate', () => {
  it('copies id, label, type, checked and enabled, and dispatches each item’s action on click', () => {
    const seen: TrayAction[] = [];
    const template = toMenuTemplate(
      [
        {
          id: 'a',
          label: 'Away',
          type: 'radio',
          checked: true,
          action: { kind: 'set-state', state: 'away' },
        },
        { id: 's', label: '', type: 'separator' },
        { id: 'm', label: 'No missed calls', enabled: false, action: { kind: 'show-missed' } },
        { id: 'q', label: 'Quit', action: { kind: 'quit' } },
      ],
      (action) => seen.push(action),
    ) as Template[];
    expect(template.map(({ click: _click, ...rest }) => rest)).toEqual([
      { id: 'a', label: 'Away', type: 'radio', checked: true },
      { id: 's', type: 'separator' },
      { id: 'm', label: 'No missed calls', type: 'normal', enabled: false },
      { id: 'q', label: 'Quit', type: 'normal' },
    ]);
    expect(template[1]?.click).toBeUndefined();
    template[3]?.click?.();
    template[0]?.click?.();
    expect(seen).toEqual([{ kind: 'quit' }, { kind: 'set-state', state: 'away' }]);
  });

  it('converts submenus recursively', () => {
    const seen: TrayAction[] = [];
    const items: TrayMenuItem[] = [
      {
        id: 'more',
        label: 'More',
        type: 'submenu',
        submenu: [{ id: 'note', label: 'Set note…', action: { kind: 'set-note' } }],
      },
    ];
    const [more] = toMenuTemplate(items, (a) => seen.push(a)) as Template[];
    expect(more?.submenu?.[0]).toMatchObject({ id: 'note', label: 'Set note…' });
    more?.submenu?.[0]?.click?.();
    expect(seen).toEqual([{ kind: 'set-note' }]);
  });
});

describe('buildTrayContextMenu', () => {
  it('hands the whole model to Menu.buildFromTemplate with working clicks', () => {
    const seen: TrayAction[] = [];
    fake.built.length = 0;
    buildTrayContextMenu(state, (a) => seen.push(a));
    const template = fake.built[0] as Template[];
    const lunch = template.find((t) => t.id === 'state:custom:lunch');
    expect(lunch).toMatchObject({ type: 'radio', checked: true, label: 'Lunch' });
    expect(template.find((t) => t.id === 'missed-calls')).toMatchObject({ enabled: false });
    template.find((t) => t.id === 'toggle-window')?.click?.();
    lunch?.click?.();
    expect(seen).toEqual([
      { kind: 'toggle-window' },
      { kind: 'set-state', state: 'custom', customId: 'lunch' },
    ]);
  });
});

describe('tray icon', () => {
  it('draws an opaque circle of the colour in BGRA with transparent corners', () => {
    const size = 16;
    const bitmap = trayIconBitmap('#17803d', size);
    expect(bitmap).toHaveLength(size * size * 4);
    const at = (x: number, y: number): number[] => [
      ...bitmap.subarray((y * size + x) * 4, (y * size + x) * 4 + 4),
    ];
    expect(at(8, 8)).toEqual([0x3d, 0x80, 0x17, 255]);
    expect(at(0, 0)[3]).toBe(0);
    expect(at(15, 15)[3]).toBe(0);
  });

  it('applyTrayState sets the menu, the tooltip and the icon of the state’s colour', () => {
    const calls: string[] = [];
    fake.images.length = 0;
    const tray = {
      setContextMenu: (menu: unknown) => calls.push(`menu:${menu === null ? 'null' : 'set'}`),
      setToolTip: (text: string) => calls.push(`tip:${text}`),
      setImage: (image: unknown) => calls.push(`image:${JSON.stringify(image)}`),
    };
    applyTrayState(tray as never, state, () => {});
    expect(calls).toEqual(['menu:set', 'tip:Lunch — Back at 1', 'image:{"fakeImage":1}']);
    const drawn = fake.images[0];
    expect(drawn?.options).toEqual({ width: 32, height: 32, scaleFactor: 2 });
    // Lunch is based on away: the hold amber #9c5a00, stored as B, G, R, A.
    const centre = (16 * 32 + 16) * 4;
    expect([...(drawn?.buffer.subarray(centre, centre + 4) ?? [])]).toEqual([0x00, 0x5a, 0x9c, 255]);
  });
});
