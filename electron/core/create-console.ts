/**
 * Builds the whole engine behind the contract: settings store, SIP trace, lines, busy lamp field and the console
 * service. Shared by both composition roots (Electron main and serve), which differ only in how they protect
 * secrets and where they log.
 */
import type { Clock } from '../sip/clock';
import { engineGuard } from '../sip/guard';
import { createMediaSessionFactory } from '../media';
import { AudioHub } from './audio/audio-hub';
import { BlfService } from './blf/blf-service';
import { CallService } from './calls/call-service';
import { HistoryService } from './history/history-service';
import { ConsoleService } from './console-service';
import { LineFeatureCodes } from './presence/feature-codes';
import { PresenceService } from './presence/presence-service';
import { createLineManager } from './lines/line-manager';
import { LogLimiter } from './log-limiter';
import { SettingsStore, type SecretCipher } from './settings-store';
import { TraceLog } from './trace-log';
import { LinesWithVoicemail } from './voicemail/lines-with-voicemail';
import { VoicemailService } from './voicemail/voicemail-service';

export interface ConsoleOptions {
  clock: Clock;
  dataDir: string;
  cipher: SecretCipher;
  mode: 'electron' | 'serve';
  version: string;
  /** Operational messages (malformed NOTIFYs, unreadable files, …). */
  log: (message: string) => void;
  /** OS idle time in seconds (Electron's powerMonitor); serve mode has none and uses the UI's activity reports. */
  idleSeconds?: () => number;
}

export function createConsole(options: ConsoleOptions): { service: ConsoleService; store: SettingsStore } {
  const { dataDir, cipher, mode, version } = options;
  // Every timer of the engine runs inside the guard; every log line (hostile packets make many) is rate-limited.
  const clock = engineGuard.clock(options.clock);
  const limiter = new LogLimiter({ clock, write: options.log });
  const log = (message: string): void => limiter.log(message);
  engineGuard.setReporter(log);
  const store = new SettingsStore({ dataDir, cipher });
  const trace = new TraceLog({ clock, dataDir, onFileError: (err) => log(`Cannot write the SIP trace file: ${(err as Error).message}`) });
  const lines = createLineManager({ clock, dataDir, trace, log });
  const tiles = new BlfService({ clock, lines, log });
  const featureCodes = new LineFeatureCodes({ clock, lines, codes: (n) => lines.lineConfig(n)?.featureCodes });
  const presence = new PresenceService({ clock, lines, log, featureCodes, ...(options.idleSeconds ? { idleSeconds: options.idleSeconds } : {}) });
  // A PBX restart seen by the lamps (481 to a refresh, NOTIFY counting afresh, re-register after a failure) also
  // lost the own presence: re-publish it then instead of at the next refresh (issue 7, defect 4).
  tiles.onLineRenewal((line) => presence.pbxRestarted(line));
  const history = new HistoryService({ dataDir, clock, log });
  history.open();
  const calls = new CallService({
    clock,
    lines,
    history,
    // Directed pickup reads the ringing dialog of a tile (issue 11).
    tiles: { tileView: (id) => tiles.tileViews().find((view) => view.id === id) },
    createMediaFactory: (portRange) => {
      const media = createMediaSessionFactory({ clock, portRange, log });
      // RFC 4568 §8.3: SDES keys only over TLS signalling; there the line's `srtp` (default: offer) decides.
      return ({ localAddress, line, secureSignalling }) =>
        media({ localAddress, srtp: secureSignalling ? (lines.lineConfig(line)?.srtp ?? 'offer') : 'off' });
    },
    // "On the phone" follows the calls (issue 9 §7).
    setInCall: (inCall) => presence.setInCall(inCall),
    log,
  });
  const audio = new AudioHub({ activeAudio: () => calls.activeAudio(), log });
  // The line's own mailbox (issue 12 §6) rides on the line states; a PBX restart the lamps saw renews it too.
  const voicemail = new VoicemailService({ clock, lines, log });
  tiles.onLineRenewal((line) => voicemail.pbxRestarted(line));
  const linesWithVoicemail = new LinesWithVoicemail(lines, voicemail);
  const service = new ConsoleService({ store, lines: linesWithVoicemail, tiles, presence, calls, history, audio, trace, mode, version, clock });
  return { service, store };
}
