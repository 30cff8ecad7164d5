/**
 * Bounded SIP fuzz (issue 7): serve as a child process, with a UDP line, a TCP line, tiles and a tile list held at
 * a fake PBX, receives 20,000 mutated messages (FUZZ_MESSAGES to change it) over UDP and over its TCP connection.
 * After every 100 a well-formed OPTIONS goes over each transport and must be answered 200; the process must keep
 * its PID, keep answering the WebSocket, and keep its memory bounded. The mutations come from a seeded PRNG (FUZZ_SEED to
 * change it); inputs sent just before the engine died are written to test/fixtures/fuzz-corpus/, which the first
 * test replays on every run.
 */
import { newBranch, newTag } from '../../electron/sip/message';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FuzzDialog, FuzzTransport } from '../support/fuzz-pbx';
import { frameForStream, mutate, Prng, type FuzzSeed } from '../support/fuzz-mutate';
import { readCorpus, saveToCorpus, startFuzzRig, type FuzzRig } from '../support/fuzz-rig';

const MESSAGES = Number(process.env.FUZZ_MESSAGES ?? 20_000);
const PROBE_EVERY = 100;
const SEED = Number(process.env.FUZZ_SEED ?? 7);
const MAX_RSS = 400 * 1024 * 1024;
/** Issue 7 asks for 20,000 messages in under 60 s; a longer run (FUZZ_MESSAGES) gets the same rate. */
const MAX_SECONDS = 60 * Math.max(1, MESSAGES / 20_000);
/** Slack for the second half's RSS growth over the first's: V8 grows its heap in steps. */
const RSS_SLACK = 32 * 1024 * 1024;
const MB = 1024 * 1024;

let rig: FuzzRig;

beforeAll(async () => {
  rig = await startFuzzRig();
});

afterAll(async () => {
  await rig?.close();
});

