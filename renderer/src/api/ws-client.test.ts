import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWsClient, wsUrlFromLocation, type WsConnectionState } from './ws-client';

/** A WebSocket double driven by the test: `open()`, `receive()`, `drop()`. */
class FakeWebSocket {
  static instances: FakeWebSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this);
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }

  close(): void {
    this.drop();
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  receive(frame: unknown): void {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }

  drop(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onerror?.({});
    this.onclose?.({ code: 1006 });
  }
}

const latest = (): FakeWebSocket => {
  const socket = FakeWebSocket.instances.at(-1);
  if (!socket) throw new Error('no socket was created');
  return socket;
};

function client(options: Partial<Parameters<typeof createWsClient>[0]> = {}) {
  return createWsClient({
    url: 'ws://127.0.0.1:8080/api?token=abc',
    WebSocketImpl: FakeWebSocket as unknown as new (url: string) => WebSocket,
    initialDelayMs: 500,
    maxDelayMs: 4000,
    random: () => 0.5, // no jitter: delays are exactly the back-off base
    ...options,
  });
}

beforeEach(() => {
  FakeWebSocket.instances = [];
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('wsUrlFromLocation', () => {
  it('uses ws: for http and wss: for https, with the page token', () => {
    expect(wsUrlFromLocation({ protocol: 'http:', host: '127.0.0.1:8080', search: '?token=a+b/c' })).toBe(
      'ws://127.0.0.1:8080/api?token=a%20b%2Fc',
    );
    expect(wsUrlFromLocation({ protocol: 'https:', host: 'console.local', search: '?x=1&token=t1' })).toBe(
      'wss://console.local/api?token=t1',
    );
  });
});

describe('createWsClient', () => {
  it('sends invoke frames and resolves each with its own result', async () => {
    const api = client();
    latest().open();
    const first = api.invoke('snapshot', undefined);
    const second = api.invoke('lines.reregister', { line: 2 });
    expect(latest().sent).toEqual([
      { type: 'invoke', id: 1, command: 'snapshot', args: null },
      { type: 'invoke', id: 2, command: 'lines.reregister', args: { line: 2 } },
    ]);
    latest().receive({ type: 'result', id: 2, result: { ok: false, error: { code: 'not-found', message: 'no line 2' } } });
    latest().receive({ type: 'result', id: 1, result: { ok: true, value: 'snap' } });
    await expect(first).resolves.toEqual({ ok: true, value: 'snap' });
    await expect(second).resolves.toEqual({ ok: false, error: { code: 'not-found', message: 'no line 2' } });
  });

  it('delivers events to subscribers until they unsubscribe, and ignores garbage frames', () => {
    const api = client();
    latest().open();
    const seen: unknown[] = [];
    const off = api.on('lines.changed', (payload) => seen.push(payload));
    latest().receive('not json');
    latest().receive({ type: 'error', message: 'Frame is not valid JSON' });
    latest().receive({ type: 'event', event: 'lines.changed', payload: [1] });
    latest().receive({ type: 'event', event: 'trace.appended', payload: [2] });
    off();
    latest().receive({ type: 'event', event: 'lines.changed', payload: [3] });
    expect(seen).toEqual([[1]]);
  });

  it('passes the error frame of an oversize call through to that call, as invalid-argument with its message', async () => {
    const api = client();
    latest().open();
    const big = api.invoke('tiles.importXml', { xml: 'x' });
    const other = api.invoke('snapshot', undefined);
    const message = 'Frame is 1048646 bytes; frames are limited to 1048576 bytes (1 MiB)';
    // The frame exactly as docs/api.md shows it.
    latest().receive({ type: 'error', id: 1, code: 'too-large', message });
    await expect(big).resolves.toEqual({ ok: false, error: { code: 'invalid-argument', message } });
    latest().receive({ type: 'error', id: 2, code: 'unauthorized', message: 'Bad token' });
    await expect(other).resolves.toEqual({ ok: false, error: { code: 'unauthorized', message: 'Bad token' } });
  });

  it('reports an error frame without a known code for a call as internal, keeping the message', async () => {
    const api = client();
    latest().open();
    const first = api.invoke('snapshot', undefined);
    const second = api.invoke('snapshot', undefined);
    latest().receive({ type: 'error', id: 1, message: 'Frame must be a JSON object' });
    latest().receive({ type: 'error', id: 2, code: 'teapot', message: 'odd' });
    await expect(first).resolves.toEqual({ ok: false, error: { code: 'internal', message: 'Frame must be a JSON object' } });
    await expect(second).resolves.toEqual({ ok: false, error: { code: 'internal', message: 'odd' } });
  });

  it('resolves to transport-error instead of throwing when the socket is not open', async () => {
    const api = client();
    await expect(api.invoke('snapshot', undefined)).resolves.toMatchObject({
      ok: false,
      error: { code: 'transport-error' },
    });
    expect(latest().sent).toEqual([]);
  });

  it('fails calls in flight with transport-error when the socket drops', async () => {
    const api = client();
    latest().open();
    const pending = api.invoke('trace.list', {});
    latest().drop();
    await expect(pending).resolves.toMatchObject({ ok: false, error: { code: 'transport-error' } });
  });

  it('resolves to a timeout error when no result arrives', async () => {
    const api = client({ invokeTimeoutMs: 1000 });
    latest().open();
    const pending = api.invoke('snapshot', undefined);
    vi.advanceTimersByTime(1000);
    await expect(pending).resolves.toMatchObject({ ok: false, error: { code: 'timeout' } });
  });

  it('reconnects with doubling back-off capped at the maximum, and resets after a successful open', () => {
    const api = client();
    const states: WsConnectionState[] = [];
    api.onStateChange((state) => states.push(state));
    latest().open();
    latest().drop();
    expect(api.state).toBe('reconnecting');
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = FakeWebSocket.instances.length;
      const scheduled = (api.nextAttemptAt ?? 0) - Date.now();
      vi.advanceTimersByTime(scheduled - 1);
      expect(FakeWebSocket.instances.length).toBe(before);
      vi.advanceTimersByTime(1);
      expect(FakeWebSocket.instances.length).toBe(before + 1);
      delays.push(scheduled);
      latest().drop();
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 4000]);
    vi.advanceTimersByTime(4000);
    latest().open();
    expect(api.state).toBe('open');
    latest().drop();
    expect((api.nextAttemptAt ?? 0) - Date.now()).toBe(500);
    // Failed attempts stay "reconnecting" (the banner must not flicker); only a real open changes it.
    expect(states).toEqual(['open', 'reconnecting', 'open', 'reconnecting']);
  });

  it('stops reconnecting after close()', () => {
    const api = client();
    latest().open();
    api.close();
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(api.state).toBe('closed');
  });
});
