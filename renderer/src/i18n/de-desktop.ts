import type { enDesktop } from './en-desktop';

/** German UI strings for the Desktop app card of Settings (see ./en-desktop.ts). Part of the catalogue in ./de.ts. */
export const deDesktop: Record<keyof typeof enDesktop, string> = {
  'desktop.title': 'Desktop-App',
  'desktop.browserNote': 'Diese Einstellungen wirken in der Desktop-App. Im Browser werden sie gespeichert, haben aber keine Wirkung.',
  'field.startAtLogin': 'Bei der Anmeldung starten, verborgen im Infobereich',
  'field.answerShortcut': 'Tastenkürzel zum Annehmen (aus jeder Anwendung)',
  'field.answerShortcutHint': 'Nimmt den am längsten klingelnden Anruf an, auch wenn ein anderes Programm den Fokus hat. Leer = keines. Standard: {shortcut}.',
  'desktop.useDefault': 'Standard verwenden',
  'desktop.turnOff': 'Kein Kürzel',
  'desktop.links': 'Links mit sip:, tel: und callto: öffnen die Konsole und wählen die Nummer. Dock oder Taskleiste zeigen die Zahl der verpassten Anrufe.',
};