/** Out-of-dialog requests and stray responses to the console, as a PBX or an attacker could send them. */
function outOfDialog(rng: Prng, transport: FuzzTransport): FuzzSeed {
  const pbxPort = rig.pbx.port;
  const method = rng.pick(['INVITE', 'OPTIONS', 'MESSAGE', 'SUBSCRIBE', 'NOTIFY', 'BYE', 'CANCEL', 'ACK', 'REFER', 'INFO', 'PUBLISH', 'FOO']);
  const callId = `fz-${newTag()}@fuzz`;
  const common = [
    `Via: SIP/2.0/${transport.toUpperCase()} 127.0.0.1:${pbxPort};branch=${newBranch()};rport`,
    'Max-Forwards: 70',
    `From: "Fuzz" <sip:fuzz@127.0.0.1>;tag=${newTag()}`,
    'To: <sip:100@127.0.0.1>',
    `Call-ID: ${callId}`,
  ];
  if (rng.next() < 0.15) {
    const status = rng.pick(['200 OK', '180 Ringing', '401 Unauthorized', '481 Call/Transaction Does Not Exist']);
    const text = [`SIP/2.0 ${status}`, ...common, 'CSeq: 1 REGISTER', 'WWW-Authenticate: Digest realm="f", nonce="n", algorithm=MD5', 'Content-Length: 0', '', ''];
    return { text: text.join('\r\n'), bodyCarrier: false };
  }
  const body =
    method === 'INVITE'
      ? 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n'
      : method === 'MESSAGE' || method === 'NOTIFY'
        ? '<?xml version="1.0"?><dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="1" state="full" entity="sip:101@127.0.0.1"/>'
        : '';
  const text = [
    `${method} sip:100@127.0.0.1 SIP/2.0`,
    ...common,
    `CSeq: ${1 + rng.int(1000)} ${method}`,
    `Contact: <sip:fuzz@127.0.0.1:${pbxPort};transport=${transport}>`,
    'Event: dialog',
    ...(body ? [`Content-Type: ${method === 'INVITE' ? 'application/sdp' : 'application/dialog-info+xml'}`] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ];
  return { text: text.join('\r\n'), bodyCarrier: method !== 'INVITE' };
}

/** A seed for `transport`: most often an in-dialog NOTIFY, which is what reaches the body parsers and the tiles. */
function pickSeed(rng: Prng, transport: FuzzTransport): FuzzSeed {
  const dialogs = rig.pbx.dialogs.filter((d: FuzzDialog) => d.transport === transport);
  if (dialogs.length > 0 && rng.next() < 0.6) return { text: rig.pbx.notify(rng.pick(dialogs)), bodyCarrier: true };
  return outOfDialog(rng, transport);
}

/** Sends `data` over `transport` as the fuzzer does (framed for the stream over TCP); returns what was sent. */
function sendFuzz(transport: FuzzTransport, data: Buffer): Buffer {
  const wire = transport === 'tcp' ? frameForStream(data) : data;
  rig.pbx.send(transport, wire);
  return wire;
}

async function probeBoth(): Promise<Array<number | undefined>> {
  return Promise.all([rig.pbx.probe('udp'), rig.pbx.probe('tcp')]);
}

describe('SIP fuzz', () => {
  it('replays every input of the corpus over UDP and TCP and keeps answering', async () => {
    const corpus = readCorpus();
    expect(corpus.length).toBeGreaterThan(0);
    for (const { name, data } of corpus) {
      for (const transport of ['udp', 'tcp'] as const) sendFuzz(transport, data);
      expect(await probeBoth(), name).toEqual([200, 200]);
    }
    // Defect 1 struck 200 ms later, in the INVITE's 100 Trying timer (RFC 3261 §17.2.1): outlive every such timer.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(rig.alive()).toBe(true);
    expect(await probeBoth()).toEqual([200, 200]);
  });

  it(`survives ${MESSAGES} mutated messages over UDP and TCP (seed ${SEED})`, async () => {
    const started = performance.now();
    const pid = rig.serve.pid;
    expect(await rig.wsAnswers()).toBe(true);
    const rssBefore = rig.rss();
    let rssMax = rssBefore;
    let rssHalf = rssBefore;
    let probes = 0;
    let answered = 0;
    let sent = 0;
    const rng = new Prng(SEED);
    for (let batch = 0; batch < MESSAGES / PROBE_EVERY; batch++) {
      const inputs: Array<{ transport: FuzzTransport; data: Buffer }> = [];
      for (let i = 0; i < PROBE_EVERY; i++) {
        const transport: FuzzTransport = rng.next() < 0.7 ? 'udp' : 'tcp';
        inputs.push({ transport, data: sendFuzz(transport, mutate(pickSeed(rng, transport), rng).data) });
        sent++;
      }
      const statuses = await probeBoth();
      probes += statuses.length;
      answered += statuses.filter((s) => s === 200).length;
      if (!rig.alive()) {
        const saved = saveToCorpus(`crash-seed${SEED}-batch${batch}`, inputs);
        throw new Error(`serve died in batch ${batch}; its ${saved.length} inputs were written to the corpus:\n${rig.serve.stderr().slice(-2000)}`);
      }
      if (statuses.some((s) => s !== 200)) {
        const tcp = rig.pbx.consoleTcp ? 'open' : 'closed';
        throw new Error(`probes after batch ${batch}: ${statuses.join(', ')} (TCP connection ${tcp}); serve stderr:\n${rig.serve.stderr().slice(-3000)}`);
      }
      if (batch % 20 === 0) rssMax = Math.max(rssMax, rig.rss());
      if (batch === MESSAGES / PROBE_EVERY / 2) rssHalf = rig.rss();
    }
    const rssAfter = rig.rss();
    rssMax = Math.max(rssMax, rssAfter);
    expect(await rig.wsAnswers()).toBe(true);
    const seconds = (performance.now() - started) / 1000;
    const internalErrors = (rig.serve.stderr().match(/internal error in /g) ?? []).length;
    console.log(
      `fuzz: seed ${SEED}, ${sent} mutated messages sent (UDP+TCP), ${sent} survived by pid ${pid}, ` +
        `${answered}/${probes} well-formed OPTIONS answered 200, RSS ${(rssBefore / MB).toFixed(0)} MB before, ` +
        `${(rssHalf / MB).toFixed(0)} MB halfway, ${(rssAfter / MB).toFixed(0)} MB after (max ${(rssMax / MB).toFixed(0)} MB), ${internalErrors} guard report(s), ` +
        `stderr ${(rig.serve.stderr().length / 1024).toFixed(0)} KiB, ${seconds.toFixed(1)} s`,
    );
    expect(rig.serve.pid).toBe(pid);
    expect(answered).toBe(probes);
    expect(rssMax).toBeLessThan(MAX_RSS);
    // Bounded, not merely below a ceiling: the growth slows down once the trace ring and the transactions of the
    // last 32 s (Timer J/H) are full, so the second half grows less than the first.
    expect(rssAfter - rssHalf).toBeLessThan(rssHalf - rssBefore + RSS_SLACK);
    expect(seconds).toBeLessThan(MAX_SECONDS);
  }, (MAX_SECONDS + 30) * 1000);

  it('closes only the connection whose bytes cannot be framed, and stays up', async () => {
    rig.pbx.send('tcp', Buffer.from('OPTIONS sip:x SIP/2.0\r\nVia: x\r\n\r\n'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(rig.pbx.consoleTcp).toBeUndefined();
    expect(await rig.pbx.probe('udp')).toBe(200);
    expect(await rig.wsAnswers()).toBe(true);
  });
});
