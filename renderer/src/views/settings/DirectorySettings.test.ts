import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { setLocale } from '../../i18n';
import { useSettingsStore } from '../../stores/settings';
import { makeSettings } from '../../testing/fake-console-api';
import { toInput } from '../../util/settings-draft';
import DirectorySettings from './DirectorySettings.vue';

const VCARD = [
  'BEGIN:VCARD', 'VERSION:4.0', 'FN:David Krüger', 'TEL;VALUE=uri;TYPE=work:tel:102;phone-context=pbx.example.com', 'END:VCARD',
  'BEGIN:VCARD', 'VERSION:4.0', 'FN:No Number', 'END:VCARD',
  ...Array.from({ length: 11 }, (_, i) => ['BEGIN:VCARD', 'VERSION:3.0', `FN:Person ${i + 1}`, `TEL;TYPE=CELL:+49 170 ${1000 + i}`, 'END:VCARD']).flat(),
].join('\r\n');

beforeEach(() => {
  setActivePinia(createPinia());
  setLocale('en');
  const settings = makeSettings();
  settings.directory = { contacts: [{ name: 'Anna Alt', number: '101' }] };
  useSettingsStore().applySaved(settings);
});

/** Picks `file` in the card's file input, as the browser's file chooser would. */
async function pick(wrapper: VueWrapper, file: File): Promise<void> {
  const input = wrapper.get<HTMLInputElement>('[data-testid="directory-import-file"]');
  Object.defineProperty(input.element, 'files', { value: [file], configurable: true });
  await input.trigger('change');
  await flushPromises();
}

const contacts = () => toInput(useSettingsStore().draft).directory.contacts;

describe('DirectorySettings', () => {
  it('shows the count, previews a vCard file and adds its contacts to the existing ones in the draft', async () => {
    const wrapper = mount(DirectorySettings);
    expect(wrapper.get('[data-testid="directory-count"]').text()).toBe('1 imported contact');
    await pick(wrapper, new File([VCARD], 'team.vcf', { type: 'text/vcard' }));
    expect(wrapper.get('[data-testid="contacts-summary"]').text()).toBe('vCard file “team.vcf”: 12 contacts, 1 skipped');
    const rows = wrapper.findAll('[data-testid="contacts-preview-table"] tbody tr');
    expect(rows).toHaveLength(10);
    expect(rows[0]?.text()).toContain('David Krüger');
    expect(rows[0]?.text()).toContain('102');
    expect(wrapper.text()).toContain('… and 2 more');
    expect(wrapper.get('[data-testid="contacts-skipped"]').text()).toContain('Card 2, line 6: no phone number — No Number');
    expect(useSettingsStore().dirty).toBe(false);

    await wrapper.get('[data-testid="contacts-add"]').trigger('click');
    expect(contacts()).toHaveLength(13);
    expect(contacts()[0]).toEqual({ name: 'Anna Alt', number: '101' });
    expect(contacts()[1]).toEqual({ name: 'David Krüger', number: '102' });
    expect(useSettingsStore().dirty).toBe(true);
    expect(useSettingsStore().errors).toEqual([]);
    expect(wrapper.get('[data-testid="directory-count"]').text()).toBe('13 imported contacts');
    expect(wrapper.get('[data-testid="directory-import-done"]').text()).toContain('Save to keep them');
    expect(wrapper.find('[data-testid="contacts-preview"]').exists()).toBe(false);
  });

  it('replaces the existing contacts with a German CSV, and removes them all', async () => {
    const wrapper = mount(DirectorySettings);
    const csv = '\uFEFFVorname;Nachname;Telefon geschäftlich;Mobiltelefon\r\nHannah;Klein;+49 711 123450;\r\n';
    await pick(wrapper, new File([csv], 'kontakte.csv', { type: 'text/csv' }));
    expect(wrapper.get('[data-testid="contacts-summary"]').text()).toBe('CSV file “kontakte.csv”: 1 contact, 0 skipped');
    await wrapper.get('[data-testid="contacts-replace"]').trigger('click');
    expect(contacts()).toEqual([{ name: 'Hannah Klein', number: '+49 711 123450' }]);

    await wrapper.get('[data-testid="directory-remove-all"]').trigger('click');
    expect(contacts()).toEqual([]);
    expect(wrapper.get('[data-testid="directory-count"]').text()).toBe('No contacts imported yet.');
    expect(wrapper.get<HTMLButtonElement>('[data-testid="directory-remove-all"]').element.disabled).toBe(true);
  });

  it('names why a file is refused, in German too, and leaves the contacts alone', async () => {
    const wrapper = mount(DirectorySettings);
    await pick(wrapper, new File(['E-Mail;Notiz\r\na@example.com;x\r\n'], 'mails.csv'));
    expect(wrapper.get('[data-testid="directory-import-failed"]').text()).toBe(
      'Could not import “mails.csv”: no name column. The first row must name the columns, e.g. “Name”, or “First Name” and “Last Name”.',
    );
    setLocale('de');
    await pick(wrapper, new File(['x'.repeat(2 * 1024 * 1024 + 1)], 'riesig.csv'));
    expect(wrapper.get('[data-testid="directory-import-failed"]').text()).toContain('„riesig.csv“ konnte nicht importiert werden: Die Datei ist größer als 2 MB');
    expect(wrapper.get('[data-testid="directory-count"]').text()).toBe('1 importierter Kontakt');
    expect(contacts()).toEqual([{ name: 'Anna Alt', number: '101' }]);
    expect(useSettingsStore().dirty).toBe(false);
  });

  it('cancels a preview without touching the draft', async () => {
    const wrapper = mount(DirectorySettings);
    await pick(wrapper, new File([VCARD], 'team.vcf'));
    await wrapper.get('[data-testid="contacts-cancel"]').trigger('click');
    expect(wrapper.find('[data-testid="contacts-preview"]').exists()).toBe(false);
    expect(useSettingsStore().dirty).toBe(false);
  });
});
