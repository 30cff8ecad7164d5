// The per-layer tsconfigs of electron/sip, electron/core, electron/serve, shared/ and renderer/ map `electron` here
// (`paths`), so that importing it in those layers is a type error twice over: the import finds no export, and this
// file itself fails to compile as soon as anything pulls it into a program (a type-only or side-effect import
// included). See docs/architecture.md. Nothing else may import this file.
// eslint-disable-next-line @typescript-eslint/no-unused-vars
const electronIsNotAllowedInThisLayer: never = 'only electron/main and electron/preload may import electron';
export {};
