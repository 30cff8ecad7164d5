/** English UI strings: whether a watched extension's phone is registered (RFC 3680 `reg`, issue 12). Part of ./en.ts. */
export const enRegistration = {
  'tileField.watchReg': 'Registration (reg)',
  'tile.reg.unknown': '{state} (registration unknown)',
  'tile.reg.notRegistered': '{state} (not registered)',
} as const;
