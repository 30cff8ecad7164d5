/**
 * Splits the settings-file problem the engine reports (`SettingsStore.problem`, built with the shared
 * `describeProblems`) into its parts, so every screen can list each problem with its field: "<file> was refused:
 * A (field x); B (field y); and 3 more problems. The file was left untouched; …".
 */

export interface SettingsProblemItem {
  message: string;
  /** Dotted field path (`lines.0.domain`), when the problem names one. */
  field?: string;
}

export interface SettingsProblemParts {
  /** What happened to the file: "<path> was refused", "<path>: line 2 disabled until fixed in Settings". */
  summary: string;
  items: SettingsProblemItem[];
  /** Problems counted but not spelled out by the engine (`; and 3 more problems`). */
  more: number;
  /** The closing sentence ("The file was left untouched; …"), if any. */
  note?: string;
}

/** Where the list of problems starts in the engine's text (settings-store.ts). */
const LIST_MARKERS = [' was refused: ', ' until fixed in Settings: '];
const NOTE = '. The file was left untouched';
const MORE = /; and (\d+) more problems?$/;
const WITH_FIELD = /^(.*) \(field (\S+)\)$/s;

export function splitSettingsProblem(text: string): SettingsProblemParts {
  const marker = LIST_MARKERS.map((m) => ({ m, at: text.indexOf(m) })).find(({ at }) => at >= 0);
  // Not a list (unreadable file, not JSON): the whole text is the summary.
  if (!marker) return { summary: text, items: [], more: 0 };
  const summary = text.slice(0, marker.at + marker.m.length - 2);
  let list = text.slice(marker.at + marker.m.length);
  let note: string | undefined;
  const noteAt = list.lastIndexOf(NOTE);
  if (noteAt >= 0) {
    note = list.slice(noteAt + 2);
    list = list.slice(0, noteAt);
  }
  let more = 0;
  const moreMatch = MORE.exec(list);
  if (moreMatch) {
    more = Number(moreMatch[1]);
    list = list.slice(0, moreMatch.index);
  }
  const items = list
    .split('; ')
    .filter((part) => part.trim() !== '')
    .map((part): SettingsProblemItem => {
      const withField = WITH_FIELD.exec(part);
      return withField ? { message: withField[1]!, field: withField[2]! } : { message: part };
    });
  return { summary, items, more, ...(note !== undefined ? { note } : {}) };
}
