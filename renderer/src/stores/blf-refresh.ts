/**
 * "Refresh lamps" (`blf.refresh`): the receptionist's way to force every lamp subscription (of one line, or all)
 * to be renewed when the panel looks frozen. One request per scope at a time; the last outcome per scope is kept
 * so the button's place can say what happened ("Refreshing 12 lamp subscriptions", or why not).
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { t } from '../i18n';
import { useConsoleApiStore } from './console-api';

/** A line number, or `'all'` for every line. */
export type RefreshScope = number | 'all';

export interface RefreshOutcome {
  scope: RefreshScope;
  /** How many subscriptions the engine is renewing; absent when the request failed. */
  subscriptions?: number;
  error?: string;
  /** Epoch ms of the answer, so a view can let an old outcome fade. */
  at: number;
}

/** The outcome in words, e.g. "Refreshing 12 lamp subscriptions" or "Line 2: Lamps not refreshed: …". */
export function refreshMessage(outcome: RefreshOutcome): string {
  const { subscriptions, error, scope } = outcome;
  let text: string;
  if (error !== undefined) text = t('lamps.failed', { message: error });
  else if (!subscriptions) text = t('lamps.none');
  else text = subscriptions === 1 ? t('lamps.startedOne') : t('lamps.started', { count: subscriptions });
  return scope === 'all' ? text : t('lamps.forLine', { line: scope, message: text });
}

export const useBlfRefreshStore = defineStore('blfRefresh', () => {
  const busy = ref<Set<RefreshScope>>(new Set());
  const outcomes = ref<Map<RefreshScope, RefreshOutcome>>(new Map());

  function setBusy(scope: RefreshScope, on: boolean): void {
    const next = new Set(busy.value);
    if (on) next.add(scope);
    else next.delete(scope);
    busy.value = next;
  }

  /** Asks the engine to renew the lamps of `line` (or all); resolves to the outcome, or undefined when not sent. */
  async function refresh(line?: number): Promise<RefreshOutcome | undefined> {
    const scope: RefreshScope = line ?? 'all';
    const api = useConsoleApiStore().api;
    if (!api || busy.value.has(scope)) return undefined;
    setBusy(scope, true);
    try {
      const result = await api.invoke('blf.refresh', line === undefined ? {} : { line });
      const outcome: RefreshOutcome = result.ok
        ? { scope, subscriptions: result.value.subscriptions, at: Date.now() }
        : { scope, error: result.error.message, at: Date.now() };
      outcomes.value = new Map(outcomes.value).set(scope, outcome);
      return outcome;
    } finally {
      setBusy(scope, false);
    }
  }

  return { busy, outcomes, refresh };
});
