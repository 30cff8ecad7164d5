import { afterEach, describe, expect, it } from 'vitest';
import { locale, setLocale } from '../i18n';
import { applyAppearance } from './use-appearance';

afterEach(() => {
  setLocale('en');
  document.documentElement.removeAttribute('data-theme');
});

describe('applyAppearance', () => {
  it('sets the chosen language and theme', () => {
    applyAppearance({ language: 'de', theme: 'dark' }, ['en-US']);
    expect(locale.value).toBe('de');
    expect(document.documentElement.lang).toBe('de');
    expect(document.documentElement.dataset.theme).toBe('dark');
  });

  it('follows the OS for auto: the preferred languages, and no theme attribute', () => {
    applyAppearance({ language: 'de', theme: 'light' }, []);
    applyAppearance({ language: 'auto', theme: 'auto' }, ['fr-FR', 'de-AT']);
    expect(locale.value).toBe('de');
    expect(document.documentElement.hasAttribute('data-theme')).toBe(false);
    applyAppearance({ language: 'auto', theme: 'auto' }, ['fr-FR']);
    expect(locale.value).toBe('en');
  });
});
