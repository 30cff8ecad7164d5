/** Issue 12 §6: waiting voicemail in the tray — tooltip line, "Call voicemail (3)", and the call it places. */
import { describe, expect, it, vi } from 'vitest';
import type { LineState, LineVoicemail } from '../../shared/lines';
import { ok } from '../../shared/result';
import { DEFAULT_SETTINGS, toPublicSettings } from '../../shared/settings';
import type { PresenceSnapshot } from '../../shared/presence';
import { buildTrayMenu, trayTooltip, trayVoicemail, type TrayMenuItem, type TrayState } from './tray-menu';

const fake = vi.hoisted(() => {
  const trays: Array<{ menus: Array<{ template: Array<{ id?: string; label?: string; enabled?: boolean; click?: () => void }> }>; tooltips: string[] }> = [];
  class Tray {
    record = { menus: [] as never[], tooltips: [] as string[] };
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
    destroy(): void {}
  }
  return { trays, Tray, Menu: { buildFromTemplate: (template: unknown) => ({ template }) }, nativeImage: { createFromBitmap: () => ({}) } };
});
vi.mock('electron', () => ({ Tray: fake.Tray, Menu: fake.Menu, nativeImage: fake.nativeImage }));

const { TrayController } = await import('./tray');

const vm = (overrides: Partial<LineVoicemail> = {}): LineVoicemail => ({ state: 'watching', newMessages: 0, oldMessages: 0, ...overrides });
function line(number: number, voicemail: LineVoicemail | undefined, extra: Partial<LineState> = {}): LineState {
  return {
    number,
    id: `l${number}`,
    displayName: `Line ${number}`,
    aor: `sip:${199 + number}@test.local`,
    transport: 'udp',
    enabled: true,
    isDefault: number === 1,
    status: 'registered',
    ...(voicemail ? { voicemail } : {}),
    ...extra,
  };
}
const state = (overrides: Partial<TrayState> = {}): TrayState => ({ own: { state: 'available' }, customStates: [], windowVisible: true, ...overrides });
const item = (items: TrayMenuItem[], id: string): TrayMenuItem | undefined => items.find((i) => i.id === id);

describe('trayVoicemail', () => {
  it('adds up new messages over enabled lines and dials the first line with messages and a number', () => {
    const lines = [
      line(1, vm({ waiting: false, dial: '*97' })),
      line(2, vm({ waiting: true, newMessages: 2, dial: 'sip:*97@pbx' })),
      line(3, vm({ waiting: true })),
      line(4, vm({ waiting: true, newMessages: 7, dial: '*97' }), { enabled: false }),
    ];
    // Line 3 says "waiting" without counts (RFC 3842 §5.2): it counts as one.
    expect(trayVoicemail(lines)).toEqual({ waiting: 3, line: 2 });
    expect(trayVoicemail([line(1, vm({ dial: '*97' }))])).toEqual({ waiting: 0, line: 1 });
    expect(trayVoicemail([line(1, vm({ waiting: true, newMessages: 1 }))])).toEqual({ waiting: 1 });
  });

  it('is absent when no line watches a mailbox', () => {
    expect(trayVoicemail([line(1, undefined), line(2, vm({ state: 'off' }))])).toBeUndefined();
    expect(trayVoicemail([])).toBeUndefined();
  });
});

describe('the tray model with voicemail', () => {
  it('offers "Call voicemail (3)" for the line to dial, and says it in the tooltip', () => {
    const s = state({ voicemail: { waiting: 3, line: 2 } });
    expect(item(buildTrayMenu(s), 'call-voicemail')).toEqual({
      id: 'call-voicemail',
      label: 'Call voicemail (3)',
      type: 'normal',
      enabled: true,
      action: { kind: 'call-voicemail', line: 2 },
    });
    expect(trayTooltip(s)).toBe('Available\n3 new voicemail messages');
    expect(trayTooltip(state({ voicemail: { waiting: 1, line: 1 }, locale: 'de' }))).toBe('Verfügbar\n1 neue Sprachnachricht');
    expect(item(buildTrayMenu(state({ voicemail: { waiting: 3, line: 2 }, locale: 'de' })), 'call-voicemail')?.label).toBe('Mailbox anrufen (3)');
  });

  it('keeps "Call voicemail" without a count when nothing waits, disabled without a number, absent without a mailbox', () => {
    expect(item(buildTrayMenu(state({ voicemail: { waiting: 0, line: 1 } })), 'call-voicemail')?.label).toBe('Call voicemail');
    expect(trayTooltip(state({ voicemail: { waiting: 0, line: 1 } }))).toBe('Available');
    const noNumber = item(buildTrayMenu(state({ voicemail: { waiting: 2 } })), 'call-voicemail');
    expect(noNumber).toMatchObject({ enabled: false, label: 'Call voicemail (2)' });
    expect(noNumber?.action).toBeUndefined();
    expect(item(buildTrayMenu(state()), 'call-voicemail')).toBeUndefined();
  });

  it('cuts the note, never the voicemail line, to stay within 127 characters', () => {
    const tip = trayTooltip(state({ own: { state: 'available', note: 'x'.repeat(300) }, voicemail: { waiting: 12, line: 1 } }));
    expect(tip).toHaveLength(127);
    expect(tip.endsWith('…\n12 new voicemail messages')).toBe(true);
  });
});

describe('TrayController with voicemail', () => {
  it('follows lines.changed and dials the mailbox on its line from the menu', async () => {
    let lines = [line(1, vm({ dial: '*97' }))];
    const listeners = new Map<string, () => void>();
    const presence: PresenceSnapshot = { own: { state: 'available' }, published: { state: 'available' }, lines: [], watchers: [] };
    const dial = vi.fn((args: { line?: number; target: string }) => ok({ id: 'c1', ...args }));
    const showWindow = vi.fn();
    const tray = new TrayController({
      service: {
        snapshot: () => ({ settings: toPublicSettings(DEFAULT_SETTINGS), presence, lines, history: { unseenMissed: 0, unseenMissedNumbers: [], revision: 1 } }) as never,
        on: ((event: string, listener: () => void) => {
          listeners.set(event, listener);
          return () => listeners.delete(event);
        }) as never,
        handlers: { 'calls.dial': dial } as never,
      },
      isWindowVisible: () => false,
      showWindow,
      hideWindow: vi.fn(),
      quit: vi.fn(),
    });
    const record = fake.trays.at(-1)!;
    expect(record.tooltips.at(-1)).toBe('Available');
    lines = [line(1, vm({ waiting: true, newMessages: 3, dial: '*97' }))];
    listeners.get('lines.changed')?.();
    expect(record.tooltips.at(-1)).toBe('Available\n3 new voicemail messages');
    const entry = record.menus.at(-1)!.template.find((i) => i.id === 'call-voicemail');
    expect(entry?.label).toBe('Call voicemail (3)');
    entry?.click?.();
    await Promise.resolve();
    expect(dial).toHaveBeenCalledWith({ line: 1, target: '*97' });
    expect(showWindow).toHaveBeenCalled();
    tray.dispose();
  });
});
