import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent } from 'vue';
import { wireEvents } from '../api/wire-events';
import { createFakeApi, makeCall, makeSnapshot, makeTile, type FakeConsoleApi } from '../testing/fake-console-api';
import { notifyPermission, useCallNotifications } from './use-call-notifications';

enableAutoUnmount(afterEach);
let fake: FakeConsoleApi;
const shown: { title: string; body?: string }[] = [];

class FakeNotification {
  static permission: NotificationPermission = 'granted';
  onclick: (() => void) | null = null;
  constructor(title: string, options?: NotificationOptions) {
    shown.push({ title, body: options?.body });
  }
}

const Host = defineComponent({
  setup() {
    useCallNotifications();
    return () => null;
  },
});

async function start(mode: 'serve' | 'electron'): Promise<void> {
  fake = createFakeApi({
    snapshot: () => ({ ok: true, value: makeSnapshot({ app: { version: '1', mode }, tiles: [makeTile(102, { name: 'Jonas Becker' })] }) }),
    'trace.list': () => ({ ok: true, value: { entries: [] } }),
  });
  await wireEvents(fake.api).ready;
  mount(Host);
  await flushPromises();
}

beforeEach(() => {
  setActivePinia(createPinia());
  shown.length = 0;
  vi.stubGlobal('Notification', FakeNotification);
  notifyPermission.value = 'granted';
});
afterEach(() => vi.unstubAllGlobals());

describe('call notifications', () => {
  it('notifies a new ringing call and a missed one in serve mode', async () => {
    await start('serve');
    fake.emit('calls.changed', [makeCall('c1')]);
    fake.emit('calls.changed', [makeCall('c1', { state: 'ended', end: { cause: 'missed' } })]);
    await flushPromises();
    expect(shown).toEqual([
      { title: 'Incoming call', body: 'Jonas Becker (102) on line 1' },
      { title: 'Missed call', body: 'from Jonas Becker (102)' },
    ]);
  });

  it('stays quiet in Electron (main notifies) and without permission', async () => {
    await start('electron');
    fake.emit('calls.changed', [makeCall('c1')]);
    await flushPromises();
    expect(shown).toEqual([]);
  });

  it('stays quiet until the user allowed it', async () => {
    notifyPermission.value = 'default';
    await start('serve');
    fake.emit('calls.changed', [makeCall('c1')]);
    await flushPromises();
    expect(shown).toEqual([]);
  });
});
