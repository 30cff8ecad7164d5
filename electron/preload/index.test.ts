import { describe, it, expect, vi, beforeEach } from 'vitest';
import type { ConsoleApi } from '../../shared/contract';
import { commandNames, eventNames, ipcChannel } from '../../shared/contract';

const exposed = new Map<string, unknown>();
const invoked: [string, unknown][] = [];
const listeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>();
let invokeImpl: (channel: string, args: unknown) => Promise<unknown> = () =>
  Promise.resolve({ ok: true, value: 'from main' });

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: {
    invoke: (channel: string, args: unknown) => {
      invoked.push([channel, args]);
      return invokeImpl(channel, args);
    },
    on: (channel: string, l: (event: unknown, payload: unknown) => void) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(l);
    },
    removeListener: (channel: string, l: (event: unknown, payload: unknown) => void) =>
      listeners.get(channel)?.delete(l),
  },
}));

const { forwardMediaPort } = await import('./index');
const api = exposed.get('consoleApi') as ConsoleApi;

beforeEach(() => {
  invoked.length = 0;
  invokeImpl = () => Promise.resolve({ ok: true, value: 'from main' });
});

describe('preload', () => {
  it('exposes exactly invoke and on as window.consoleApi', () => {
    expect([...exposed.keys()]).toEqual(['consoleApi']);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);
  });

  it('invokes every contract command on its channel', async () => {
    for (const name of commandNames)
      expect(await api.invoke(name, undefined as never)).toEqual({ ok: true, value: 'from main' });
    expect(invoked.map(([c]) => c)).toEqual(commandNames.map(ipcChannel.command));
    await api.invoke('lines.reregister', { line: 3 });
    expect(invoked.at(-1)).toEqual(['cmd:lines.reregister', { line: 3 }]);
  });

  it('refuses unknown commands locally', async () => {
    expect(await api.invoke('shell.exec' as never, 'rm -rf /' as never)).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    });
    expect(invoked).toEqual([]);
  });

  it('turns an IPC failure into an internal error value', async () => {
    invokeImpl = () => Promise.reject(new Error('No handler registered'));
    expect(await api.invoke('snapshot', undefined)).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('subscribes to known events without leaking the IPC event object, and unsubscribes', () => {
    const got: unknown[] = [];
    const off = api.on('lines.changed', (payload) => got.push(payload));
    const channel = ipcChannel.event('lines.changed');
    for (const l of listeners.get(channel)!) l({ sender: 'ipcRenderer' }, [{ number: 1 }]);
    expect(got).toEqual([[{ number: 1 }]]);
    off();
    expect(listeners.get(channel)!.size).toBe(0);
    for (const name of eventNames) api.on(name, () => undefined)();
  });

  it('refuses unknown events', () => {
    expect(() => api.on('process.exit' as never, () => undefined)).toThrow(TypeError);
  });

  it('hands the media port to the page on its own origin, and nothing else', () => {
    const posted: [unknown, string, unknown[]][] = [];
    forwardMediaPort({ postMessage: (m, o, t) => posted.push([m, o, t]), location: { origin: 'app://console' } });
    const handlers = [...(listeners.get('media:port') ?? [])];
    expect(handlers).toHaveLength(1);
    const port = { fake: 'port' };
    handlers[0]!({ ports: [port] }, undefined);
    handlers[0]!({ ports: [] }, undefined);
    handlers[0]!({ ports: [port, port] }, undefined);
    expect(posted).toEqual([['console-media-port', 'app://console', [port]]]);
  });
});
