// Layer canary (issue 8, run by `npm run lint` after ESLint has passed on the real tree): proves the layering walls
// fail. Each plant is one forbidden import, linted with the project's ESLint config (`lintText` with a `filePath`
// inside the layer) and, where the rule is also a tsconfig rule, type-checked with that layer's tsconfig. Plants are
// never written to disk: ESLint gets the text, TypeScript a compiler host that serves the planted file in memory,
// so a parallel `npm run typecheck` or test run never sees them. Controls (allowed imports) must pass, so a wall that
// rejects everything is caught too. Exit code 1 when any plant passes or any control fails.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import ts from 'typescript';

const VERBOSE = process.argv.includes('--verbose');
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NODE = 'electron/tsconfig.node.json';
const SHARED = 'shared/tsconfig.json';
const RENDERER = 'renderer/tsconfig.json';

interface Case {
  what: string;
  file: string; // relative to ROOT; need not exist
  code: string;
  tsconfig?: string; // also type-check with this layer tsconfig
  allowed?: boolean; // a control: must pass both walls
}

const ELECTRON = "import { app } from 'electron';\nexport const x = app;\n";
const NODE_FS = "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n";

const cases: Case[] = [
  // electron outside electron/main and electron/preload
  { what: 'electron in electron/sip', file: 'electron/sip/transport/__canary__.ts', code: ELECTRON, tsconfig: NODE },
  { what: 'electron in electron/core', file: 'electron/core/__canary__.ts', code: ELECTRON, tsconfig: NODE },
  { what: 'electron in electron/media', file: 'electron/media/__canary__.ts', code: ELECTRON, tsconfig: NODE },
  { what: 'electron in electron/serve', file: 'electron/serve/__canary__.ts', code: ELECTRON, tsconfig: NODE },
  { what: 'electron in shared/', file: 'shared/__canary__.ts', code: ELECTRON, tsconfig: SHARED },
  { what: 'electron in renderer/', file: 'renderer/src/__canary__.ts', code: ELECTRON, tsconfig: RENDERER },
  { what: 'type-only electron in electron/sip', file: 'electron/sip/__canary__.ts', code: "import type { App } from 'electron';\nexport type X = App;\n", tsconfig: NODE },
  { what: 'side-effect electron in electron/core', file: 'electron/core/__canary__.ts', code: "import 'electron';\n", tsconfig: NODE },
  // node:* where no Node runs
  { what: 'node: in shared/', file: 'shared/__canary__.ts', code: NODE_FS, tsconfig: SHARED },
  { what: 'node: in renderer/', file: 'renderer/src/__canary__.ts', code: NODE_FS, tsconfig: RENDERER },
  // cross-layer (ESLint only)
  { what: 'core imports serve', file: 'electron/core/__canary__.ts', code: "import { isLoopbackHost } from '../serve/server';\nexport const x = isLoopbackHost;\n" },
  { what: 'core imports main', file: 'electron/core/blf/__canary__.ts', code: "import '../../main/security';\n" },
  { what: 'sip imports core', file: 'electron/sip/usage/__canary__.ts', code: "import { LineManager } from '../../core/lines/line-manager';\nexport const x = LineManager;\n" },
  { what: 'media imports sip', file: 'electron/media/__canary__.ts', code: "import { SystemClock } from '../sip/clock';\nexport const x = SystemClock;\n" },
  { what: 'sip imports serve', file: 'electron/sip/__canary__.ts', code: "import '../serve';\n" },
  { what: 'main/ipc.ts imports serve (override narrowed)', file: 'electron/main/ipc.ts', code: "import '../serve/server';\n" },
  // upward inside electron/sip
  { what: 'sip: transport imports usage', file: 'electron/sip/transport/__canary__.ts', code: "import { SubscriptionRouter } from '../usage/subscription/subscription-router';\nexport const x = SubscriptionRouter;\n" },
  { what: 'sip: transport imports stack', file: 'electron/sip/transport/__canary__.ts', code: "import '../stack';\n" },
  { what: 'sip: message imports transaction', file: 'electron/sip/message/__canary__.ts', code: "import '../transaction';\n" },
  { what: 'sip: dialog imports usage (nested)', file: 'electron/sip/dialog/x/__canary__.ts', code: "import '../../usage/registration/registration';\n" },
  { what: 'sip: clock imports transport', file: 'electron/sip/clock.ts', code: "import './transport';\n" },
  { what: 'sip: stack imports usage', file: 'electron/sip/stack.ts', code: "import './usage/registration/registration';\n" },
  // product code importing a test double, a benchmark or integration support (docs/architecture.md, "Test doubles")
  { what: 'product imports testing/fake-*', file: 'electron/sip/transport/__canary__.ts', code: "import { FakeNetwork } from './testing/fake-network';\nexport const x = FakeNetwork;\n" },
  { what: 'product imports a rig', file: 'electron/sip/transaction/__canary__.ts', code: "import './testing/transaction-rig';\n" },
  { what: 'product imports fixtures', file: 'electron/sip/message/__canary__.ts', code: "import './testing/message-fixtures';\n" },
  { what: 'product imports a double of a lower layer', file: 'electron/sip/usage/subscription/__canary__.ts', code: "import '../../transport/testing/fake-network';\n" },
  { what: 'core imports a sip double', file: 'electron/core/blf/__canary__.ts', code: "import '../../sip/usage/testing/fake-notifier';\n" },
  { what: 'core imports a core double', file: 'electron/core/__canary__.ts', code: "import './lines/testing/fake-lines';\n" },
  { what: 'product imports bench/', file: 'electron/sip/usage/__canary__.ts', code: "import '../../../bench/notify-routing';\n" },
  { what: 'product imports testing/ (renderer)', file: 'renderer/src/__canary__.ts', code: "import './testing/fake-console-api';\n" },
  { what: 'product imports test/', file: 'electron/serve/__canary__.ts', code: "import '../../test/support/wait';\n" },
  { what: 'main imports a double', file: 'electron/main/__canary__.ts', code: "import '../core/blf/testing/fake-tiles';\n" },
  // controls: allowed imports pass both walls
  { what: 'control: usage imports transport, stack, node:', file: 'electron/sip/usage/__canary__.ts', code: "import { readFileSync } from 'node:fs';\nimport { createTransport } from '../transport';\nimport { SipStack } from '../stack';\nexport const x = [readFileSync, createTransport, SipStack];\n", tsconfig: NODE, allowed: true },
  { what: 'control: core imports sip and shared', file: 'electron/core/__canary__.ts', code: "import { SipStack } from '../sip/stack';\nimport { ok } from '../../shared/result';\nexport const x = [SipStack, ok];\n", tsconfig: NODE, allowed: true },
  { what: 'control: media imports node: and shared', file: 'electron/media/__canary__.ts', code: "import { createSocket } from 'node:dgram';\nimport { ok } from '../../shared/result';\nexport const x = [createSocket, ok];\n", tsconfig: NODE, allowed: true },
  { what: 'control: shared imports shared', file: 'shared/__canary__.ts', code: "import { ok } from './result';\nexport const x = ok;\n", tsconfig: SHARED, allowed: true },
  { what: 'control: renderer imports shared', file: 'renderer/src/__canary__.ts', code: "import { ok } from '../../shared/result';\nexport const x = ok;\n", tsconfig: RENDERER, allowed: true },
  { what: 'control: a test imports a double', file: 'electron/sip/usage/__canary__.test.ts', code: "import './testing/fake-pbx';\nimport '../transport/testing/fake-network';\n", allowed: true },
  { what: 'control: a double imports a double', file: 'electron/sip/usage/testing/fake-canary.ts', code: "import './fake-registrar';\nimport '../../transport/testing/fake-network';\n", allowed: true },
  { what: 'control: a benchmark imports a double', file: 'bench/__canary__.ts', code: "import '../electron/sip/usage/testing/fake-line-context';\n", allowed: true },
  { what: 'control: ipc.ts imports ipcMain', file: 'electron/main/ipc.ts', code: "import { ipcMain } from 'electron';\nexport const x = ipcMain;\n", allowed: true },
];

