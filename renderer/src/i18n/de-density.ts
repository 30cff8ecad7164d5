import type { enDensity } from './en-density';

/** German UI strings: the panel's density, tile size and columns (issue 12); the type makes a missing key a compile error. */
export const deDensity: Record<keyof typeof enDensity, string> = {
  'density.label': 'Dichte',
  'density.wall': 'Wand',
  'density.comfortableTitle': 'Normal: Name, Nummer, Zustand und Notiz',
  'density.compactTitle': 'Kompakt: Name, Nummer und Zustand in zwei Zeilen',
  'density.wallTitle': 'Wand: nur Nummer und Zustand, der Name im Tooltip',
  'density.size': 'Kachelgröße',
  'density.s': 'S',
  'density.m': 'M',
  'density.l': 'L',
  'density.sTitle': 'Kleine Kacheln',
  'density.mTitle': 'Mittlere Kacheln',
  'density.lTitle': 'Große Kacheln',
  'density.columns': 'Spalten',
  'density.auto': 'Auto',
  'density.short.hold': 'gehalten',
  'density.short.dnd': 'DND',
  'density.short.unknown': 'unbekannt',
} as const;
