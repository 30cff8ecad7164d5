import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SettingsInput } from '../../../shared/settings';
import { wireEvents } from '../api/wire-events';
import { createFakeApi, makeSettings, makeSnapshot } from '../testing/fake-console-api';
import { useSettingsStore } from './settings';

let sent: SettingsInput[];

async function setup(saveResult?: (input: SettingsInput) => ReturnType<typeof failure>) {
  sent = [];
  const fake = createFakeApi({
    snapshot: () => ({ ok: true, value: makeSnapshot({ app: { version: '1', mode: 'serve' }, settings: makeSettings(), lines: [] }) }),
    'trace.list': () => ({ ok: true, value: { entries: [] } }),
    'settings.save': (input) => {
      sent.push(structuredClone(input));
      if (saveResult) return saveResult(input);
      return { ok: true, value: { ...makeSettings(), ...input, lines: input.lines.map((line) => ({ ...line, hasPassword: !!line.password })) } };
    },
  });
  await wireEvents(fake.api).ready;
  return useSettingsStore();
}

function failure(field: string, message: string) {
  return { ok: false as const, error: { code: 'invalid-settings' as const, message, field } };
}

beforeEach(() => setActivePinia(createPinia()));

describe('useSettingsStore', () => {
  it('sends passwords write-only: absent keeps, typed replaces, explicit clear sends an empty string', async () => {
    const settings = await setup();
    const sales = settings.draft.lines[1];
    expect(settings.dirty).toBe(false);
    sales!.password = 's3cret';
    expect(settings.dirty).toBe(true);
    await settings.save();
    expect('password' in sent[0]!.lines[0]!).toBe(false);
    expect(sent[0]!.lines[1]!.password).toBe('s3cret');

    settings.draft.lines[0]!.clearPassword = true;
    await settings.save();
    expect(sent[1]!.lines[0]!.password).toBe('');
  });

  it('saves the audio saved on the Audio screen meanwhile, never the older copy the draft was made with', async () => {
    const settings = await setup();
    settings.draft.lines[0]!.displayName = 'Front desk';
    const audio = { ...makeSettings().audio, ringerVolume: 35, headset: { id: 'out-headset', label: 'Jabra Evolve 40 Mono' } };
    settings.applyAudio(audio);
    expect(settings.dirty).toBe(true);
    await settings.save();
    expect(sent[0]!.audio).toEqual(audio);
    expect(sent[0]!.lines[0]!.displayName).toBe('Front desk');
  });

  it('takes new audio settings without marking a clean draft dirty', async () => {
    const settings = await setup();
    settings.applyAudio({ ...makeSettings().audio, ringerVolume: 20 });
    expect(settings.dirty).toBe(false);
    expect(settings.saved?.audio.ringerVolume).toBe(20);
  });

  it('keeps a line\'s SRTP choice through a save', async () => {
    const snapshotSettings = makeSettings();
    snapshotSettings.lines[0] = { ...snapshotSettings.lines[0]!, transport: 'tls', srtp: 'require' };
    sent = [];
    const fake = createFakeApi({
      snapshot: () => ({ ok: true, value: makeSnapshot({ settings: snapshotSettings, lines: [] }) }),
      'trace.list': () => ({ ok: true, value: { entries: [] } }),
      'settings.save': (input) => {
        sent.push(structuredClone(input));
        return { ok: false, error: { code: 'invalid-settings', message: 'stop here' } };
      },
    });
    await wireEvents(fake.api).ready;
    const settings = useSettingsStore();
    settings.draft.lines[1]!.displayName = 'Sales desk';
    await settings.save();
    expect(sent[0]!.lines[0]!.srtp).toBe('require');
  });

  it('keeps the default line with its line when lines are reordered', async () => {
    const settings = await setup();
    settings.setDefault('l2');
    settings.moveLine('l2', -1);
    expect(settings.draft.lines.map((line) => line.id)).toEqual(['l2', 'l1']);
    await settings.save();
    expect(sent[0]!.defaultLine).toBe(1);
    settings.moveLine('l2', 1);
    await settings.save();
    expect(sent[1]!.defaultLine).toBe(2);
  });

  it('validates as typed but shows errors only for touched fields until a save is attempted', async () => {
    const settings = await setup();
    settings.draft.lines[0]!.domain = 'bad..domain';
    expect(settings.errors.map((error) => error.field)).toEqual(['lines.0.domain']);
    expect(settings.fieldError('lines.0.domain')).toBeUndefined();
    settings.touch('lines.0.domain');
    expect(settings.fieldError('lines.0.domain')).toMatch(/domain must be a host name/);
    expect(await settings.save()).toBe(false);
    expect(sent).toHaveLength(0);
  });

  it('keeps the draft and the server error on a failed save, and drops the error once the field changes', async () => {
    const settings = await setup(() => failure('lines.1.registrar', 'Line 2: registrar refused'));
    settings.draft.lines[1]!.registrar = 'reg.example.org:5070';
    expect(await settings.save()).toBe(false);
    expect(settings.draft.lines[1]!.registrar).toBe('reg.example.org:5070');
    expect(settings.dirty).toBe(true);
    expect(settings.fieldError('lines.1.registrar')).toBe('Line 2: registrar refused');
    settings.draft.lines[1]!.registrar = 'reg.example.org:5080';
    expect(settings.fieldError('lines.1.registrar')).toBeUndefined();
  });

  it('does not overwrite unsaved edits when settings change elsewhere', async () => {
    const settings = await setup();
    settings.draft.lines[0]!.displayName = 'Front desk';
    const external = makeSettings();
    external.lines[1] = { ...external.lines[1]!, displayName: 'Changed elsewhere' };
    settings.applySaved(external);
    expect(settings.draft.lines[0]!.displayName).toBe('Front desk');
    settings.revert();
    expect(settings.draft.lines.map((line) => line.displayName)).toEqual(['Reception', 'Changed elsewhere']);
  });

  it('Esc restores the line being edited, and drops a line that was just added', async () => {
    const settings = await setup();
    settings.select('l1');
    settings.draft.lines[0]!.user = '999';
    settings.cancelEdit();
    expect(settings.draft.lines[0]!.user).toBe('101');
    expect(settings.selectedId).toBeUndefined();

    const added = settings.addLine();
    expect(settings.draft.lines).toHaveLength(3);
    expect(settings.selectedId).toBe(added?.id);
    settings.cancelEdit();
    expect(settings.draft.lines).toHaveLength(2);
    expect(settings.dirty).toBe(false);
  });

  it('moves the default to the first line when the default line is removed', async () => {
    const settings = await setup();
    settings.setDefault('l2');
    settings.removeLine('l2');
    expect(settings.draft.defaultLineId).toBe('l1');
  });
});
