import { describe, it, expect, afterEach } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TraceMessage } from './trace-log';
import { redactSipText, summarizeSipText, TRACE_BATCH_MS, TraceLog } from './trace-log';
import { FakeClock } from '../sip/clock';
import type { TraceEntry } from '../../shared/trace';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../test/fixtures/trace/${name}`, import.meta.url), 'utf8');
const REGISTER = fixture('register-with-digest.txt');
const CHALLENGE = fixture('401-register.txt');
const SECRETS = [
  '6629fae49393a05397450978507c4ef1',
  '84f1c1ae6cbe5ua9c8e88dfa3ecm3459',
  '0a4f113b',
  'abcdef0123456789',
  '0123456789abcdef0123456789abcdef',
];

function msg(text: string, extra: Partial<TraceMessage> = {}): TraceMessage {
  return {
    direction: 'out',
    transport: 'udp',
    local: '127.0.0.1:5070',
    remote: '127.0.0.1:5060',
    text,
    ...extra,
  };
}

const request = (method: string, n: number): string =>
  `${method} sip:x@pbx.test SIP/2.0\r\nCall-ID: call-${n}\r\nCSeq: ${n} ${method}\r\n\r\n`;

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'trace-log-'));
  dirs.push(d);
  return d;
}

describe('redactSipText', () => {
  it('removes SRTP master keys from SDP (RFC 4568 a=crypto inline:) and keeps the suite and lifetime', () => {
    const sdp = 'm=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20\r\na=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj\r\n';
    const out = redactSipText(sdp);
    expect(out).toBe('m=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:<redacted>|2^20\r\na=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:<redacted>\r\n');
  });

  it('keeps scheme, username, realm and uri but never the digest values, across folded lines', () => {
    const out = redactSipText(REGISTER);
    for (const s of SECRETS) expect(out).not.toContain(s);
    expect(out).toContain(
      'Authorization: Digest username="101", realm="pbx.test", nonce="<redacted>",\r\n  uri="sip:pbx.test", response="<redacted>", algorithm=MD5,\r\n  cnonce="<redacted>", qop=auth, nc=00000001\r\n',
    );
    expect(out).toContain(
      'Proxy-Authorization: Digest username="101",realm="pbx.test",nonce="<redacted>",uri="sip:pbx.test",response="<redacted>"\r\n',
    );
    // Everything else is byte for byte the same.
    expect(out.split('\r\n').length).toBe(REGISTER.split('\r\n').length);
    expect(out.endsWith('Content-Length: 0\r\n\r\n')).toBe(true);
  });

  it('leaves challenges and other headers alone', () => {
    expect(redactSipText(CHALLENGE)).toBe(CHALLENGE);
  });

  it('hides non-digest credentials entirely and is case-insensitive', () => {
    expect(redactSipText('authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\n')).toBe(
      'authorization: Basic <redacted>\n',
    );
    expect(redactSipText('Authorization: Digest RESPONSE=abc\n')).toBe(
      'Authorization: Digest RESPONSE="<redacted>"\n',
    );
  });

  it('scrubs password fields of non-SIP text', () => {
    expect(redactSipText('{"user":"101","password":"hunter2"}')).toBe(
      '{"user":"101","password":"<redacted>"}',
    );
    expect(redactSipText('login user=101 password=hunter2 ok')).toBe(
      'login user=101 password="<redacted>" ok',
    );
  });
});

describe('summarizeSipText', () => {
  it('reads a request (compact Call-ID) and a response (method from CSeq)', () => {
    expect(summarizeSipText(REGISTER)).toEqual({
      firstLine: 'REGISTER sip:pbx.test SIP/2.0',
      method: 'REGISTER',
      callId: 'a84b4c76e66710@127.0.0.1',
    });
    expect(summarizeSipText(CHALLENGE)).toEqual({
      firstLine: 'SIP/2.0 401 Unauthorized',
      method: 'REGISTER',
      status: 401,
      callId: 'a84b4c76e66710@127.0.0.1',
    });
  });

  it('does not read headers from the body and copes with a keep-alive', () => {
    expect(summarizeSipText('MESSAGE sip:a@b SIP/2.0\r\nCSeq: 1 MESSAGE\r\n\r\nCall-ID: fake')).toMatchObject(
      { callId: '' },
    );
    expect(summarizeSipText('\r\n\r\n')).toEqual({ firstLine: '', method: '', callId: '' });
  });
});

describe('TraceLog', () => {
  it('keeps only the newest entries of a bounded buffer, in order', () => {
    const log = new TraceLog({ clock: new FakeClock(), bufferSize: 3 });
    for (let i = 1; i <= 5; i++) log.addMessage(msg(request('OPTIONS', i)));
    expect(log.list().map((e) => e.callId)).toEqual(['call-3', 'call-4', 'call-5']);
    expect(log.list().map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(log.size).toBe(3);
  });

  it('stores only redacted text', () => {
    const log = new TraceLog({ clock: new FakeClock(), bufferSize: 10 });
    const entry = log.addMessage(msg(REGISTER, { time: 1234 }));
    expect(entry).toMatchObject({
      seq: 1,
      time: 1234,
      method: 'REGISTER',
      direction: 'out',
      remote: '127.0.0.1:5060',
    });
    for (const s of SECRETS) expect(JSON.stringify(log.list())).not.toContain(s);
  });

  it('filters by text, method, direction and limit', () => {
    const log = new TraceLog({ clock: new FakeClock(), bufferSize: 10 });
    log.addMessage(msg(request('REGISTER', 1)));
    log.addMessage(msg(request('OPTIONS', 2), { direction: 'in' }));
    log.addMessage(msg(CHALLENGE, { direction: 'in' }));
    log.addMessage(msg(request('REGISTER', 4)));
    const ids = (f: Parameters<TraceLog['list']>[0]): string[] => log.list(f).map((e) => e.callId);
    expect(ids({ method: 'register' })).toEqual(['call-1', 'a84b4c76e66710@127.0.0.1', 'call-4']);
    expect(ids({ direction: 'in' })).toEqual(['call-2', 'a84b4c76e66710@127.0.0.1']);
    expect(ids({ text: 'UNAUTHORIZED' })).toEqual(['a84b4c76e66710@127.0.0.1']);
    expect(ids({ method: 'REGISTER', limit: 1 })).toEqual(['call-4']);
  });

  it('clears the buffer but keeps counting', () => {
    const log = new TraceLog({ clock: new FakeClock(), bufferSize: 10 });
    log.addMessage(msg(request('OPTIONS', 1)));
    log.clear();
    expect(log.list()).toEqual([]);
    expect(log.addMessage(msg(request('OPTIONS', 2))).seq).toBe(2);
  });

  it('notifies subscribers in batches, at most every 100 ms', () => {
    const clock = new FakeClock();
    const log = new TraceLog({ clock, bufferSize: 100 });
    const batches: TraceEntry[][] = [];
    const unsubscribe = log.subscribe((b) => batches.push(b));
    log.addMessage(msg(request('OPTIONS', 1)));
    log.addMessage(msg(request('OPTIONS', 2)));
    expect(batches).toEqual([]);
    clock.advance(TRACE_BATCH_MS - 1);
    expect(batches).toEqual([]);
    clock.advance(1);
    expect(batches.map((b) => b.map((e) => e.seq))).toEqual([[1, 2]]);
    // A steady stream for one second: ten batches, nothing lost.
    for (let i = 0; i < 1000; i++) {
      log.addMessage(msg(request('OPTIONS', i)));
      clock.advance(1);
    }
    expect(batches.length).toBe(1 + 10);
    expect(batches.slice(1).flat().length).toBe(1000);
    // A burst larger than the buffer: one batch with only what the buffer still holds.
    for (let i = 0; i < 1000; i++) log.addMessage(msg(request('OPTIONS', i)));
    clock.advance(TRACE_BATCH_MS);
    expect(batches.length).toBe(12);
    expect(batches[11]!.length).toBe(100);
    unsubscribe();
    log.addMessage(msg(request('OPTIONS', 9)));
    clock.advance(TRACE_BATCH_MS);
    expect(batches.length).toBe(12);
    expect(clock.pending).toBe(0);
  });

  it('resizes keeping the newest entries', () => {
    const log = new TraceLog({ clock: new FakeClock(), bufferSize: 100 });
    for (let i = 1; i <= 150; i++) log.addMessage(msg(request('OPTIONS', i)));
    log.configure({ traceBufferSize: 120, traceToFile: false });
    expect(log.list().map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 51));
    log.configure({ traceBufferSize: 100, traceToFile: false });
    log.addMessage(msg(request('OPTIONS', 151)));
    expect(log.list()[0]!.seq).toBe(52);
    expect(log.capacity).toBe(100);
  });

  it('writes redacted entries to <dataDir>/logs/sip-trace.log when enabled, mode 0600', () => {
    const dataDir = tempDir();
    const clock = new FakeClock();
    const log = new TraceLog({ clock, dataDir, bufferSize: 100 });
    log.addMessage(msg(request('OPTIONS', 0)));
    clock.advance(TRACE_BATCH_MS);
    expect(existsSync(join(dataDir, 'logs'))).toBe(false);
    log.configure({ traceBufferSize: 100, traceToFile: true });
    log.addMessage(msg(REGISTER));
    log.addMessage(msg(CHALLENGE, { direction: 'in' }));
    clock.advance(TRACE_BATCH_MS);
    const text = readFileSync(log.filePath!, 'utf8');
    expect(log.filePath).toBe(join(dataDir, 'logs', 'sip-trace.log'));
    expect(text).toContain('REGISTER sip:pbx.test SIP/2.0\n');
    expect(text).toContain('SIP/2.0 401 Unauthorized\n');
    expect(text).toMatch(
      /^=== 2026-01-01T00:00:00\.\d{3}Z #2 out udp 127\.0\.0\.1:5070 -> 127\.0\.0\.1:5060\n/,
    );
    for (const s of SECRETS) expect(text).not.toContain(s);
    if (process.platform !== 'win32') expect(statSync(log.filePath!).mode & 0o777).toBe(0o600);
  });

  it('records wire bytes as they come and lets them out only redacted: list, subscribers and file', () => {
    const dataDir = tempDir();
    const clock = new FakeClock();
    const log = new TraceLog({ clock, dataDir, bufferSize: 10, toFile: true });
    const batches: TraceEntry[][] = [];
    log.subscribe((b) => batches.push(b));
    const flow = {
      protocol: 'udp' as const,
      local: { host: '127.0.0.1', port: 5070 },
      remote: { host: '127.0.0.1', port: 5060 },
    };
    log.record({ direction: 'out', flow, data: Buffer.from(REGISTER), time: 1000 });
    log.record({ direction: 'in', flow, data: Buffer.from(CHALLENGE) });
    expect(log.size).toBe(2);
    clock.advance(TRACE_BATCH_MS);
    const [register, challenge] = batches[0]!;
    expect(register).toMatchObject({
      seq: 1,
      time: 1000,
      direction: 'out',
      transport: 'udp',
      local: '127.0.0.1:5070',
      remote: '127.0.0.1:5060',
      firstLine: 'REGISTER sip:pbx.test SIP/2.0',
      method: 'REGISTER',
      callId: 'a84b4c76e66710@127.0.0.1',
      text: redactSipText(REGISTER),
    });
    expect(challenge).toMatchObject({ seq: 2, time: clock.wallNow() - TRACE_BATCH_MS, status: 401, text: CHALLENGE });
    // The same entry objects whichever way out they take.
    expect(log.list()).toEqual([register, challenge]);
    log.record({ direction: 'out', flow, data: Buffer.from(REGISTER) });
    const outputs = [
      JSON.stringify(batches),
      JSON.stringify(log.list({ text: 'digest' })),
      JSON.stringify(log.list()),
    ];
    log.flush();
    outputs.push(JSON.stringify(batches), readFileSync(log.filePath!, 'utf8'));
    expect(batches.flat().map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(outputs[4]).toContain('#3 out udp 127.0.0.1:5070 -> 127.0.0.1:5060\nREGISTER sip:pbx.test SIP/2.0\n');
    for (const output of outputs) for (const secret of SECRETS) expect(output).not.toContain(secret);
  });

  it('rotates the file and keeps a bounded number of files', () => {
    const dataDir = tempDir();
    const clock = new FakeClock();
    const log = new TraceLog({
      clock,
      dataDir,
      bufferSize: 100,
      toFile: true,
      maxFileBytes: 1000,
      maxFiles: 3,
    });
    for (let i = 0; i < 40; i++) {
      log.addMessage(msg(request('OPTIONS', i)));
      clock.advance(TRACE_BATCH_MS);
    }
    const files = readdirSync(join(dataDir, 'logs')).sort();
    expect(files).toEqual(['sip-trace.log', 'sip-trace.log.1', 'sip-trace.log.2']);
    for (const f of files) expect(statSync(join(dataDir, 'logs', f)).size).toBeLessThanOrEqual(1000);
    expect(readFileSync(join(dataDir, 'logs', 'sip-trace.log'), 'utf8')).toContain('call-39');
  });
});
