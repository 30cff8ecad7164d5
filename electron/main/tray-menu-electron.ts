/**
 * Electron side of the tray (issue 4 §4): turns the pure model of `tray-menu.ts` into `Menu.buildFromTemplate`
 * templates whose clicks dispatch the item's {@link TrayAction}, draws the state-coloured icon, and applies both
 * plus the tooltip to a `Tray`.
 */
import { Menu, nativeImage, type MenuItemConstructorOptions, type NativeImage, type Tray } from 'electron';
import {
  buildTrayMenu,
  trayIconColor,
  trayTooltip,
  type TrayAction,
  type TrayMenuItem,
  type TrayState,
} from './tray-menu';

/** Receives the action of a clicked tray item. */
export type TrayDispatch = (action: TrayAction) => void;

/** The model as Electron menu templates; items with an action get a click handler that dispatches it. */
export function toMenuTemplate(items: TrayMenuItem[], dispatch: TrayDispatch): MenuItemConstructorOptions[] {
  return items.map((item) => {
    if (item.type === 'separator') return { id: item.id, type: 'separator' };
    const template: MenuItemConstructorOptions = {
      id: item.id,
      label: item.label,
      type: item.type ?? 'normal',
    };
    if (item.checked !== undefined) template.checked = item.checked;
    if (item.enabled !== undefined) template.enabled = item.enabled;
    if (item.submenu) template.submenu = toMenuTemplate(item.submenu, dispatch);
    const action = item.action;
    if (action) template.click = () => dispatch(action);
    return template;
  });
}

/** Builds the Electron context menu for `state`. */
export function buildTrayContextMenu(state: TrayState, dispatch: TrayDispatch): Menu {
  return Menu.buildFromTemplate(toMenuTemplate(buildTrayMenu(state), dispatch));
}

/**
 * A filled circle of `hex` (`#rrggbb`) on transparency, `size` device pixels square. Raw pixels rather than an image
 * file per state: the colour comes from the palette table, and a new state needs no new asset.
 * Electron bitmaps are BGRA (the layout `NativeImage.toBitmap()` returns).
 */
export function trayIconBitmap(hex: string, size = 32): Buffer {
  const rgb = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  const [r, g, b] = rgb ? [1, 2, 3].map((i) => parseInt(rgb[i] as string, 16)) : [0x6b, 0x74, 0x82];
  const pixels = Buffer.alloc(size * size * 4);
  const centre = (size - 1) / 2;
  const radius = size / 2 - 0.5;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const distance = Math.hypot(x - centre, y - centre);
      // One pixel of soft edge keeps the circle from looking jagged at tray sizes.
      const alpha = Math.max(0, Math.min(1, radius - distance + 0.5));
      if (alpha === 0) continue;
      const at = (y * size + x) * 4;
      pixels[at] = b as number;
      pixels[at + 1] = g as number;
      pixels[at + 2] = r as number;
      pixels[at + 3] = Math.round(alpha * 255);
    }
  }
  return pixels;
}

/** The tray icon for a colour, drawn at 2x so it stays sharp on high-DPI panels. */
export function trayIconImage(hex: string): NativeImage {
  return nativeImage.createFromBitmap(trayIconBitmap(hex, 32), { width: 32, height: 32, scaleFactor: 2 });
}

/** Applies menu, tooltip and icon colour of `state` to `tray`; call again whenever the state changes. */
export function applyTrayState(
  tray: Pick<Tray, 'setContextMenu' | 'setToolTip' | 'setImage'>,
  state: TrayState,
  dispatch: TrayDispatch,
): void {
  tray.setContextMenu(buildTrayContextMenu(state, dispatch));
  tray.setToolTip(trayTooltip(state));
  tray.setImage(trayIconImage(trayIconColor(state)));
}
