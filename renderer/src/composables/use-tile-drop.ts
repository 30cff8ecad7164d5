/**
 * Dropping a call dragged from the strip (./use-call-drag.ts) onto a tile of the grid (issue 11 §3): while a call
 * is dragged every tile shows its drop zones, the tile and zone under the pointer are noted so that zone lights
 * up, and a drop is handed to `onDropped` (call id, tile id, blind / consult / park). The grid binds the handlers
 * to its scroller once for all tiles.
 */
import { computed, ref, watch, type Ref } from 'vue';
import type { TileView } from '../../../shared/tiles';
import { useTransferStore, type DropMode } from '../stores/transfer';
import { carriesCall, droppedCall, dropZone, endCallDrag } from './use-call-drag';

/** The tile element (the one carrying `data-tile-id`) an event happened in. */
export function tileElementOf(target: EventTarget | null): HTMLElement | undefined {
  return (target as HTMLElement | null)?.closest<HTMLElement>('[data-tile-id]') ?? undefined;
}

export function useTileDrop(
  scroller: Ref<HTMLElement | undefined>,
  byId: Readonly<Ref<ReadonlyMap<string, TileView>>>,
  onDropped: (call: string, tile: string, mode: DropMode) => void,
) {
  const transfer = useTransferStore();
  /** The tile and zone under a dragged call. */
  const dropTarget = ref<{ id: string; zone: DropMode } | undefined>();
  /** A call from the strip is being dragged: every tile shows its drop zones. */
  const dropping = computed(() => !!transfer.dragging);

  watch(dropping, (now) => {
    if (!now) dropTarget.value = undefined;
  });

  /** The tile under a drag of a call, and what dropping there would do. */
  function dropAt(event: DragEvent): { tile: TileView; zone: DropMode } | undefined {
    const element = tileElementOf(event.target);
    const tile = element ? byId.value.get(element.dataset.tileId ?? '') : undefined;
    return element && tile ? { tile, zone: dropZone(event, element, tile) } : undefined;
  }

  /**
   * dragenter and dragover over a tile: accept the call (both must be cancelled — Chromium decides on the drop from
   * the dragenter alone when the pointer just arrived) and show the zone under the pointer.
   */
  function onDragOver(event: DragEvent): void {
    if (!carriesCall(event)) return;
    const at = dropAt(event);
    if (!at) {
      dropTarget.value = undefined;
      return;
    }
    // Accepting the drop: without preventDefault the browser refuses it.
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
    if (dropTarget.value?.id !== at.tile.id || dropTarget.value.zone !== at.zone) dropTarget.value = { id: at.tile.id, zone: at.zone };
  }

  function onDragLeave(event: DragEvent): void {
    if (!scroller.value?.contains(event.relatedTarget as Node | null)) dropTarget.value = undefined;
  }

  function onDrop(event: DragEvent): void {
    if (!carriesCall(event)) return;
    const at = dropAt(event);
    const call = droppedCall(event);
    dropTarget.value = undefined;
    if (!at || !call) return;
    event.preventDefault();
    endCallDrag();
    onDropped(call, at.tile.id, at.zone);
  }

  return { dropTarget, dropping, onDragOver, onDragLeave, onDrop };
}
