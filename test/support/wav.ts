// A WAV file of a sine tone for Chromium's fake microphone (--use-file-for-fake-audio-capture), issue 10's e2e test.
import { writeFileSync } from 'node:fs';

/** Writes `seconds` of a `hz` sine at `dbfs`, 16-bit mono PCM at `rate`, as a RIFF/WAVE file. */
export function writeToneWav(path: string, opts: { hz: number; dbfs: number; seconds: number; rate?: number }): void {
  const rate = opts.rate ?? 48000;
  const samples = Math.round(opts.seconds * rate);
  const amplitude = 32767 * 10 ** (opts.dbfs / 20);
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(amplitude * Math.sin((2 * Math.PI * opts.hz * i) / rate)), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([header, data]));
}
