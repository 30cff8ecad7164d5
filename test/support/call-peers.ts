// sipp phones for call tests (issue 9): a caller that rings the console through the PBX and a callee the console
// dials, each with a real RTP port that echoes what the console sends (-rtp_echo). Scenarios:
// test/kamailio/sipp/{caller-hangs-up,caller-waits-for-bye,caller-gives-up,caller-expects-busy,callee-answers-hold}.xml.
import type { KamailioHandle } from './kamailio';
import { PhoneError, registerAt, spawnSipp, summarize, udpBound, type PhoneAccount } from './phones';
import { freeUdpPort } from './process';
import { sippScenario } from './sipp';
import { waitFor } from './wait';

export type CallerScenario = 'caller-hangs-up' | 'caller-waits-for-bye' | 'caller-gives-up' | 'caller-expects-busy';

/** A sipp phone in a call; `done` resolves when its scenario passed, rejects with {@link PhoneError} otherwise. */
export interface SippPeer {
  done: Promise<void>;
  /** Kills sipp by PID. */
  stop(): Promise<void>;
}

function peer(what: string, proc: Awaited<ReturnType<typeof spawnSipp>>): SippPeer {
  let stopped = false;
  const done = proc.result.then((r) => {
    if (stopped) throw new PhoneError('stopped', `${what} stopped`);
    if (r.code !== 0) throw new PhoneError('call-failed', summarize(what, r));
  });
  done.catch(() => undefined);
  return {
    done,
    async stop() {
      stopped = true;
      proc.kill();
      await proc.result.catch(() => undefined);
    },
  };
}

/** A phone (`caller`, authenticating at the PBX) calls `consoleUser` and acts out `scenario`; `pauseMs` per scenario. */
export async function callConsole(opts: { kam: KamailioHandle; caller: PhoneAccount; consoleUser: string; scenario: CallerScenario; pauseMs?: number }): Promise<SippPeer> {
  const { kam, caller } = opts;
  const mediaPort = await freeUdpPort();
  const proc = await spawnSipp(
    [
      `127.0.0.1:${kam.udpPort}`,
      '-sf', sippScenario(`${opts.scenario}.xml`),
      '-s', opts.consoleUser,
      '-au', caller.user,
      '-ap', caller.password,
      '-key', 'caller', caller.user,
      '-key', 'domain', kam.domain,
      '-d', String(opts.pauseMs ?? 1000),
      '-mi', '127.0.0.1',
      '-mp', String(mediaPort),
      '-rtp_echo',
      '-m', '1',
      '-p', String(await freeUdpPort([mediaPort])),
    ],
    60_000,
  );
  return peer(`caller ${caller.user} (${opts.scenario})`, proc);
}

/** Registers `callee` and starts the phone that answers the console's call, accepts hold and resume, then BYE. */
export async function answeringCallee(opts: { kam: KamailioHandle; callee: PhoneAccount; ringMs?: number }): Promise<SippPeer> {
  const { kam, callee } = opts;
  const port = await freeUdpPort();
  await registerAt(kam, callee, port);
  const mediaPort = await freeUdpPort([port]);
  const proc = await spawnSipp(
    [
      `127.0.0.1:${kam.udpPort}`,
      '-sf', sippScenario('callee-answers-hold.xml'),
      '-s', callee.user,
      '-d', String(opts.ringMs ?? 500),
      '-mi', '127.0.0.1',
      '-mp', String(mediaPort),
      '-rtp_echo',
      '-m', '1',
      '-p', String(port),
    ],
    60_000,
  );
  try {
    await waitFor(`callee sipp bound to UDP ${port}`, () => udpBound(port), 10_000, 20);
  } catch (err) {
    proc.kill();
    throw err;
  }
  return peer(`callee ${callee.user}`, proc);
}

/** The codecs of the audio tests, with their static payload types (RFC 3551 §6). */
export const AUDIO_CODECS = { PCMU: 0, PCMA: 8 } as const;
export type AudioCodecName = keyof typeof AUDIO_CODECS;

/**
 * sipp media arguments: with `mediaPort` the SDP names that port (a test's rtp-peer) and sipp sends no RTP; without,
 * sipp's own RTP port echoes everything (-rtp_echo) and the SDP names it.
 */
async function audioMediaArgs(codec: AudioCodecName, mediaPort: number | undefined, exclude: number[]): Promise<{ args: string[]; used: number[] }> {
  const keys = ['-key', 'pt', String(AUDIO_CODECS[codec]), '-key', 'codec', codec];
  if (mediaPort !== undefined) return { args: [...keys, '-key', 'mport', String(mediaPort)], used: [mediaPort] };
  const echo = await freeUdpPort(exclude);
  return { args: [...keys, '-key', 'mport', String(echo), '-mi', '127.0.0.1', '-mp', String(echo), '-rtp_echo'], used: [echo] };
}

