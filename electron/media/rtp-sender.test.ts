import { describe, expect, it } from 'vitest';
import { parseRtp, parseTelephoneEvent, type RtpPacket } from './rtp-packet';
import { RtpSender } from './rtp-sender';
import { FakeMediaClock } from './testing/fake-media-clock';

function rig(options: { canSend?: () => boolean; te?: number } = {}) {
  const clock = new FakeMediaClock();
  const sent: RtpPacket[] = [];
  const sender = new RtpSender(clock, {
    canSend: options.canSend ?? (() => true),
    audioFrame: () => ({ payloadType: 0, payload: new Uint8Array(160).fill(0xff) }),
    telephoneEventType: () => options.te,
    transmit: (packet) => sent.push(parseRtp(packet)!),
  });
  return { clock, sent, sender };
}

describe('RTP sender pacing', () => {
  it('sends one frame per 20 ms: sequence +1, timestamp +160, marker on the first only', () => {
    const { clock, sent, sender } = rig();
    sender.start();
    clock.advance(100);
    expect(sent).toHaveLength(6);
    expect(sent.map((p) => p.marker)).toEqual([true, false, false, false, false, false]);
    for (let i = 1; i < sent.length; i++) {
      expect(sent[i]!.sequence).toBe((sent[i - 1]!.sequence + 1) & 0xffff);
      expect(sent[i]!.timestamp).toBe((sent[i - 1]!.timestamp + 160) % 2 ** 32);
      expect(sent[i]!.ssrc).toBe(sender.ssrc);
    }
    expect(sender.packetsSent).toBe(6);
    expect(sender.octetsSent).toBe(960);
  });

  it('keeps timestamps on the elapsed-time grid after a stall (drift-free)', () => {
    const { clock, sent, sender } = rig();
    sender.start();
    const origin = sent[0]!.timestamp;
    clock.stall(205);
    clock.advance(0);
    // Owed frames 1..10: only the last three are sent, with timestamps of their own slots.
    const late = sent.slice(1);
    expect(late.map((p) => (p.timestamp - origin + 2 ** 32) % 2 ** 32)).toEqual([8 * 160, 9 * 160, 10 * 160]);
    clock.advance(15);
    expect((sent.at(-1)!.timestamp - origin + 2 ** 32) % 2 ** 32).toBe(11 * 160);
  });

  it('sends nothing while it may not, and marks the first packet after', () => {
    let allowed = false;
    const { clock, sent, sender } = rig({ canSend: () => allowed });
    sender.start();
    clock.advance(100);
    expect(sent).toHaveLength(0);
    allowed = true;
    clock.advance(40);
    expect(sent.map((p) => p.marker)).toEqual([true, false]);
    sender.stop();
    clock.advance(100);
    expect(sent).toHaveLength(2);
    expect(clock.pending).toBe(0);
  });
});

describe('RFC 4733 sending', () => {
  it('plays each queued digit as growing-duration packets then three end packets, one timestamp per event', () => {
    const { clock, sent, sender } = rig({ te: 101 });
    sender.start();
    sender.queueDtmf(5);
    sender.queueDtmf(11);
    clock.advance(400);
    const events = sent.filter((p) => p.payloadType === 101);
    expect(events).toHaveLength(16);
    const first = events.slice(0, 8).map((p) => ({ ...parseTelephoneEvent(p.payload)!, marker: p.marker, ts: p.timestamp }));
    expect(first.map((e) => e.event)).toEqual(Array(8).fill(5));
    expect(first.map((e) => e.duration)).toEqual([160, 320, 480, 640, 800, 800, 800, 800]);
    expect(first.map((e) => e.end)).toEqual([false, false, false, false, false, true, true, true]);
    expect(first.map((e) => e.marker)).toEqual([true, false, false, false, false, false, false, false]);
    expect(new Set(first.map((e) => e.ts)).size).toBe(1);
    const second = events.slice(8).map((p) => parseTelephoneEvent(p.payload)!);
    expect(second.every((e) => e.event === 11)).toBe(true);
    expect(events[8]!.timestamp).not.toBe(events[0]!.timestamp);
    // Sequence numbers keep climbing through the events.
    for (let i = 1; i < sent.length; i++) expect(sent[i]!.sequence).toBe((sent[i - 1]!.sequence + 1) & 0xffff);
  });
});
