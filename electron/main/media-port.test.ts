import { describe, expect, it } from 'vitest';
import { attachMediaPort, type MediaHost } from './media-port';
import { MEDIA_PORT_CHANNEL } from '../../shared/media-channel';

/** Just enough of MessagePortMain and MessageChannelMain. */
class FakePort {
  listeners = new Map<string, (event: { data: unknown }) => void>();
  posted: unknown[] = [];
  started = false;
  closed = false;
  on(name: string, listener: (event: { data: unknown }) => void): this {
    this.listeners.set(name, listener);
    return this;
  }
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  start(): void {
    this.started = true;
  }
  close(): void {
    this.closed = true;
  }
}
const channels: { port1: FakePort; port2: FakePort }[] = [];
class FakeChannel {
  port1 = new FakePort();
  port2 = new FakePort();
  constructor() {
    channels.push(this);
  }
}

function fakeContents(url: string) {
  const handlers = new Map<string, () => void>();
  return {
    url,
    handlers,
    posted: [] as [string, unknown, unknown[]][],
    on(name: string, handler: () => void) {
      handlers.set(name, handler);
      return this;
    },
    postMessage(channel: string, message: unknown, transfer: unknown[]) {
      this.posted.push([channel, message, transfer]);
    },
    getURL() {
      return this.url;
    },
    isDestroyed: () => false,
  };
}

function fakeHost() {
  const received: unknown[] = [];
  let closed = 0;
  const clients: { send(bytes: ArrayBuffer): void }[] = [];
  const host: MediaHost = {
    connect: (client) => {
      clients.push(client);
      return { receive: (data) => received.push(data), close: () => void closed++ };
    },
  };
  return { host, received, clients, closed: () => closed };
}

describe('attachMediaPort', () => {
  it('hands our page a fresh port after every load and wires the other end to the hub', () => {
    channels.length = 0;
    const contents = fakeContents('app://console/index.html');
    const hub = fakeHost();
    attachMediaPort({ host: hub.host, contents: contents as never, isTrustedUrl: (u) => u === 'app://console/index.html', MessageChannel: FakeChannel as never });
    contents.handlers.get('did-finish-load')!();
    expect(contents.posted).toHaveLength(1);
    expect(contents.posted[0]![0]).toBe(MEDIA_PORT_CHANNEL);
    expect(contents.posted[0]![2]).toEqual([channels[0]!.port2]);
    expect(channels[0]!.port1.started).toBe(true);
    channels[0]!.port1.listeners.get('message')!({ data: 'frame' });
    expect(hub.received).toEqual(['frame']);
    const bytes = new ArrayBuffer(8);
    hub.clients[0]!.send(bytes);
    expect(channels[0]!.port1.posted).toEqual([bytes]);
    // A reload: the old port and connection close, a new pair goes out.
    contents.handlers.get('did-finish-load')!();
    expect(channels[0]!.port1.closed).toBe(true);
    expect(hub.closed()).toBe(1);
    expect(contents.posted).toHaveLength(2);
  });

  it('withholds the port from a page that is not ours', () => {
    channels.length = 0;
    const contents = fakeContents('https://evil.example/');
    const logs: string[] = [];
    attachMediaPort({ host: fakeHost().host, contents: contents as never, isTrustedUrl: () => false, MessageChannel: FakeChannel as never, log: (m) => logs.push(m) });
    contents.handlers.get('did-finish-load')!();
    expect(contents.posted).toEqual([]);
    expect(channels).toHaveLength(0);
    expect(logs[0]).toContain('withheld');
  });
});
