// The far end's media in audio tests (issue 10): a UDP socket on 127.0.0.1 whose port a sipp phone puts in its SDP
// (audio-caller.xml / audio-callee.xml, -key mport). It records every RTP packet the console sends — decoded G.711
// audio and RFC 4733 telephone-events — and can play a tone back, so a test checks exactly what left the console.
import { createSocket, type Socket } from 'node:dgram';
import { decodeG711, encodeG711 } from '../../electron/media/g711';
import type { G711Codec } from '../../electron/media/media-types';
import { buildRtp, parseRtp, parseTelephoneEvent, dtmfDigit } from '../../electron/media/rtp-packet';

/** One packet as it arrived. */
export interface PeerPacket {
  at: number;
  payloadType: number;
  sequence: number;
  timestamp: number;
  marker: boolean;
  payload: Uint8Array;
}

/** One RFC 4733 event as the far end saw it: its digit and how many packets carried the end bit. */
export interface PeerDtmf {
  digit: string;
  timestamp: number;
  packets: number;
  endPackets: number;
}

export interface RtpPeer {
  readonly port: number;
  readonly packets: PeerPacket[];
  /** Decoded audio of the packets with `payloadType`, in arrival order, from `since` (ms epoch) on. */
  audio(payloadType: number, codec: G711Codec, since?: number): Int16Array;
  /** RFC 4733 events with `payloadType` (default 101), one per event timestamp. */
  dtmf(payloadType?: number): PeerDtmf[];
  /** Sends 20 ms frames from `frames()` to wherever the console's RTP came from, until {@link stopSending}. */
  startSending(payloadType: number, codec: G711Codec, frames: () => Int16Array): void;
  stopSending(): void;
  close(): Promise<void>;
}

export async function startRtpPeer(): Promise<RtpPeer> {
  const socket: Socket = createSocket('udp4');
  const packets: PeerPacket[] = [];
  let source: { address: string; port: number } | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  socket.on('message', (data, from) => {
    const packet = parseRtp(data);
    if (!packet) return;
    source ??= { address: from.address, port: from.port };
    packets.push({ at: Date.now(), payloadType: packet.payloadType, sequence: packet.sequence, timestamp: packet.timestamp, marker: packet.marker, payload: Uint8Array.from(packet.payload) });
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const port = socket.address().port;
  return {
    port,
    packets,
    audio(payloadType, codec, since = 0) {
      const chunks = packets.filter((p) => p.payloadType === payloadType && p.at >= since).map((p) => decodeG711(codec, p.payload));
      const out = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
      let offset = 0;
      for (const chunk of chunks) {
        out.set(chunk, offset);
        offset += chunk.length;
      }
      return out;
    },
    dtmf(payloadType = 101) {
      const events = new Map<number, PeerDtmf>();
      for (const p of packets) {
        if (p.payloadType !== payloadType) continue;
        const event = parseTelephoneEvent(p.payload);
        const digit = event && dtmfDigit(event.event);
        if (!event || digit === undefined) continue;
        const entry = events.get(p.timestamp) ?? { digit, timestamp: p.timestamp, packets: 0, endPackets: 0 };
        entry.packets++;
        if (event.end) entry.endPackets++;
        events.set(p.timestamp, entry);
      }
      return [...events.values()];
    },
    startSending(payloadType, codec, frames) {
      const ssrc = 0x5eed1234;
      let sequence = 1;
      let timestamp = 1000;
      timer = setInterval(() => {
        if (!source) return;
        const payload = encodeG711(codec, frames());
        socket.send(buildRtp({ marker: sequence === 1, payloadType, sequence: sequence++ & 0xffff, timestamp: (timestamp += 160) >>> 0, ssrc, payload }), source.port, source.address);
      }, 20);
    },
    stopSending() {
      clearInterval(timer);
    },
    close() {
      clearInterval(timer);
      return new Promise((resolve) => socket.close(() => resolve()));
    },
  };
}
