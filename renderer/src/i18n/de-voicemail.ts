/** German UI strings: the lines' own mailboxes (issue 12 §6). Part of the catalogue in ./de.ts. */
import type { enVoicemail } from './en-voicemail';

export const deVoicemail: Record<keyof typeof enVoicemail, string> = {
  'voicemail.new': '{count} neu',
  'voicemail.waiting': 'Nachrichten vorhanden',
  'voicemail.none': 'Keine neuen Nachrichten',
  'voicemail.urgent': '{count} dringend',
  'voicemail.old': '{count} alt',
  'voicemail.markTitle': 'Mailbox von Leitung {line}: {summary}',
  'voicemail.call': 'Mailbox anrufen',
  'voicemail.callCount': 'Mailbox anrufen ({count})',
  'voicemail.callTitle': '{target} auf Leitung {line} wählen',
  'voicemail.noTarget': 'Mailbox-Nummer der Leitung in den Einstellungen eintragen, um die Mailbox anzurufen',
  'voicemail.callFailed': 'Mailbox konnte nicht angerufen werden: {message}',
  'voicemail.unsupported': 'Keine Mailbox-Anzeige: die TK-Anlage antwortete {status}',
  'voicemail.failed': 'Mailbox-Anzeige gestört: {status}',
  'voicemail.title': '✉{count}',
  'voicemail.tile.watch': 'Mailbox (message-summary)',
  'voicemail.tile.count': '{count} neue Sprachnachrichten',
  'voicemail.setting.mwi': 'Wartende Sprachnachrichten anzeigen (message-summary)',
  'voicemail.setting.mwiHint': 'Abonniert die eigene Mailbox der Leitung (RFC 3842). Aus bei einer TK-Anlage ohne Mailbox.',
  'voicemail.setting.mailboxCode': 'Mailbox-Nummer',
  'voicemail.setting.mailboxCodeHint': 'Was „Mailbox anrufen“ wählt, z. B. *97. Leer: die von der TK-Anlage gemeldete Mailbox-Adresse.',
};
