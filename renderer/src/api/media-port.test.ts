import { describe, expect, it } from 'vitest';
import { decodeMediaFrame, encodeMediaFrame, MEDIA_FRAME_SAMPLES, MEDIA_PORT_MESSAGE, type MediaFrame } from '../../../shared/media-channel';
import { createPortMediaChannel } from './media-port';

/** A window that records its message listener, and a port pair standing in for Electron's. */
function setup() {
  let listener: ((event: MessageEvent) => void) | undefined;
  const win = { addEventListener: (_type: string, l: (event: MessageEvent) => void) => void (listener = l) } as unknown as Pick<Window, 'addEventListener'>;
  const deliver = (data: unknown, source: unknown, ports: unknown[]): void => listener!({ data, source, ports } as unknown as MessageEvent);
  return { win, deliver };
}

class FakePort {
  onmessage: ((event: { data: unknown }) => void) | undefined;
  posted: unknown[] = [];
  started = false;
  closed = false;
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

describe('createPortMediaChannel', () => {
  it('takes the port only from its own window and the agreed message, then carries frames both ways', () => {
    const { win, deliver } = setup();
    const channel = createPortMediaChannel(win);
    const got: MediaFrame[] = [];
    channel.onFrame((frame) => got.push(frame));
    channel.send({ kind: 'claim', sequence: 0 });
    const port = new FakePort();
    deliver(MEDIA_PORT_MESSAGE, {}, [port]);
    deliver('other', win, [port]);
    expect(port.started).toBe(false);
    deliver(MEDIA_PORT_MESSAGE, win, [port]);
    expect(port.started).toBe(true);
    channel.send({ kind: 'capture', sequence: 4, samples: new Int16Array(MEDIA_FRAME_SAMPLES).fill(2) });
    expect(port.posted).toHaveLength(1);
    const sent = decodeMediaFrame(port.posted[0]);
    expect(sent.ok && sent.value.sequence).toBe(4);
    port.onmessage!({ data: encodeMediaFrame({ kind: 'playout', sequence: 1, samples: new Int16Array(MEDIA_FRAME_SAMPLES) }) });
    port.onmessage!({ data: 'junk' });
    expect(got.map((f) => f.kind)).toEqual(['playout']);
    const reloaded = new FakePort();
    deliver(MEDIA_PORT_MESSAGE, win, [reloaded]);
    expect(port.closed).toBe(true);
  });
});
