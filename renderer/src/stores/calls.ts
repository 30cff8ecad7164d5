/**
 * Calls (issue 9 §4), fed by `snapshot` and `calls.changed`: the whole list arrives after every change, so the store
 * only keeps it and derives what the banner and the strip need. Actions return the command's Result so the caller
 * can show the error where the user acted; the last failure is also kept in {@link lastError} for the strip.
 *
 * Two things main does not send are kept here: since when a call is held (the strip's "waiting" time and the hold
 * reminder) and the numbers dialled recently (the dial box offers them; stored in localStorage).
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { CallView } from '../../../shared/calls';
import type { CommandArgs, CommandName, CommandResult } from '../../../shared/contract';
import type { AppError } from '../../../shared/result';
import { useConsoleApiStore } from './console-api';

const RECENT_KEY = 'attendant.recentNumbers';
const RECENT_MAX = 10;

/** A failed call action, for the strip to show. */
export interface CallActionError {
  command: CommandName;
  error: AppError;
  at: number;
}

function readRecent(): string[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string').slice(0, RECENT_MAX) : [];
  } catch {
    return [];
  }
}

function writeRecent(list: readonly string[]): void {
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify(list));
  } catch {
    // Storage unavailable (private mode): the list lasts for this session.
  }
}

/** Whether we hold the call (a call only the far end holds needs no reminder: the caller is not waiting on us). */
export function heldByUs(call: CallView): boolean {
  return call.state === 'held' && call.hold?.local !== false;
}

export const useCallsStore = defineStore('calls', () => {
  const calls = shallowRef<readonly CallView[]>([]);
  const heldSince = ref<Record<string, number>>({});
  const recent = ref<string[]>(readRecent());
  const lastError = shallowRef<CallActionError | undefined>();

  /** Replaces the list (snapshot or `calls.changed`), noting when each call went on hold. */
  function apply(list: readonly CallView[]): void {
    const next: Record<string, number> = {};
    const now = Date.now();
    for (const call of list) if (heldByUs(call)) next[call.id] = heldSince.value[call.id] ?? now;
    heldSince.value = next;
    calls.value = list;
  }

  /** Incoming calls ringing here, oldest first (the one to answer first). */
  const ringing = computed(() =>
    calls.value.filter((call) => call.direction === 'incoming' && call.state === 'ringing').sort((a, b) => a.startedAt - b.startedAt),
  );
  /** The call we are talking on. */
  const active = computed(() => calls.value.find((call) => call.state === 'connected'));
  /** Calls we hold, longest waiting first. */
  const held = computed(() =>
    calls.value.filter(heldByUs).sort((a, b) => (heldSince.value[a.id] ?? 0) - (heldSince.value[b.id] ?? 0)),
  );
  /** Calls not over yet. */
  const live = computed(() => calls.value.filter((call) => call.state !== 'ended'));

  /** How long `call` has waited on hold at `now` (0 when not held by us). */
  function waited(call: CallView, now: number): number {
    const since = heldSince.value[call.id];
    return since === undefined ? 0 : Math.max(0, now - since);
  }

  function get(id: string): CallView | undefined {
    return calls.value.find((call) => call.id === id);
  }

  /**
   * Runs a call command. `local`: the caller shows the outcome where the user acted (dial box, panel toast, transfer
   * dialog), so the strip does not repeat it; a failed dial is always shown where it was dialled.
   */
  async function run<K extends CommandName>(command: K, args: CommandArgs<K>, local = false): Promise<CommandResult<K>> {
    const api = useConsoleApiStore().api;
    const result: CommandResult<K> = api
      ? await api.invoke(command, args)
      : { ok: false, error: { code: 'transport-error', message: 'not connected to the console engine' } };
    if (command !== 'calls.dial' && !local) lastError.value = result.ok ? undefined : { command, error: result.error, at: Date.now() };
    return result;
  }

  function remember(target: string): void {
    const value = target.trim();
    recent.value = [value, ...recent.value.filter((item) => item !== value)].slice(0, RECENT_MAX);
    writeRecent(recent.value);
  }

  /** Dials `target` (number, `sip:` or `tel:` URI) on `line` (default line when absent); remembers it on success. */
  async function dial(target: string, line?: number): Promise<CommandResult<'calls.dial'>> {
    const result = await run('calls.dial', line === undefined ? { target: target.trim() } : { line, target: target.trim() });
    if (result.ok) remember(target);
    return result;
  }

  const answer = (call: string) => run('calls.answer', { call });
  const reject = (call: string, voicemail = false) => run('calls.reject', voicemail ? { call, voicemail } : { call });
  const hangup = (call: string) => run('calls.hangup', { call });
  const hold = (call: string) => run('calls.hold', { call });
  const resume = (call: string) => run('calls.resume', { call });
  const sendDtmf = (call: string, digits: string) => run('calls.sendDtmf', { call, digits });
  /** Mutes or unmutes the microphone for `call` (the far end hears silence; RTP keeps flowing). */
  const mute = (call: string, muted: boolean) => run('calls.mute', { call, muted });

  /**
   * Issue 11. Blind transfer of `call` to `target` (progress arrives as `CallView.transfer`); `voicemail` sends it to
   * the voicemail of extension `target`. `local`: the caller shows a failure itself (the transfer dialog).
   */
  const transfer = (call: string, target: string, options: { voicemail?: boolean; local?: boolean } = {}) =>
    run('calls.transfer', { call, target, mode: 'blind', ...(options.voicemail ? { voicemail: true } : {}) }, options.local);
  /** Holds `call` and dials `target` as a consultation; the result is the consultation call. */
  const consult = (call: string, target: string, local = false) => run('calls.consult', { call, target }, local);
  /** Connects the consultation's far end with the call it consults for (REFER with Replaces). */
  const completeTransfer = (consultation: string) => run('calls.completeTransfer', { consult: consultation });
  /** Directed pickup of the call ringing at tile `tile`. */
  const pickup = (tile: string, local = false) => run('calls.pickup', { tile }, local);
  /** Parks `call` at park slot `slot` (a park tile's address), or with the line's park code. */
  const park = (call: string, slot?: string, local = false) => run('calls.park', slot === undefined ? { call } : { call, slot }, local);

  /**
   * Swaps between two calls (a consultation and the call it consults for): holds the one we talk on, then resumes
   * the other. Stops at the first failure (the strip shows it).
   */
  async function swap(a: string, b: string): Promise<boolean> {
    const first = get(a);
    const second = get(b);
    if (!first || !second) return false;
    const [talking, waiting] = first.state === 'held' ? [second, first] : [first, second];
    if (talking.state === 'connected' && !(await hold(talking.id)).ok) return false;
    if (waiting.state === 'held') return (await resume(waiting.id)).ok;
    return true;
  }

  function clearError(): void {
    lastError.value = undefined;
  }

  return {
    calls,
    heldSince,
    recent,
    lastError,
    ringing,
    active,
    held,
    live,
    apply,
    waited,
    get,
    dial,
    answer,
    reject,
    hangup,
    hold,
    resume,
    sendDtmf,
    mute,
    transfer,
    consult,
    completeTransfer,
    pickup,
    park,
    swap,
    clearError,
  };
});