/** A phone calls the console offering only `codec`; stays until the console hangs up (audio-caller.xml). */
export async function audioCaller(opts: { kam: KamailioHandle; caller: PhoneAccount; consoleUser: string; codec: AudioCodecName; mediaPort?: number }): Promise<SippPeer> {
  const { kam, caller } = opts;
  const media = await audioMediaArgs(opts.codec, opts.mediaPort, []);
  const proc = await spawnSipp(
    [
      `127.0.0.1:${kam.udpPort}`,
      '-sf', sippScenario('audio-caller.xml'),
      '-s', opts.consoleUser,
      '-au', caller.user,
      '-ap', caller.password,
      '-key', 'caller', caller.user,
      '-key', 'domain', kam.domain,
      ...media.args,
      '-m', '1',
      '-p', String(await freeUdpPort(media.used)),
    ],
    90_000,
  );
  return peer(`audio caller ${caller.user} (${opts.codec})`, proc);
}

/** Registers `callee`, which answers the console's call with only `codec`, accepts hold/resume, then BYE. */
export async function audioCallee(opts: { kam: KamailioHandle; callee: PhoneAccount; codec: AudioCodecName; mediaPort?: number; ringMs?: number }): Promise<SippPeer> {
  const { kam, callee } = opts;
  const port = await freeUdpPort();
  await registerAt(kam, callee, port);
  const media = await audioMediaArgs(opts.codec, opts.mediaPort, [port]);
  const proc = await spawnSipp(
    [
      `127.0.0.1:${kam.udpPort}`,
      '-sf', sippScenario('audio-callee.xml'),
      '-s', callee.user,
      '-d', String(opts.ringMs ?? 300),
      ...media.args,
      '-m', '1',
      '-p', String(port),
    ],
    90_000,
  );
  try {
    await waitFor(`callee sipp bound to UDP ${port}`, () => udpBound(port), 10_000, 20);
  } catch (err) {
    proc.kill();
    throw err;
  }
  return peer(`audio callee ${callee.user} (${opts.codec})`, proc);
}

/**
 * A caller who handles a blind transfer (issue 11), as two sipp processes (sipp keeps one Call-ID per call):
 * transferee-blind.xml calls the console and takes its REFER; its twin transferee-blind-invite.xml calls the
 * Refer-To target with Referred-By and talks for `talkMs`. The scenarios explain the split.
 */
export async function blindTransferee(opts: { kam: KamailioHandle; caller: PhoneAccount; consoleUser: string; talkMs: number }): Promise<{ refer: SippPeer; twin: SippPeer }> {
  const { kam, caller } = opts;
  const keys = ['-key', 'caller', caller.user, '-key', 'domain', kam.domain, '-key', 'pbx_port', String(kam.udpPort)];
  const auth = ['-au', caller.user, '-ap', caller.password];
  const twinPort = await freeUdpPort();
  const twinProc = await spawnSipp(
    [`127.0.0.1:${kam.udpPort}`, '-sf', sippScenario('transferee-blind-invite.xml'), ...auth, ...keys, '-key', 'referrer', opts.consoleUser, '-d', String(opts.talkMs), '-mi', '127.0.0.1', '-m', '1', '-p', String(twinPort)],
    90_000,
  );
  const twin = peer(`transferee twin ${caller.user}`, twinProc);
  await waitFor(`transferee twin bound to UDP ${twinPort}`, () => udpBound(twinPort), 10_000, 20);
  const mediaPort = await freeUdpPort([twinPort]);
  const proc = await spawnSipp(
    [`127.0.0.1:${kam.udpPort}`, '-sf', sippScenario('transferee-blind.xml'), '-s', opts.consoleUser, ...auth, ...keys, '-key', 'twin_port', String(twinPort), '-mi', '127.0.0.1', '-mp', String(mediaPort), '-rtp_echo', '-m', '1', '-p', String(await freeUdpPort([twinPort, mediaPort]))],
    90_000,
  );
  return { refer: peer(`transferee ${caller.user}`, proc), twin };
}

/** Registers `callee`, which answers the call a transfer sends it (from `caller`, Referred-By `referrer`) and waits for BYE. */
export async function transferTarget(opts: { kam: KamailioHandle; callee: PhoneAccount; caller: string; referrer: string }): Promise<SippPeer> {
  const { kam, callee } = opts;
  const port = await freeUdpPort();
  await registerAt(kam, callee, port);
  const mediaPort = await freeUdpPort([port]);
  const proc = await spawnSipp(
    [`127.0.0.1:${kam.udpPort}`, '-sf', sippScenario('callee-transferred.xml'), '-s', callee.user, '-key', 'caller', opts.caller, '-key', 'referrer', opts.referrer, '-d', '300', '-mi', '127.0.0.1', '-mp', String(mediaPort), '-rtp_echo', '-m', '1', '-p', String(port)],
    90_000,
  );
  await waitFor(`transfer target bound to UDP ${port}`, () => udpBound(port), 10_000, 20);
  return peer(`transfer target ${callee.user}`, proc);
}
