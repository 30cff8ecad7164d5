/**
 * Moving calls from the busy lamp field (issue 11): what a click or Enter on a tile does (call, pick up, park or
 * retrieve), the tile menu (its entries and what each does) and a call dropped on a tile. The panel supplies the
 * toast and a way to give the focus back to a tile when the menu closes.
 */
import { computed, ref } from 'vue';
import type { CallView } from '../../../shared/calls';
import type { TileView } from '../../../shared/tiles';
import { t } from '../i18n';
import { useCallsStore } from '../stores/calls';
import { useSettingsStore } from '../stores/settings';
import { useTilesStore } from '../stores/tiles';
import { useTransferStore, type DropMode } from '../stores/transfer';
import { tileNumber } from '../util/tile-number';
import { lineTransferCodes, parkState, pickupOffered } from '../util/transfer-text';
import { useCallerName } from './use-caller-name';

export interface PanelTransferOptions {
  /** Shows a short message to the receptionist. */
  showToast: (message: string) => void;
  /** Puts the focus back on a tile (when its menu closes). */
  focusTile: (id: string) => void;
}

export function usePanelTransfer({ showToast, focusTile }: PanelTransferOptions) {
  const tiles = useTilesStore();
  const calls = useCallsStore();
  const transfer = useTransferStore();
  const settings = useSettingsStore();
  const callerName = useCallerName();
  /** The open tile menu: which tile, and where. */
  const menu = ref<{ id: string; x: number; y: number } | undefined>();

  /**
   * What a click or Enter on a tile does: a park slot retrieves or parks, a ringing colleague's call is picked up,
   * any other tile is called.
   */
  async function activate(id: string): Promise<void> {
    const tile = tiles.get(id);
    if (tile?.park) return parkSlot(tile);
    if (tile && pickupOffered(tile, calls.calls)) return pickup(tile);
    return callTile(id);
  }

  function who(call: CallView): string {
    return callerName(call.far) ?? call.far.number;
  }

  async function pickup(tile: TileView): Promise<void> {
    const result = await calls.pickup(tile.id, true);
    showToast(result.ok ? t('panel.pickingUp', { name: tile.name }) : t('panel.pickupFailed', { name: tile.name, message: result.error.message }));
  }

  /** Picks up the call ringing at the tile `id` (the tile's Pick up button). */
  function pickupTile(id: string): void {
    const tile = tiles.get(id);
    if (tile) void pickup(tile);
  }

  /** Retrieves a parked call: dials the slot on the tile's line. */
  async function retrieve(tile: TileView): Promise<void> {
    const result = await calls.dial(tile.uri, tile.line);
    showToast(result.ok ? t('panel.retrieving', { name: tile.name }) : t('panel.retrieveFailed', { name: tile.name, message: result.error.message }));
  }

  async function parkAt(tile: TileView, call: CallView): Promise<void> {
    const result = await calls.park(call.id, tile.uri, true);
    showToast(result.ok ? t('panel.parking', { who: who(call), name: tile.name }) : t('panel.parkFailed', { name: tile.name, message: result.error.message }));
  }

  /** A park slot: an occupied one gives its call back; a free one takes the current call (if any). */
  async function parkSlot(tile: TileView): Promise<void> {
    const state = parkState(tile);
    const current = transfer.current;
    if (state === 'parked') return retrieve(tile);
    if (current) return parkAt(tile, current);
    if (state === 'free') return showToast(t('panel.parkFree', { name: tile.name }));
    return retrieve(tile);
  }

  const menuTile = computed(() => (menu.value ? tiles.get(menu.value.id) : undefined));

  /** The tile menu's entries for `tile`, given the calls right now. */
  const menuItems = computed(() => {
    const tile = menuTile.value;
    if (!tile) return [];
    const items: { id: string; label: string }[] = [];
    const current = transfer.current;
    if (tile.park) {
      const state = parkState(tile);
      if (state !== 'free') items.push({ id: 'retrieve', label: t('menu.retrieve') });
      if (current && state !== 'parked') items.push({ id: 'park', label: t('menu.park', { who: who(current) }) });
      return items;
    }
    if (pickupOffered(tile, calls.calls)) items.push({ id: 'pickup', label: t('menu.pickup') });
    if (tile.action.kind === 'call') items.push({ id: 'call', label: t('menu.call', { name: tile.name }) });
    if (current) {
      items.push({ id: 'transfer', label: t('menu.transfer', { who: who(current) }) });
      items.push({ id: 'consult', label: t('menu.consult', { name: tile.name }) });
      if (lineTransferCodes(settings.saved, current.line).voicemailPrefix)
        items.push({ id: 'voicemail', label: t('menu.voicemail', { who: who(current), name: tile.name }) });
    }
    return items;
  });

  function openMenu(id: string, x: number, y: number): void {
    menu.value = { id, x, y };
  }

  function closeMenu(): void {
    const id = menu.value?.id;
    menu.value = undefined;
    if (id) focusTile(id);
  }

  async function chooseFromMenu(action: string): Promise<void> {
    const tile = menuTile.value;
    const current = transfer.current;
    closeMenu();
    if (!tile) return;
    switch (action) {
      case 'call':
        return callTile(tile.id);
      case 'pickup':
        return pickup(tile);
      case 'retrieve':
        return retrieve(tile);
      case 'park':
        return current ? parkAt(tile, current) : undefined;
      case 'transfer':
      case 'consult':
        if (current) await transfer.toTile(current.id, tile, action === 'consult' ? 'consult' : 'blind');
        return;
      case 'voicemail':
        if (current) await calls.transfer(current.id, tileNumber(tile.uri), { voicemail: true });
        return;
      default:
        return;
    }
  }

  function onDrop(call: string, tile: string, mode: DropMode): void {
    void transfer.drop(call, tile, mode);
  }

  /** Calls the tile's extension on the tile's line (a key without a call action only says so). */
  async function callTile(id: string): Promise<void> {
    const activation = tiles.activate(id);
    if (!activation) return;
    if (activation.action.kind !== 'call') return showToast(t('panel.noAction', { name: activation.name }));
    const result = await calls.dial(activation.action.uri, tiles.get(id)?.line);
    showToast(
      result.ok
        ? t('panel.calling', { number: activation.number, name: activation.name })
        : t('panel.callFailed', { number: activation.number, name: activation.name, message: result.error.message }),
    );
  }

  return { menu, menuTile, menuItems, activate, pickupTile, openMenu, closeMenu, chooseFromMenu, onDrop };
}
