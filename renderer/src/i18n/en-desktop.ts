/** English UI strings: the Desktop app card of Settings (issue 12 §7). Part of the catalogue in ./en.ts. */
export const enDesktop = {
  'desktop.title': 'Desktop app',
  'desktop.browserNote': 'These settings apply in the desktop app. In the browser they are kept but have no effect.',
  'field.startAtLogin': 'Start at login, hidden in the tray',
  'field.answerShortcut': 'Answer shortcut (from any application)',
  'field.answerShortcutHint': 'Answers the call ringing longest, even while another program has the focus. Empty = none. Default: {shortcut}.',
  'desktop.useDefault': 'Use default',
  'desktop.turnOff': 'No shortcut',
  'desktop.links': 'sip:, tel: and callto: links open the console and dial the number. The dock or taskbar shows the count of missed calls.',
};
