/**
 * The engine's end of the media channel (shared/media-channel.ts, issue 10): one audio device (a renderer window) at
 * a time feeds the call being talked on and plays what that call receives. Both composition roots attach their
 * transport here: the Electron MessagePort and the serve-mode WebSocket's binary messages.
 *
 * The device's clock paces the exchange: every capture frame that arrives goes to the active call and is answered
 * with one playout frame from that call's jitter buffer, so playout never drifts against the sound card. Frames that
 * do not decode are counted and logged (rate-limited) and change nothing else.
 */
import { decodeMediaFrame, encodeMediaFrame, type MediaFrame } from '../../../shared/media-channel';
import type { CallAudioPort } from '../calls/call-media';

/** Where the hub sends frames for one connected device (a MessagePort, a WebSocket). */
export interface AudioClient {
  send(bytes: ArrayBuffer): void;
}

/** The hub's handle for one transport connection. */
export interface AudioConnection {
  /** Bytes from the transport (anything: it is validated here). */
  receive(data: unknown): void;
  /** The transport closed. */
  close(): void;
}

export interface AudioHubDeps {
  /** The call the receptionist talks on now (call-service.ts `activeAudio`). */
  activeAudio(): CallAudioPort | undefined;
  log?: (message: string) => void;
}

/** Counters for Diagnostics and tests. */
export interface AudioHubStats {
  captureFrames: number;
  playoutFrames: number;
  invalidFrames: number;
  /** Capture frames from a window that is not the audio device (another window claimed it). */
  ignoredFrames: number;
}

export class AudioHub {
  private owner: Connection | undefined;
  private active: CallAudioPort | undefined;
  private playoutSequence = 0;
  private readonly counters: AudioHubStats = { captureFrames: 0, playoutFrames: 0, invalidFrames: 0, ignoredFrames: 0 };

  constructor(private readonly deps: AudioHubDeps) {}

  /** A transport connected (a window loaded, a browser opened the socket). */
  connect(client: AudioClient): AudioConnection {
    const connection = new Connection(this, client);
    return connection;
  }

  stats(): AudioHubStats {
    return { ...this.counters };
  }

  /** @internal */
  handle(connection: Connection, data: unknown): void {
    const decoded = decodeMediaFrame(data);
    if (!decoded.ok) {
      this.counters.invalidFrames++;
      // The first and then every thousandth: a broken client sends fifty a second.
      if (this.counters.invalidFrames % 1000 === 1) this.deps.log?.(`audio: refused a media frame (${this.counters.invalidFrames}x): ${decoded.error.message}`);
      return;
    }
    this.frame(connection, decoded.value);
  }

  /** @internal */
  closed(connection: Connection): void {
    if (this.owner !== connection) return;
    this.owner = undefined;
    this.switchActive(undefined);
  }

  private frame(connection: Connection, frame: MediaFrame): void {
    switch (frame.kind) {
      case 'claim':
        if (this.owner && this.owner !== connection) this.owner.send({ kind: 'release', sequence: 0 });
        this.owner = connection;
        return;
      case 'capture':
        // A window that never claimed still becomes the device when there is none (one window, the usual case).
        this.owner ??= connection;
        if (this.owner !== connection) {
          this.counters.ignoredFrames++;
          return;
        }
        this.counters.captureFrames++;
        this.capture(frame.samples);
        return;
      default:
        // playout and release only travel engine → renderer.
        this.counters.invalidFrames++;
    }
  }

  private capture(samples: Int16Array): void {
    const call = this.deps.activeAudio();
    this.switchActive(call);
    if (!call) return;
    call.pushCapture(samples);
    this.counters.playoutFrames++;
    this.owner!.send({ kind: 'playout', sequence: this.playoutSequence++ >>> 0, samples: call.pullPlayout() });
  }

  /** The audio moved to another call (answer, resume, hang-up): the one left stops counting missing frames. */
  private switchActive(call: CallAudioPort | undefined): void {
    if (call === this.active) return;
    this.active?.deviceIdle();
    this.active = call;
  }
}

class Connection implements AudioConnection {
  private open = true;

  constructor(
    private readonly hub: AudioHub,
    private readonly client: AudioClient,
  ) {}

  receive(data: unknown): void {
    if (this.open) this.hub.handle(this, data);
  }

  send(frame: MediaFrame): void {
    if (!this.open) return;
    try {
      this.client.send(encodeMediaFrame(frame));
    } catch {
      // A transport that died mid-send closes itself; the next frame finds it closed.
    }
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.hub.closed(this);
  }
}
