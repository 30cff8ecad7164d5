// Run by `npm start` before anything else: says plainly when Electron's binary is missing, instead of Electron's own
// "Electron failed to install correctly, please delete node_modules/electron", which sends people the wrong way. The
// test setup (`bash scripts/setup.sh --test`) skips the binary's download on purpose (README.md).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Why Electron cannot start from the `electron` package in `electronDir` (`node_modules/electron`), or undefined
 * when its binary is there. Follows the package's own lookup: `path.txt` names the executable under `dist/`, or
 * under `overrideDistPath` (`ELECTRON_OVERRIDE_DIST_PATH`) when set.
 */
export function electronBinaryProblem(electronDir: string, overrideDistPath?: string): string | undefined {
  if (!existsSync(path.join(electronDir, 'package.json'))) return `the electron package is not installed (${electronDir} is missing)`;
  const pathFile = path.join(electronDir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  if (overrideDistPath) {
    const binary = path.join(overrideDistPath, executable || 'electron');
    return existsSync(binary) ? undefined : `${binary} (ELECTRON_OVERRIDE_DIST_PATH) does not exist`;
  }
  if (!executable) return `${pathFile} is missing`;
  const binary = path.join(electronDir, 'dist', executable);
  return existsSync(binary) ? undefined : `${binary} is missing`;
}

/** The whole message `npm start` prints for `problem`. */
export function electronBinaryMessage(problem: string): string {
  return [
    `npm start: the Electron binary is not installed (${problem}).`,
    'The test setup (bash scripts/setup.sh --test) skips its download.',
    'Run `bash scripts/setup.sh` (without --test) to install it, or use `npm run serve` to run the console in a browser.',
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const problem = electronBinaryProblem(path.join(ROOT, 'node_modules', 'electron'), process.env.ELECTRON_OVERRIDE_DIST_PATH);
  if (problem) {
    console.error(electronBinaryMessage(problem));
    process.exit(1);
  }
}
