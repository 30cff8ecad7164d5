/**
 * The Electron transport of the media channel (issue 10): main hands the renderer a `MessagePort`
 * (`MessageChannelMain`) through the preload, which forwards it to the page with `window.postMessage` (a port cannot
 * cross `contextBridge`). Frames are {@link encodeMediaFrame} buffers, transferred rather than copied. A reload gets
 * a new port; frames sent before one arrives are dropped (stale audio is worth nothing).
 */
import { decodeMediaFrame, encodeMediaFrame, MEDIA_PORT_MESSAGE, type MediaChannel, type MediaFrame } from '../../../shared/media-channel';

/** A media channel that waits for the preload's port on `win`. */
export function createPortMediaChannel(win: Pick<Window, 'addEventListener'>): MediaChannel {
  let port: MessagePort | undefined;
  const listeners = new Set<(frame: MediaFrame) => void>();
  win.addEventListener('message', (event: MessageEvent) => {
    // Only the preload (same window) may hand over the port; a frame or another page's message cannot.
    if (event.source !== (win as unknown as Window) || event.data !== MEDIA_PORT_MESSAGE || !event.ports[0]) return;
    port?.close();
    port = event.ports[0];
    port.onmessage = (message: MessageEvent) => {
      const frame = decodeMediaFrame(message.data);
      if (frame.ok) for (const listener of [...listeners]) listener(frame.value);
    };
    port.start();
  });
  return {
    send(frame) {
      if (!port) return;
      const buffer = encodeMediaFrame(frame);
      port.postMessage(buffer, [buffer]);
    },
    onFrame(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
