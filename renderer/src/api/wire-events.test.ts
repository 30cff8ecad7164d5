import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useConnectionStore } from '../stores/connection';
import { useLinesStore } from '../stores/lines';
import { useSettingsStore } from '../stores/settings';
import { useTraceStore } from '../stores/trace';
import { createFakeApi, makeLine, makeSettings, makeSnapshot, makeTrace } from '../testing/fake-console-api';
import { wireEvents } from './wire-events';
import { createWsClient } from './ws-client';

beforeEach(() => setActivePinia(createPinia()));

describe('wireEvents with a preload-style api', () => {
  it('applies the snapshot and trace to every store on start', async () => {
    const fake = createFakeApi({
      snapshot: () => ({ ok: true, value: makeSnapshot({ settingsProblem: 'lines.0.domain is invalid' }) }),
      'trace.list': () => ({ ok: true, value: { entries: [makeTrace(1), makeTrace(2)] } }),
    });
    const connection = useConnectionStore();
    await wireEvents(fake.api).ready;
    expect(connection.state).toBe('connected');
    expect(connection.app?.version).toBe('0.1.0');
    expect(useLinesStore().lines.map((line) => line.status)).toEqual(['registered', 'registering']);
    expect(useSettingsStore().draft.lines.map((line) => line.displayName)).toEqual(['Reception', 'Sales']);
    expect(useSettingsStore().problem).toBe('lines.0.domain is invalid');
    expect(useTraceStore().entries.map((entry) => entry.seq)).toEqual([1, 2]);
  });

  it('follows lines.changed, settings.changed and trace.appended events', async () => {
    const fake = createFakeApi({
      snapshot: () => ({ ok: true, value: makeSnapshot() }),
      'trace.list': () => ({ ok: true, value: { entries: [makeTrace(1)] } }),
    });
    await wireEvents(fake.api).ready;
    fake.emit('lines.changed', [makeLine(2, { status: 'failed', sipStatus: 408 }), makeLine(1)]);
    const renamed = makeSettings();
    renamed.lines[1] = { ...renamed.lines[1]!, displayName: 'Sales desk' };
    fake.emit('settings.changed', renamed);
    fake.emit('trace.appended', [makeTrace(1), makeTrace(2), makeTrace(3)]);
    const lines = useLinesStore();
    expect(lines.lines.map((line) => line.number)).toEqual([1, 2]);
    expect(lines.failed.map((line) => line.number)).toEqual([2]);
    expect(useSettingsStore().draft.lines[1]?.displayName).toBe('Sales desk');
    expect(useTraceStore().entries.map((entry) => entry.seq)).toEqual([1, 2, 3]);
  });

  it('keeps the snapshot error when the snapshot fails', async () => {
    const fake = createFakeApi({
      snapshot: () => ({ ok: false, error: { code: 'internal', message: 'boom' } }),
    });
    const connection = useConnectionStore();
    await wireEvents(fake.api).ready;
    expect(connection.snapshotError?.message).toBe('boom');
    expect(useLinesStore().lines).toEqual([]);
  });
});

describe('wireEvents with the WebSocket client', () => {
  afterEach(() => vi.useRealTimers());

  it('shows reconnecting while the socket is down and fetches the snapshot again after reconnect', async () => {
    vi.useFakeTimers();
    const sockets: Socket[] = [];
    class Socket {
      readyState = 0;
      sent: { id: number; command: string }[] = [];
      onopen?: () => void;
      onclose?: () => void;
      onmessage?: (e: { data: string }) => void;
      constructor() {
        sockets.push(this);
      }
      send(data: string) {
        this.sent.push(JSON.parse(data));
      }
      close() {
        this.readyState = 3;
        this.onclose?.();
      }
    }
    /** Answers every invoke on `socket` from a tiny fake engine. */
    const serve = async (socket: Socket, status: 'registered' | 'failed') => {
      for (let i = 0; i < 5 && socket.sent.length < 2; i++) await Promise.resolve();
      for (const frame of socket.sent.splice(0)) {
        const value = frame.command === 'snapshot' ? makeSnapshot({ lines: [makeLine(1, { status })] }) : [];
        socket.onmessage?.({ data: JSON.stringify({ type: 'result', id: frame.id, result: { ok: true, value } }) });
        await Promise.resolve();
        await Promise.resolve();
      }
    };
    const api = createWsClient({ url: 'ws://127.0.0.1/api?token=t', WebSocketImpl: Socket as unknown as new (url: string) => WebSocket, random: () => 0.5 });
    const connection = useConnectionStore();
    await wireEvents(api).ready;
    expect(connection.state).toBe('connecting');

    sockets[0]!.readyState = 1;
    sockets[0]!.onopen?.();
    await serve(sockets[0]!, 'failed');
    expect(connection.state).toBe('connected');
    expect(useLinesStore().lines[0]?.status).toBe('failed');

    sockets[0]!.close();
    expect(connection.state).toBe('reconnecting');
    expect(connection.nextAttemptAt).toBeGreaterThan(Date.now());

    vi.advanceTimersByTime(500);
    expect(sockets).toHaveLength(2);
    sockets[1]!.readyState = 1;
    sockets[1]!.onopen?.();
    expect(sockets[1]!.sent.map((frame) => frame.command)).toEqual(['snapshot']);
    await serve(sockets[1]!, 'registered');
    expect(connection.state).toBe('connected');
    expect(useLinesStore().lines[0]?.status).toBe('registered');
  });
});
