/** Issue 12 §6: a line's waiting voicemail shows on the line (Lines view and sidebar strip) and in the title. */
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LineVoicemail } from '../../../../shared/lines';
import App from '../../App.vue';
import { wireEvents } from '../../api/wire-events';
import LineStrip from '../../components/LineStrip.vue';
import { useConnectionStore } from '../../stores/connection';
import { useConsoleApiStore } from '../../stores/console-api';
import { useLinesStore } from '../../stores/lines';
import { createFakeApi, makeCall, makeHistorySummary, makeLine, makeSnapshot } from '../../testing/fake-console-api';
import { windowTitle } from '../../util/voicemail-text';
import LinesView from './LinesView.vue';

const vm = (overrides: Partial<LineVoicemail> = {}): LineVoicemail => ({ state: 'watching', newMessages: 0, oldMessages: 0, ...overrides });

beforeEach(() => {
  setActivePinia(createPinia());
  useConnectionStore().loaded = true;
});
enableAutoUnmount(afterEach);

describe('voicemail on the line', () => {
  it('marks a line with new messages “3 new” in the Lines view and the strip, and no other line', () => {
    useLinesStore().apply([
      makeLine(1, { voicemail: vm({ waiting: true, newMessages: 3, oldMessages: 5, dial: '*97' }) }),
      makeLine(2, { voicemail: vm({ waiting: false, oldMessages: 4 }) }),
    ]);
    const view = mount(LinesView);
    expect(view.get('[data-testid="voicemail-mark-1"]').text()).toBe('3 new');
    expect(view.get('[data-testid="voicemail-mark-1"]').attributes('title')).toBe('Voicemail on line 1: 3 new, 5 old');
    expect(view.find('[data-testid="voicemail-mark-2"]').exists()).toBe(false);
    const strip = mount(LineStrip);
    expect(strip.get('[data-testid="voicemail-mark-1"]').text()).toBe('3 new');
    expect(strip.find('[data-testid="voicemail-mark-2"]').exists()).toBe(false);
  });

  it('says “Messages waiting” when the summary has no counts, and shows why a PBX gives no indicator', () => {
    useLinesStore().apply([
      makeLine(1, { voicemail: vm({ waiting: true }) }),
      makeLine(2, { voicemail: vm({ state: 'unsupported', sipStatus: 489, reason: 'Bad Event' }) }),
    ]);
    const view = mount(LinesView);
    expect(view.get('[data-testid="voicemail-mark-1"]').text()).toBe('Messages waiting');
    expect(view.get('[data-testid="voicemail-problem-2"]').text()).toBe('No voicemail indicator: the PBX answered 489 Bad Event');
    expect(view.find('[data-testid="voicemail-call-2"]').exists()).toBe(false);
  });

  it('“Call voicemail” dials the line’s mailbox on that line; without a number it cannot be pressed', async () => {
    const fake = createFakeApi({ 'calls.dial': (args) => ({ ok: true, value: makeCall('c1', { line: args.line ?? 1 }) }) });
    useConsoleApiStore().api = fake.api;
    useLinesStore().apply([
      makeLine(1, { voicemail: vm({ waiting: true, newMessages: 2, dial: '*97' }) }),
      makeLine(2, { voicemail: vm() }),
    ]);
    const view = mount(LinesView);
    const button = view.get('[data-testid="voicemail-call-1"]');
    expect(button.text()).toBe('Call voicemail (2)');
    await button.trigger('click');
    await flushPromises();
    expect(fake.calls).toEqual([{ command: 'calls.dial', args: { line: 1, target: '*97' } }]);
    expect(view.get('[data-testid="voicemail-call-2"]').attributes('disabled')).toBeDefined();
  });
});

describe('voicemail in the window title', () => {
  it('puts missed calls in brackets and waiting voicemail after them', () => {
    expect(windowTitle('Attendant Console', 0, 0)).toBe('Attendant Console');
    expect(windowTitle('Attendant Console', 2, 0)).toBe('(2) Attendant Console');
    expect(windowTitle('Attendant Console', 0, 3)).toBe('✉3 Attendant Console');
    expect(windowTitle('Attendant Console', 2, 3)).toBe('(2) ✉3 Attendant Console');
  });

  it('follows lines.changed: the total over the lines, gone when listened to', async () => {
    const fake = createFakeApi({
      snapshot: () => ({ ok: true, value: makeSnapshot({ history: makeHistorySummary({ unseenMissed: 0 }), lines: [makeLine(1), makeLine(2)] }) }),
    });
    useConsoleApiStore().api = fake.api;
    await wireEvents(fake.api).ready;
    mount(App, { attachTo: document.body });
    await flushPromises();
    expect(document.title).toBe('Attendant Console');
    fake.emit('lines.changed', [
      makeLine(1, { voicemail: vm({ waiting: true, newMessages: 2 }) }),
      makeLine(2, { voicemail: vm({ waiting: true, newMessages: 1 }) }),
      makeLine(3, { enabled: false, voicemail: vm({ waiting: true, newMessages: 9 }) }),
    ]);
    await flushPromises();
    expect(document.title).toBe('✉3 Attendant Console');
    fake.emit('lines.changed', [makeLine(1, { voicemail: vm({ waiting: false }) }), makeLine(2)]);
    await flushPromises();
    expect(document.title).toBe('Attendant Console');
  });
});