// The project's config with type-aware linting switched off: plants are not in any tsconfig program, and the
// import rules need no types.
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: {
    languageOptions: { parserOptions: { project: false, projectService: false } },
    rules: { '@typescript-eslint/no-floating-promises': 'off' },
  },
});

async function eslintVerdict(c: Case): Promise<string[]> {
  const [result] = await eslint.lintText(c.code, { filePath: path.join(ROOT, c.file), warnIgnored: true });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === null)
    .map((m) => `${m.ruleId ?? 'fatal'}: ${m.message}`);
}

const parsedConfigs = new Map<string, ts.ParsedCommandLine>();
const sourceCache = new Map<string, ts.SourceFile | undefined>();
const lastProgram = new Map<string, ts.Program>(); // per tsconfig, so the next program reuses its lib files

function tscVerdict(c: Case): string[] {
  const tsconfig = c.tsconfig!;
  let parsed = parsedConfigs.get(tsconfig);
  if (!parsed) {
    parsed = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, tsconfig), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    });
    if (!parsed) throw new Error(`cannot read ${tsconfig}`);
    parsedConfigs.set(tsconfig, parsed);
  }
  const planted = path.join(ROOT, c.file);
  const host = ts.createCompilerHost(parsed.options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (f) => path.resolve(f) === planted || fileExists.call(host, f);
  host.readFile = (f) => (path.resolve(f) === planted ? c.code : readFile.call(host, f));
  host.getSourceFile = (f, language, ...rest) => {
    if (path.resolve(f) === planted) return ts.createSourceFile(f, c.code, language, true);
    const key = `${f}\0${JSON.stringify(language)}`;
    if (!sourceCache.has(key)) sourceCache.set(key, getSourceFile.call(host, f, language, ...rest));
    return sourceCache.get(key);
  };
  const program = ts.createProgram({ rootNames: [planted], options: parsed.options, host, oldProgram: lastProgram.get(tsconfig) });
  lastProgram.set(tsconfig, program);
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file ? path.relative(ROOT, d.file.fileName) : tsconfig}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

