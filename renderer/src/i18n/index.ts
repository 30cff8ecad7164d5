/**
 * A deliberately tiny i18n: a reactive locale, catalogues keyed by {@link MessageKey}, and `t()` with `{name}`
 * placeholders. Enough for English and German without a dependency.
 */
import { ref } from 'vue';
import { de } from './de';
import { en, type MessageKey } from './en';

export type { MessageKey } from './en';
export type Locale = 'en' | 'de';

const catalogues: Record<Locale, Record<MessageKey, string>> = { en, de };

/** The active locale; reactive so templates re-render when it changes. */
export const locale = ref<Locale>('en');

const numberFormats = new Map<string, Intl.NumberFormat>();

/**
 * `value` written the active locale's way (thousands separators, a decimal comma in German), with at most
 * `maximumFractionDigits` decimals (Intl's default of 3 when not given). Reactive like {@link t}: it reads the locale.
 */
export function formatNumber(value: number, maximumFractionDigits?: number): string {
  const key = `${locale.value}:${maximumFractionDigits ?? ''}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale.value === 'de' ? 'de-DE' : 'en-US', maximumFractionDigits === undefined ? {} : { maximumFractionDigits });
    numberFormats.set(key, format);
  }
  return format.format(value);
}

/** Picks the first supported language from the browser's preference list (falls back to English). */
export function detectLocale(languages: readonly string[]): Locale {
  for (const language of languages) {
    const base = language.toLowerCase().split('-')[0];
    if (base === 'en' || base === 'de') return base;
  }
  return 'en';
}

/** The locale for a language setting (issue 12): `auto` follows the browser's / OS preference list. */
export function localeFor(choice: Locale | 'auto', languages: readonly string[]): Locale {
  return choice === 'auto' ? detectLocale(languages) : choice;
}

export function setLocale(next: Locale): void {
  locale.value = next;
  if (typeof document !== 'undefined') document.documentElement.lang = next;
}

/** Translates `key`, replacing `{name}` placeholders with `params.name`. Unknown placeholders stay visible. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = catalogues[locale.value][key] ?? en[key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}
