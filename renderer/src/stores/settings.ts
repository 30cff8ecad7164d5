/**
 * Settings editing: the saved settings (from `snapshot` / `settings.changed`) and a draft the form edits. The draft
 * is validated on every keystroke with the same shared validator main uses, and is never replaced while it has
 * unsaved changes, so nothing typed is lost — not on a failed save, not when settings change elsewhere.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { DEFAULT_AUDIO_SETTINGS, type AudioSettings } from '../../../shared/audio';
import type { AppError } from '../../../shared/result';
import { DEFAULT_SETTINGS, MAX_LINES, type PublicSettings } from '../../../shared/settings';
import { settingsErrors, type FieldError } from '../../../shared/settings-validate';
import {
  copyAudio,
  draftFrom,
  emptyDraftLine,
  toInput,
  valueAt,
  type DraftLine,
  type DraftSettings,
} from '../util/settings-draft';
import { draftCallsFrom } from '../util/setup-draft';
import { useConsoleApiStore } from './console-api';

/** A failed `settings.save`, with the value its field had then (the error is stale once that value changes). */
interface ServerError {
  error: AppError;
  valueThen: unknown;
}

function emptyDraft(): DraftSettings {
  return {
    lines: [],
    defaultLineId: undefined,
    sip: { t1Ms: '', t2Ms: '', t4Ms: '', retryBaseSeconds: '', retryMaxSeconds: '', keepAliveSeconds: '', subscriptionExpiresSeconds: '' },
    diagnostics: { traceToFile: false, traceBufferSize: '' },
    tiles: [],
    tileLists: [],
    notify: { profile: 'console', ratePerSecond: '', queueBound: '' },
    presence: { customStates: [], autoAwayMinutes: '', onThePhone: false },
    calls: draftCallsFrom(undefined),
    audio: copyAudio(DEFAULT_AUDIO_SETTINGS),
    ui: { ...DEFAULT_SETTINGS.ui },
    desktop: { ...DEFAULT_SETTINGS.desktop },
    directory: { contacts: [] },
  };
}