// The naming scheme for doubles (docs/architecture.md, "Test doubles"): the ESLint rule forbids product imports from
// `testing/`, `test/` and `bench/`, so it only holds if every double lives there. A file named like a double outside
// those homes, or a file in `testing/` named otherwise (tests of the doubles aside), breaks the scheme.
const DOUBLE_NAME = /^(fake-[^/]*|[^/]*-rig|[^/]*-fixtures|bench-[^/]*|[^/]*\.test-helper|test-support)\.ts$/;
const IN_TESTING = /(^|\/)testing\//;
const SCHEME_NAME = /^(fake-[^/]*|[^/]*-rig|[^/]*-fixtures)(\.test)?\.ts$/;

function misplacedDoubles(files: string[]): string[] {
  const bad: string[] = [];
  for (const file of files) {
    const name = path.posix.basename(file);
    if (IN_TESTING.test(file) ? !SCHEME_NAME.test(name) : DOUBLE_NAME.test(name)) bad.push(file);
  }
  return bad;
}

function productTree(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(rel);
      else if (entry.isFile() && entry.name.endsWith('.ts')) out.push(rel);
    }
  };
  for (const dir of ['electron', 'shared', 'renderer']) walk(dir);
  return out;
}

function checkDoubleNames(failures: string[]): void {
  for (const file of misplacedDoubles(productTree())) {
    failures.push(`${file}: a test double outside testing/ (or a testing/ file off the naming scheme fake-*, *-rig, *-fixtures)`);
  }
  // The check itself must fail on a planted misfit, or an empty walk would pass everything.
  const plants = ['electron/sip/usage/fake-canary.ts', 'electron/core/blf/blf-test-rig.ts', 'electron/sip/usage/testing/helper.ts', 'electron/sip/event-bodies/bench-canary.ts'];
  const caught = misplacedDoubles(plants);
  if (caught.length !== plants.length) failures.push(`double naming check lets through: ${plants.filter((p) => !caught.includes(p)).join(', ')}`);
  if (misplacedDoubles(['electron/sip/usage/testing/fake-canary.ts', 'electron/sip/usage/testing/canary-rig.test.ts']).length > 0) {
    failures.push('double naming check rejects a well-named double');
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const failures: string[] = [];
  checkDoubleNames(failures);
  for (const c of cases) {
    const walls: [string, string[]][] = [['eslint', await eslintVerdict(c)]];
    if (c.tsconfig) walls.push([`tsc -p ${c.tsconfig}`, tscVerdict(c)]);
    for (const [wall, errors] of walls) {
      if (VERBOSE) console.log(`${c.allowed ? 'control' : 'plant'} ${c.what} | ${wall}: ${errors.join(' | ') || 'passes'}`);
      if (c.allowed && errors.length > 0) failures.push(`${c.what}: ${wall} rejects an allowed import:\n    ${errors.join('\n    ')}`);
      if (!c.allowed && errors.length === 0) failures.push(`${c.what}: ${wall} lets the forbidden import through (${c.file})`);
    }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (failures.length > 0) {
    console.error(`layer canary: ${failures.length} wall(s) do not hold (docs/architecture.md):\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
    return;
  }
  console.log(`layer canary: ${cases.filter((c) => !c.allowed).length} plants rejected, ${cases.filter((c) => c.allowed).length} controls pass (${seconds} s)`);
}

await main();
