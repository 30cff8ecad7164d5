/**
 * Moving calls from the screen (issue 11): which call the transfer dialog is open for, which call is being dragged
 * (tiles show their drop zones meanwhile), and a drop that waits for the receptionist's yes (a busy, ringing or
 * offline colleague). The commands themselves go through the calls store.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { CallView } from '../../../shared/calls';
import type { CommandResult } from '../../../shared/contract';
import type { TileView } from '../../../shared/tiles';
import { canTransfer, dropAsksFirst } from '../util/transfer-text';
import { useCallsStore } from './calls';
import { useTilesStore } from './tiles';

/** What a drop on a tile does: transfer at once, consult first, or park (park slot tiles). */
export type DropMode = 'blind' | 'consult' | 'park';

/** A drop on a colleague who may not take the call, waiting for "transfer anyway". */
export interface PendingDrop {
  call: string;
  tile: string;
  mode: 'blind' | 'consult';
}

type MoveResult = CommandResult<'calls.transfer'> | CommandResult<'calls.consult'> | CommandResult<'calls.park'>;

export const useTransferStore = defineStore('transfer', () => {
  const calls = useCallsStore();
  const tiles = useTilesStore();
  /** The call the transfer dialog is open for. */
  const dialogCall = ref<string | undefined>();
  /** The call being dragged from the strip (set on dragstart, cleared on dragend). */
  const dragging = ref<string | undefined>();
  const pending = shallowRef<PendingDrop | undefined>();

  /**
   * Whether `call` may be transferred, dragged or parked: answered (talking or held), not a consultation, with no
   * consultation running for it (that one is completed or cancelled instead) and no transfer under way.
   */
  function movable(call: CallView): boolean {
    if (!canTransfer(call) || call.consultFor) return false;
    if (call.transfer?.state === 'trying' || call.transfer?.state === 'ringing') return false;
    return !calls.calls.some((other) => other.consultFor === call.id && other.state !== 'ended');
  }

  /** The call a transfer acts on when none is named: the one we talk on, else the longest-held one. */
  const current = computed<CallView | undefined>(() => {
    const active = calls.active;
    return active && movable(active) ? active : calls.held.find(movable);
  });

  /** Opens the transfer dialog for `call` (default: {@link current}). Returns whether there was a call to open it for. */
  function open(call?: string): boolean {
    const target = call ? calls.get(call) : current.value;
    if (!target || !movable(target)) return false;
    dialogCall.value = target.id;
    return true;
  }

  function close(): void {
    dialogCall.value = undefined;
  }

  /** Moves `call` to `tile` now: park slot → park there; otherwise a blind transfer or a consultation. */
  function toTile(call: string, tile: TileView, mode: DropMode): Promise<MoveResult> {
    if (tile.park || mode === 'park') return calls.park(call, tile.uri);
    return mode === 'consult' ? calls.consult(call, tile.uri) : calls.transfer(call, tile.uri);
  }

  /**
   * A call dropped on a tile: an idle colleague or a park slot gets it at once; anyone else (busy, ringing, on hold,
   * offline, do not disturb, unknown or stale) is asked about first. Returns what happened.
   */
  async function drop(call: string, tileId: string, mode: DropMode): Promise<'done' | 'failed' | 'confirm' | 'ignored'> {
    const tile = tiles.get(tileId);
    const subject = calls.get(call);
    if (!tile || !subject || !movable(subject)) return 'ignored';
    if (!tile.park && dropAsksFirst(tile)) {
      pending.value = { call, tile: tileId, mode: mode === 'consult' ? 'consult' : 'blind' };
      return 'confirm';
    }
    return (await toTile(call, tile, mode)).ok ? 'done' : 'failed';
  }

  /** "Transfer anyway": carries out the drop that waited. */
  async function confirm(): Promise<boolean> {
    const drop = pending.value;
    pending.value = undefined;
    const tile = drop ? tiles.get(drop.tile) : undefined;
    if (!drop || !tile || !calls.get(drop.call)) return false;
    return (await toTile(drop.call, tile, drop.mode)).ok;
  }

  function cancel(): void {
    pending.value = undefined;
  }

  return { dialogCall, dragging, pending, current, movable, open, close, toTile, drop, confirm, cancel };
});
