/**
 * The `calls.*` and `history.*` command handlers (shared/contract.ts) over the call service and the history, kept
 * apart from console-service.ts so that file stays about wiring.
 */
import type { CommandHandlers } from '../../../shared/contract';
import type { HistoryPage, HistoryQuery, HistorySummary } from '../../../shared/history';
import { ok } from '../../../shared/result';
import type { CallService } from './call-service';

/** The history as the commands drive it (implemented by history/history-service.ts). */
export interface HistoryController {
  list(query: HistoryQuery): HistoryPage;
  markSeen(): HistorySummary;
  clear(): HistorySummary;
  summary(): HistorySummary;
  onChanged(listener: (summary: HistorySummary) => void): () => void;
}

type CallCommandName =
  | 'calls.dial'
  | 'calls.answer'
  | 'calls.reject'
  | 'calls.hangup'
  | 'calls.hold'
  | 'calls.resume'
  | 'calls.sendDtmf'
  | 'calls.mute'
  | 'calls.transfer'
  | 'calls.consult'
  | 'calls.completeTransfer'
  | 'calls.pickup'
  | 'calls.park'
  | 'history.list'
  | 'history.markSeen'
  | 'history.clear';

/** The call service as the commands and the console service drive it. */
export type CallsController = Pick<
  CallService,
  | 'apply'
  | 'views'
  | 'onChanged'
  | 'shutdown'
  | 'dial'
  | 'answer'
  | 'reject'
  | 'hangup'
  | 'hold'
  | 'resume'
  | 'sendDtmf'
  | 'mute'
  | 'transfer'
  | 'consult'
  | 'completeTransfer'
  | 'pickup'
  | 'park'
>;

export function callCommandHandlers(calls: CallsController, history: HistoryController): Pick<CommandHandlers, CallCommandName> {
  return {
    'calls.dial': (args) => calls.dial(args),
    'calls.answer': ({ call }) => calls.answer(call),
    'calls.reject': ({ call, voicemail }) => calls.reject(call, voicemail === true),
    'calls.hangup': ({ call }) => calls.hangup(call),
    'calls.hold': ({ call }) => calls.hold(call),
    'calls.resume': ({ call }) => calls.resume(call),
    'calls.sendDtmf': ({ call, digits }) => calls.sendDtmf(call, digits),
    'calls.mute': ({ call, muted }) => calls.mute(call, muted),
    'calls.transfer': ({ call, target, mode, voicemail }) => calls.transfer(call, target, mode, voicemail === true),
    'calls.consult': ({ call, target }) => calls.consult(call, target),
    'calls.completeTransfer': ({ consult }) => calls.completeTransfer(consult),
    'calls.pickup': ({ tile }) => calls.pickup(tile),
    'calls.park': ({ call, slot }) => calls.park(call, slot),
    'history.list': (query) => ok(history.list(query)),
    'history.markSeen': () => ok(history.markSeen()),
    'history.clear': () => ok(history.clear()),
  };
}
