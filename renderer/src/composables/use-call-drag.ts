/**
 * Dragging a call from the calls strip onto a tile (issue 11 §3), with HTML5 drag and drop: the dragged row puts the
 * call id into the DataTransfer under {@link CALL_MIME} (and nothing under text/plain, so a drop into a text field
 * types nothing). During `dragover` only the types are readable, so the grid accepts anything carrying that type;
 * the drop reads the id back. The transfer store also notes the dragged call, so every tile can show its drop
 * zones while the drag lasts.
 *
 * Zones on a tile: the left part transfers at once (blind), the right part ({@link CONSULT_FRACTION} of the width)
 * consults first; Shift held while dropping consults wherever the call lands. A park slot tile is one zone: park.
 */
import type { TileView } from '../../../shared/tiles';
import { useTransferStore, type DropMode } from '../stores/transfer';

/** The DataTransfer type that carries a call id (the CallView id, not the SIP Call-ID). */
export const CALL_MIME = 'application/x-attendant-call';

/** The right part of a tile that means "consult first". */
export const CONSULT_FRACTION = 0.32;

/** Starts dragging `call`: the id goes into the DataTransfer, the store notes it for the tiles' drop zones. */
export function startCallDrag(event: DragEvent, call: string): void {
  const data = event.dataTransfer;
  if (!data) return;
  data.setData(CALL_MIME, call);
  data.effectAllowed = 'move';
  useTransferStore().dragging = call;
}

export function endCallDrag(): void {
  useTransferStore().dragging = undefined;
}

/** Whether a drag carries a call (readable during dragover, when the data itself is not). */
export function carriesCall(event: DragEvent): boolean {
  const types = event.dataTransfer?.types;
  return !!types && Array.from(types).includes(CALL_MIME);
}

/** The id of the call dropped (from the DataTransfer; the store's note when the data is unreadable). */
export function droppedCall(event: DragEvent): string | undefined {
  return event.dataTransfer?.getData(CALL_MIME) || useTransferStore().dragging || undefined;
}

/** What dropping here does: park on a park slot; consult with Shift or on the tile's right part; else blind. */
export function dropZone(event: Pick<DragEvent, 'shiftKey' | 'clientX'>, element: Element, tile: Pick<TileView, 'park'>): DropMode {
  if (tile.park) return 'park';
  if (event.shiftKey) return 'consult';
  const rect = element.getBoundingClientRect();
  if (rect.width <= 0) return 'blind';
  return event.clientX - rect.left >= rect.width * (1 - CONSULT_FRACTION) ? 'consult' : 'blind';
}
