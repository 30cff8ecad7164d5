/**
 * The Electron transport of the media channel (shared/media-channel.ts, issue 10): each time our page loads, a fresh
 * `MessageChannelMain`; one port stays here on the audio hub, the other goes to the page through the preload
 * (electron/preload/index.ts forwards it with `window.postMessage`, since a port cannot cross `contextBridge`).
 * Frames are ArrayBuffers, so no JSON and no per-frame IPC round trip. Only a page at our own URL gets a port.
 */
import type { MessageChannelMain as MessageChannelMainType, MessagePortMain, WebContents } from 'electron';
import { MEDIA_PORT_CHANNEL } from '../../shared/media-channel';
import type { AudioConnection } from '../core/audio/audio-hub';

/** The hub end, as the transport needs it. */
export interface MediaHost {
  connect(client: { send(bytes: ArrayBuffer): void }): AudioConnection;
}

type ContentsLike = Pick<WebContents, 'on' | 'postMessage' | 'getURL' | 'isDestroyed'>;

export interface MediaPortOptions {
  host: MediaHost;
  contents: ContentsLike;
  /** Whether the loaded URL is our renderer (ipc.ts `rendererUrlCheck`). */
  isTrustedUrl: (url: string) => boolean;
  /** Electron's `MessageChannelMain` (injected so tests run without Electron). */
  MessageChannel: new () => Pick<MessageChannelMainType, 'port1' | 'port2'>;
  log?: (message: string) => void;
}

/** Hands the page a new media port after every load; returns a function that closes the current one. */
export function attachMediaPort(options: MediaPortOptions): () => void {
  let current: { port: MessagePortMain; connection: AudioConnection } | undefined;
  const close = (): void => {
    if (!current) return;
    current.connection.close();
    current.port.close();
    current = undefined;
  };
  const open = (): void => {
    close();
    const { contents } = options;
    if (contents.isDestroyed()) return;
    const url = contents.getURL();
    if (!options.isTrustedUrl(url)) {
      options.log?.(`media port withheld from ${url}: not the console renderer`);
      return;
    }
    const { port1, port2 } = new options.MessageChannel();
    const connection = options.host.connect({ send: (bytes) => port1.postMessage(bytes) });
    port1.on('message', (event) => connection.receive(event.data));
    port1.on('close', () => connection.close());
    port1.start();
    current = { port: port1, connection };
    contents.postMessage(MEDIA_PORT_CHANNEL, null, [port2]);
  };
  options.contents.on('did-finish-load', open);
  options.contents.on('destroyed', close);
  return close;
}