export const useSettingsStore = defineStore('settings', () => {
  const saved = ref<PublicSettings | undefined>();
  const problem = ref<string | undefined>();
  const draft = ref<DraftSettings>(emptyDraft());
  /** JSON of the draft as last loaded; the draft is dirty while it differs. */
  const baseline = ref(JSON.stringify(toInput(draft.value)));
  const selectedId = ref<string | undefined>();
  /** Copy of the line as it was when editing started, for Esc. */
  const editOrigin = ref<DraftLine | undefined>();
  /** Fields the user has touched; errors of untouched fields wait until a save is attempted. */
  const touched = ref<Set<string>>(new Set());
  const attempted = ref(false);
  const saving = ref(false);
  const serverError = ref<ServerError | undefined>();

  const input = computed(() => toInput(draft.value));
  const dirty = computed(() => JSON.stringify(input.value) !== baseline.value);
  const errors = computed<FieldError[]>(() => settingsErrors(input.value));
  const selected = computed(() => draft.value.lines.find((line) => line.id === selectedId.value));
  const selectedIndex = computed(() => draft.value.lines.findIndex((line) => line.id === selectedId.value));
  const canAddLine = computed(() => draft.value.lines.length < MAX_LINES);

  /** The server's error while the field it names still holds the value that was refused. */
  const activeServerError = computed(() => {
    const current = serverError.value;
    if (!current) return undefined;
    const field = current.error.field;
    if (field && JSON.stringify(valueAt(input.value, field)) !== JSON.stringify(current.valueThen)) return undefined;
    return current.error;
  });

  /** The message to show next to `path` (`lines.0.domain`), if any: the server's first, then the validator's. */
  function fieldError(path: string): string | undefined {
    const server = activeServerError.value;
    if (server?.field === path) return server.message;
    if (!attempted.value && !touched.value.has(path)) return undefined;
    return errors.value.find((error) => error.field === path)?.message;
  }

  /** Whether the line at `index` has any validation problem (for the marker in the line list). */
  function lineHasErrors(index: number): boolean {
    return hasErrorsUnder(`lines.${index}.`);
  }

  /** Whether any shown problem sits at or below `prefix` (`tiles.3.`): for markers in the key and line lists. */
  function hasErrorsUnder(prefix: string): boolean {
    if (activeServerError.value?.field?.startsWith(prefix)) return true;
    return errors.value.some((error) => error.field.startsWith(prefix) && (attempted.value || touched.value.has(error.field)));
  }

  function touch(path: string): void {
    if (!touched.value.has(path)) touched.value = new Set(touched.value).add(path);
  }

  function resetDraft(settings: PublicSettings): void {
    draft.value = draftFrom(settings);
    baseline.value = JSON.stringify(toInput(draft.value));
    touched.value = new Set();
    attempted.value = false;
    editOrigin.value = undefined;
    if (!draft.value.lines.some((line) => line.id === selectedId.value)) selectedId.value = undefined;
  }

  /** Takes saved settings from the engine; the draft follows only when it has no unsaved changes. */
  function applySaved(settings: PublicSettings, settingsProblem?: string): void {
    saved.value = settings;
    if (settingsProblem !== undefined || problem.value !== undefined) problem.value = settingsProblem;
    if (!dirty.value && !saving.value) resetDraft(settings);
  }

  /**
   * Takes the audio settings `audio.save` returned (the Audio screen saves each change at once), without touching
   * the unsaved edits of the settings draft.
   */
  function applyAudio(audio: AudioSettings): void {
    if (!saved.value) return;
    saved.value = { ...saved.value, audio };
    if (!dirty.value && !saving.value) {
      draft.value.audio = copyAudio(audio);
      baseline.value = JSON.stringify(toInput(draft.value));
    }
  }

  function revert(): void {
    serverError.value = undefined;
    if (saved.value) resetDraft(saved.value);
  }

  function select(id: string | undefined): void {
    selectedId.value = id;
    const line = draft.value.lines.find((candidate) => candidate.id === id);
    editOrigin.value = line ? { ...line } : undefined;
  }

  function addLine(): DraftLine | undefined {
    if (!canAddLine.value) return undefined;
    const line = emptyDraftLine();
    draft.value.lines.push(line);
    draft.value.defaultLineId ??= line.id;
    select(line.id);
    return line;
  }

  function removeLine(id: string): void {
    const lines = draft.value.lines;
    const index = lines.findIndex((line) => line.id === id);
    if (index < 0) return;
    lines.splice(index, 1);
    if (draft.value.defaultLineId === id) draft.value.defaultLineId = lines[0]?.id;
    if (selectedId.value === id) select(undefined);
  }

  /** Moves a line up (-1) or down (+1); its number changes with its position. */
  function moveLine(id: string, delta: -1 | 1): boolean {
    const lines = draft.value.lines;
    const from = lines.findIndex((line) => line.id === id);
    const to = from + delta;
    if (from < 0 || to < 0 || to >= lines.length) return false;
    const [line] = lines.splice(from, 1);
    if (line) lines.splice(to, 0, line);
    return true;
  }

  function setDefault(id: string): void {
    draft.value.defaultLineId = id;
  }

  /** Esc: puts the edited line back as it was when editing started (or drops it if it was just added). */
  function cancelEdit(): void {
    const origin = editOrigin.value;
    const index = selectedIndex.value;
    if (origin && index >= 0) {
      if (origin.isNew && origin.user === '' && origin.domain === '') removeLine(origin.id);
      else draft.value.lines.splice(index, 1, { ...origin });
    }
    select(undefined);
  }

  /**
   * Validates and sends the draft. On failure the draft stays exactly as typed and the error is kept for display.
   * Returns whether the settings were saved.
   */
  async function save(): Promise<boolean> {
    attempted.value = true;
    const api = useConsoleApiStore().api;
    // Never save before the real settings arrived: the empty placeholder draft would wipe every line.
    if (errors.value.length > 0 || !api || saving.value || !saved.value) return false;
    const sentJson = JSON.stringify(input.value);
    // Audio is saved on its own screen (audio.save) at once: send what is saved now, never the draft's older copy.
    const sent = { ...input.value, audio: copyAudio(saved.value.audio ?? DEFAULT_AUDIO_SETTINGS) };
    saving.value = true;
    serverError.value = undefined;
    try {
      const result = await api.invoke('settings.save', sent);
      if (!result.ok) {
        const field = result.error.field;
        serverError.value = { error: result.error, valueThen: field ? valueAt(sent, field) : undefined };
        return false;
      }
      saved.value = result.value;
      // Keystrokes made while the save was in flight are kept; the next save sends them.
      if (JSON.stringify(input.value) === sentJson) resetDraft(result.value);
      else baseline.value = JSON.stringify(toInput(draftFrom(result.value)));
      problem.value = undefined;
      return true;
    } finally {
      saving.value = false;
    }
  }

  return {
    saved,
    problem,
    draft,
    selectedId,
    selected,
    selectedIndex,
    saving,
    attempted,
    dirty,
    errors,
    canAddLine,
    activeServerError,
    fieldError,
    lineHasErrors,
    hasErrorsUnder,
    touch,
    applySaved,
    applyAudio,
    revert,
    select,
    addLine,
    removeLine,
    moveLine,
    setDefault,
    cancelEdit,
    save,
  };
});
