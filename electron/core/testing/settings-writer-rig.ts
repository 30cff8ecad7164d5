/**
 * Child process for the settings atomicity test (`settings-store-crash.test.ts`): saves two large settings
 * alternately through a real {@link SettingsStore}, forever, until the test kills it with SIGKILL. A write that is
 * not atomic leaves a truncated or mixed file behind when the kill lands inside it.
 *
 * Run as `node --import tsx settings-writer-rig.ts <dataDir>`; prints `ready` once the first save is on disk.
 */
import { pathToFileURL } from 'node:url';
import { DEFAULT_SETTINGS, MAX_TILES, type Settings } from '../../../shared/settings';
import { plainCipher, SettingsStore } from '../settings-store';

/**
 * Settings of a size near the limit (every key slot used, long names), so one write spans many write() calls and
 * takes long enough for a kill to land inside it. `mark` makes the two versions tell apart in every tile.
 */
export function bigSettings(mark: 'A' | 'B'): Settings {
  return {
    ...DEFAULT_SETTINGS,
    lines: [
      {
        id: 'l1',
        enabled: true,
        displayName: `Front desk ${mark}`,
        user: '200',
        password: `pw-${mark}`,
        domain: 'pbx.test',
        transport: 'udp',
        expires: 600,
      },
    ],
    tiles: Array.from({ length: MAX_TILES }, (_, i) => ({
      id: `t${i}`,
      name: `${mark} ${'x'.repeat(50)} ${i}`.slice(0, 64),
      uri: `sip:${1000 + i}@pbx.test`,
      watch: ['dialog', 'presence'],
      action: { kind: 'call', uri: `sip:${1000 + i}@pbx.test` },
      group: `${mark} group ${i % 40} ${'y'.repeat(40)}`.slice(0, 64),
    })),
  };
}

async function main(dataDir: string): Promise<void> {
  const store = new SettingsStore({ dataDir, cipher: plainCipher });
  await store.load();
  const versions = [bigSettings('A'), bigSettings('B')];
  for (let n = 0; ; n++) {
    const saved = await store.save(versions[n % 2]!);
    if (!saved.ok) throw new Error(`save failed: ${saved.error.message}`);
    if (n === 0) process.stdout.write('ready\n');
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv[2] ?? '.').catch((err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  });
}
