import { describe, it, expect, vi, beforeEach } from 'vitest';
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import type { ContractHost } from '../core/contract-dispatch';
import { commandNames, eventNames, ipcChannel } from '../../shared/contract';
import type { EventName } from '../../shared/contract';
import { ok } from '../../shared/result';

type Handler = (event: unknown, args: unknown) => Promise<unknown>;
const handlers = new Map<string, Handler>();

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: Handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, handler);
    },
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));

const { registerIpc, rendererUrlCheck } = await import('./ipc');

const APP_URL = 'app://console/index.html';
/** Where the window loaded from before issue 7: no longer trusted. */
const FILE_URL = 'file:///opt/console/resources/app/out/renderer/index.html';

interface FakeContents {
  sent: [string, unknown][];
  destroyed: boolean;
  send(channel: string, payload: unknown): void;
  isDestroyed(): boolean;
  mainFrame: unknown;
}

function fakeContents(): FakeContents {
  return {
    sent: [],
    destroyed: false,
    send(channel, payload) {
      this.sent.push([channel, payload]);
    },
    isDestroyed() {
      return this.destroyed;
    },
    mainFrame: {},
  };
}

function fakeHost(): ContractHost & {
  calls: [string, unknown][];
  emit(event: EventName, payload: unknown): void;
} {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const calls: [string, unknown][] = [];
  const handle = (name: string) => (args: unknown) => {
    calls.push([name, args]);
    return ok({ handled: name });
  };
  return {
    calls,
    handlers: Object.fromEntries(
      commandNames.map((n) => [n, handle(n)]),
    ) as unknown as ContractHost['handlers'],
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (p: unknown) => void);
      return () => set.delete(listener as (p: unknown) => void);
    },
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
  };
}

let contents: FakeContents;
let host: ReturnType<typeof fakeHost>;
let rejected: string[];
let dispose: () => void;

function event(sender: unknown, url = APP_URL, parent: unknown = null): IpcMainInvokeEvent {
  return { sender, senderFrame: { url, parent } } as unknown as IpcMainInvokeEvent;
}

const call = (channel: string, ev: IpcMainInvokeEvent, args: unknown): Promise<unknown> =>
  handlers.get(channel)!(ev, args);

beforeEach(() => {
  dispose?.();
  handlers.clear();
  contents = fakeContents();
  host = fakeHost();
  rejected = [];
  dispose = registerIpc({
    host,
    webContents: () => contents as unknown as WebContents,
    isTrustedUrl: rendererUrlCheck(),
    onRejected: (r) => rejected.push(r),
  });
});

describe('registerIpc', () => {
  it('registers exactly one handler per contract command', () => {
    expect([...handlers.keys()].sort()).toEqual(commandNames.map(ipcChannel.command).sort());
    dispose();
    expect(handlers.size).toBe(0);
  });

  it('lets our window call and passes validated args to the handler', async () => {
    const result = await call('cmd:lines.reregister', event(contents), { line: 2 });
    expect(result).toEqual({ ok: true, value: { handled: 'lines.reregister' } });
    expect(host.calls).toEqual([['lines.reregister', { line: 2 }]]);
    expect(await call('cmd:snapshot', event(contents, `${APP_URL}#/settings`), undefined)).toMatchObject({
      ok: true,
    });
  });

  it('rejects bad arguments before the handler runs', async () => {
    expect(await call('cmd:lines.reregister', event(contents), { line: -1 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument', field: 'line' },
    });
    expect(await call('cmd:trace.list', event(contents), { limit: 'all' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    });
    expect(await call('cmd:snapshot', event(contents), 'x')).toMatchObject({ ok: false });
    expect(host.calls).toEqual([]);
  });

  it.each([
    ['another webContents', () => event(fakeContents())],
    ['a foreign page in our window', () => event(contents, 'https://evil.example/')],
    ['another local file', () => event(contents, 'file:///tmp/evil.html')],
    ['the renderer as a file:// URL', () => event(contents, FILE_URL)],
    ['another app:// host', () => event(contents, 'app://evil/index.html')],
    ['a subframe', () => event(contents, APP_URL, {})],
    [
      'a frame that is gone',
      () => ({ sender: contents, senderFrame: null }) as unknown as IpcMainInvokeEvent,
    ],
  ])('rejects %s', async (_label, make) => {
    expect(await call('cmd:snapshot', make(), undefined)).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
    expect(host.calls).toEqual([]);
    expect(rejected).toHaveLength(1);
  });

  it('forwards every contract event to our window while it lives', () => {
    for (const name of eventNames) host.emit(name, { n: name });
    expect(contents.sent).toEqual(eventNames.map((n) => [ipcChannel.event(n), { n }]));
    contents.destroyed = true;
    host.emit('lines.changed', []);
    expect(contents.sent).toHaveLength(eventNames.length);
    contents.destroyed = false;
    dispose();
    host.emit('lines.changed', []);
    expect(contents.sent).toHaveLength(eventNames.length);
  });
});

describe('rendererUrlCheck', () => {
  it('accepts app://console/index.html and, in development, the dev server origin only', () => {
    const check = rendererUrlCheck('http://localhost:5173/');
    expect(check(APP_URL)).toBe(true);
    expect(check(`${APP_URL}?x=1#/lines`)).toBe(true);
    expect(check('http://localhost:5173/#/lines')).toBe(true);
    expect(check('http://localhost:5174/')).toBe(false);
    expect(check('app://console/other.html')).toBe(false);
    expect(check('app://console.evil/index.html')).toBe(false);
    expect(check('app://user@console/index.html')).toBe(false);
    expect(check(FILE_URL)).toBe(false);
    expect(check('not a url')).toBe(false);
    expect(rendererUrlCheck()('http://localhost:5173/')).toBe(false);
  });
});
