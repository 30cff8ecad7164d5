import { describe, expect, it, vi } from 'vitest';
import { ok } from '../../shared/result';
import { DEFAULT_SETTINGS, toPublicSettings } from '../../shared/settings';
import type { OwnPresence, PresenceSnapshot } from '../../shared/presence';

const fake = vi.hoisted(() => {
  const trays: Array<{ menus: Array<{ template: Array<{ label?: string; click?: () => void; submenu?: unknown }> }>; tooltips: string[]; destroyed: boolean }> = [];
  class Tray {
    record = { menus: [] as never[], tooltips: [] as string[], destroyed: false };
    constructor() {
      trays.push(this.record);
    }
    on(): void {}
    setContextMenu(menu: never): void {
      this.record.menus.push(menu);
    }
    setToolTip(text: string): void {
      this.record.tooltips.push(text);
    }
    setImage(): void {}
    destroy(): void {
      this.record.destroyed = true;
    }
  }
  return { trays, Tray, Menu: { buildFromTemplate: (template: unknown) => ({ template }) }, nativeImage: { createFromBitmap: () => ({}) } };
});
vi.mock('electron', () => ({ Tray: fake.Tray, Menu: fake.Menu, nativeImage: fake.nativeImage }));

const { TrayController } = await import('./tray');

function service(own: OwnPresence) {
  let presence: PresenceSnapshot = { own, published: own, lines: [], watchers: [] };
  const listeners = new Map<string, () => void>();
  const set = vi.fn((next: OwnPresence) => {
    presence = { ...presence, own: next, published: next };
    listeners.get('presence.changed')?.();
    return ok(presence);
  });
  return {
    set,
    api: {
      snapshot: () => ({ settings: toPublicSettings(DEFAULT_SETTINGS), presence, history: { unseenMissed: 2, unseenMissedNumbers: ['102'], revision: 3 } }) as never,
      on: ((event: string, listener: () => void) => {
        listeners.set(event, listener);
        return () => listeners.delete(event);
      }) as never,
      handlers: { 'presence.set': set } as never,
    },
  };
}

function clickLabel(label: string): void {
  const template = fake.trays.at(-1)!.menus.at(-1)!.template;
  const item = template.find((i) => i.label === label);
  if (!item?.click) throw new Error(`no menu item "${label}" in ${template.map((i) => i.label).join(', ')}`);
  item.click();
}

describe('TrayController', () => {
  it('shows the own state, sets a custom state keeping the note, and toggles the window', async () => {
    const s = service({ state: 'available', note: 'At the front desk' });
    let visible = true;
    const tray = new TrayController({ service: s.api, isWindowVisible: () => visible, showWindow: () => (visible = true), hideWindow: () => (visible = false), quit: vi.fn() });
    expect(fake.trays.at(-1)!.tooltips.at(-1)).toBe('Available — At the front desk');
    // The unseen missed calls of the history (issue 9) show in the menu.
    expect(fake.trays.at(-1)!.menus.at(-1)!.template.some((i) => i.label === '2 missed calls')).toBe(true);

    clickLabel('Lunch');
    await Promise.resolve();
    expect(s.set).toHaveBeenCalledWith({ state: 'away', customId: 'lunch', note: 'At the front desk' });
    expect(fake.trays.at(-1)!.tooltips.at(-1)).toMatch(/^Lunch/);

    clickLabel('Do not disturb');
    expect(s.set).toHaveBeenLastCalledWith({ state: 'dnd', note: 'At the front desk' });

    clickLabel('Hide window');
    expect(visible).toBe(false);
    clickLabel('Show window');
    expect(visible).toBe(true);
    tray.dispose();
    expect(fake.trays.at(-1)!.destroyed).toBe(true);
  });

  it('quits through the app, which runs the bounded un-PUBLISH/un-SUBSCRIBE/un-REGISTER shutdown', () => {
    const quit = vi.fn();
    new TrayController({ service: service({ state: 'away' }).api, isWindowVisible: () => true, showWindow: vi.fn(), hideWindow: vi.fn(), quit });
    clickLabel('Quit');
    expect(quit).toHaveBeenCalledOnce();
  });
});
