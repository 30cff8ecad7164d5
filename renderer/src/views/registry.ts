/**
 * Every main screen, in navigation order. The router (`composables/use-view.ts`), the sidebar and the Alt+digit
 * shortcuts all read this one list, so adding a view is one folder under `views/` plus one entry here.
 */
import type { Component } from 'vue';
import type { MessageKey } from '../i18n';
import AudioView from './audio/AudioView.vue';
import DiagnosticsView from './diagnostics/DiagnosticsView.vue';
import HistoryView from './history/HistoryView.vue';
import KeysView from './keys/KeysView.vue';
import LinesView from './lines/LinesView.vue';
import PanelView from './panel/PanelView.vue';
import PresenceView from './presence/PresenceView.vue';
import SettingsView from './settings/SettingsView.vue';

export interface ViewEntry {
  id: string;
  /** Its name in the sidebar. */
  label: MessageKey;
  /** SVG path data, drawn as a 20×20 stroke. */
  icon: string;
  /** The digit that opens the view with Alt, from anywhere. */
  shortcut: string;
  /** Whether the view edits the settings draft, so the sidebar marks it while the draft is unsaved. */
  editsSettings?: boolean;
  component: Component;
}

const ENTRIES = [
  // The busy lamp field is what a receptionist looks at all day, so it is the first screen.
  { id: 'panel', label: 'nav.panel', icon: 'M3 3h5v5H3zM12 3h5v5h-5zM3 12h5v5H3zM12 12h5v5h-5z', shortcut: '1', component: PanelView },
  { id: 'lines', label: 'nav.lines', icon: 'M3 5h2M8 5h9M3 10h2M8 10h9M3 15h2M8 15h9', shortcut: '2', component: LinesView },
  { id: 'keys', label: 'nav.keys', icon: 'M3 4h14v12H3zM6 8h2M10 8h4M6 12h8', shortcut: '3', editsSettings: true, component: KeysView },
  {
    id: 'settings',
    label: 'nav.settings',
    icon: 'M3 6h8M15 6h2M3 14h2M9 14h8M11 6a2 2 0 1 0 4 0a2 2 0 1 0-4 0M5 14a2 2 0 1 0 4 0a2 2 0 1 0-4 0',
    shortcut: '4',
    editsSettings: true,
    component: SettingsView,
  },
  { id: 'diagnostics', label: 'nav.diagnostics', icon: 'M2 10h3.5l2-5 3 10 2.5-7 1.5 2H18', shortcut: '5', component: DiagnosticsView },
  {
    id: 'presence',
    label: 'nav.presence',
    icon: 'M10 3a3.2 3.2 0 1 0 0 6.4A3.2 3.2 0 1 0 10 3zM3.5 17c.6-3.2 3.2-5.2 6.5-5.2s5.9 2 6.5 5.2',
    shortcut: '6',
    component: PresenceView,
  },
  // Call history (issue 9): the sidebar entry carries the unseen missed calls badge.
  { id: 'history', label: 'nav.history', icon: 'M3.5 10a6.5 6.5 0 1 0 1.9-4.6M3 3v3.5h3.5M10 6.5V10l2.5 1.5', shortcut: '7', component: HistoryView },
  // Audio devices, processing and ringer (issue 10): saved at once, so it does not edit the settings draft.
  { id: 'audio', label: 'nav.audio', icon: 'M4 12V10a6 6 0 0 1 12 0v2M3.5 12h3v5h-3zM13.5 12h3v5h-3z', shortcut: '8', component: AudioView },
] as const satisfies readonly ViewEntry[];

export type ViewId = (typeof ENTRIES)[number]['id'];

/** The entries as plain {@link ViewEntry}s, so optional fields read the same on every entry. */
export const VIEWS: readonly (ViewEntry & { id: ViewId })[] = ENTRIES;

export function viewEntry(id: ViewId): ViewEntry {
  return VIEWS.find((entry) => entry.id === id) ?? ENTRIES[0];
}

/** The view Alt+`key` opens; other modifiers are left to the focused control. */
export function viewForShortcut(event: Pick<KeyboardEvent, 'key' | 'altKey' | 'ctrlKey' | 'metaKey'>): ViewId | undefined {
  if (!event.altKey || event.ctrlKey || event.metaKey) return undefined;
  return VIEWS.find((entry) => entry.shortcut === event.key)?.id;
}
