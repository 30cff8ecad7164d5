import type { enRegistration } from './en-registration';

/** German UI strings: whether a watched extension's phone is registered (RFC 3680 `reg`, issue 12); the type makes a missing or stray key a compile error. */
export const deRegistration: Record<keyof typeof enRegistration, string> = {
  'tileField.watchReg': 'Registrierung (reg)',
  'tile.reg.unknown': '{state} (Registrierung unbekannt)',
  'tile.reg.notRegistered': '{state} (nicht registriert)',
};
