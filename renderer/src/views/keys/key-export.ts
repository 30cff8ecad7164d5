/**
 * "Export keys": the saved keys in the console's own key XML ({@link exportKeyConfiguration}), offered as a file
 * download through a Blob and a temporary link, which works in Electron's renderer and in the browser (serve mode).
 */
import { exportKeyConfiguration } from '../../../../shared/key-config-export';
import type { TileConfig } from '../../../../shared/tiles';

/** The download's file name, dated so several exports do not overwrite each other: `keys-2026-12-06.xml`. */
export function exportFileName(now: Date): string {
  return `keys-${now.toISOString().slice(0, 10)}.xml`;
}

/** Starts the download of `tiles` as key XML. */
export function downloadKeys(tiles: readonly TileConfig[], now = new Date()): void {
  const blob = new Blob([exportKeyConfiguration(tiles)], { type: 'application/xml' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = exportFileName(now);
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download; the URL is released after the browser has read it.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
