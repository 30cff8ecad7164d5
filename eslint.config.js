// Layering rules (the second enforcement besides the per-layer tsconfigs). See docs/architecture.md;
// scripts/layer-canary.ts (run by `npm run lint`) plants one forbidden import per rule and fails if any passes.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import globals from 'globals';

const NODE_BUILTINS = [
  'assert', 'buffer', 'child_process', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises', 'http', 'https',
  'net', 'os', 'path', 'process', 'stream', 'tls', 'url', 'util', 'worker_threads', 'zlib',
];
const noNode = [{ group: ['node:*'], message: 'This layer runs without Node: no node:* imports.' }];
const noElectron = { name: 'electron', message: 'Only electron/main and electron/preload may import electron.' };
const builtinPaths = NODE_BUILTINS.map((name) => ({ name, message: 'This layer runs without Node.' }));
const ipcOnlyInWrapper = {
  name: 'electron',
  importNames: ['ipcMain', 'ipcRenderer'],
  message: 'Only the contract wrappers (electron/main/ipc.ts, electron/preload/index.ts) touch IPC.',
};

// A relative import that reaches into one of `folders` (matched by folder name anywhere in the relative path).
const intoFolders = (folders, message) => ({
  regex: `^\\.{1,2}/(.*/)?(${folders.join('|')})(/|$)`,
  message,
});

// Inside electron/sip, a lower layer never imports a higher one (docs/architecture.md). Same rank = siblings.
// `ua-core` is the user-agent core of issue 8; stack.ts sits at its rank until it takes over.
const SIP_RANKS = [
  { rank: 0, names: ['clock', 'guard', 'types'] },
  { rank: 1, names: ['transport'] },
  { rank: 2, names: ['message'] },
  { rank: 3, names: ['transaction'] },
  { rank: 4, names: ['dialog', 'auth', 'dns', 'event-bodies'] },
  { rank: 5, names: ['ua-core', 'stack'] },
  { rank: 6, names: ['usage'] },
];
const sipUpward = (rank) => {
  const higher = SIP_RANKS.filter((r) => r.rank > rank).flatMap((r) => r.names);
  return higher.length === 0
    ? []
    : [{ regex: `^(\\.{1,2}/)+(${higher.join('|')})(\\.js)?(/|$)`, message: 'electron/sip layer order: transport < message < transaction < dialog/auth/dns/event-bodies < ua-core/stack < usage; a lower layer never imports a higher one.' }];
};
const sipLayerFiles = (name) =>
  ['clock', 'guard', 'stack'].includes(name) ? [`electron/sip/${name}.ts`] : [`electron/sip/${name}/**/*.ts`];

// Test doubles and benchmark peers (issue 8): one naming scheme, one home each. A double lives in a `testing/` folder
// next to the layer it fakes and is named `fake-*.ts` (fakes), `*-rig.ts` (rigs and test helpers) or `*-fixtures.ts`
// (fixture builders); benchmarks and their peers live in `bench/`; integration support in `test/`. Product code never
// imports any of them; tests and other doubles may. scripts/layer-canary.ts also fails when a file named like a
// double sits outside those homes, so the folder rule below is the whole rule.
const DOUBLE_FILES = ['**/testing/**', 'test/**', 'bench/**'];
const TEST_FILES = ['**/*.test.ts'];
const noDoubles = [
  {
    regex: '^\\.{1,2}/(.*/)?(testing|test|bench)(/|$)',
    message: 'Product code never imports from testing/, test/ or bench/ (test doubles, rigs, fixtures, benchmarks).',
  },
];

// One layer's import rule, in two config blocks: every file of the layer (tests and doubles included) gets `paths`
// and `patterns`; its product files additionally get the no-doubles patterns. (A later block's options replace an
// earlier one's for the same rule, so each block carries the whole list.)
const layer = (files, { paths = [], patterns = [] }, extra = {}) => [
  { files, ...extra, rules: { ...extra.rules, 'no-restricted-imports': ['error', { paths, patterns }] } },
  {
    files,
    ignores: [...TEST_FILES, ...DOUBLE_FILES],
    rules: { 'no-restricted-imports': ['error', { paths, patterns: [...patterns, ...noDoubles] }] },
  },
];

const notMain = intoFolders(['main'], 'Node layers never import the Electron composition root.');
const notPreloadRenderer = intoFolders(['preload', 'renderer'], 'Node layers never import preload or renderer code.');
const sipOut = intoFolders(
  ['core', 'serve', 'main', 'preload', 'renderer'],
  'electron/sip is the protocol stack: it imports only node:*, npm packages and shared/.',
);
// electron/media (issue 9 §2): SDP and RTP of a call. A sibling of electron/sip, not a part of it: the call usage
// speaks to it only through the SessionDescriptionHandler interface the composition root wires.
const mediaOut = intoFolders(
  ['sip', 'core', 'serve', 'main', 'preload', 'renderer'],
  'electron/media is the media layer: it imports only node:*, npm packages and shared/ (never electron/sip).',
);
const mainRule = {
  paths: [ipcOnlyInWrapper],
  patterns: [intoFolders(['renderer', 'preload', 'serve'], 'main composes sip/core only.')],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'test-results/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.es2022 } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'vue/multi-word-component-names': 'error',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  ...layer(
    ['shared/**/*.ts'],
    {
      paths: [noElectron, ...builtinPaths],
      patterns: [...noNode, intoFolders(['electron', 'renderer'], 'shared/ depends on nothing but itself.')],
    },
    { rules: { 'no-restricted-globals': ['error', 'window', 'document', 'process', 'Buffer', 'require'] } },
  ),
  {
    files: ['electron/sip/**/*.ts', 'electron/media/**/*.ts', 'electron/core/**/*.ts', 'electron/serve/**/*.ts'],
    languageOptions: { globals: globals.node },
  },
  ...layer(['electron/serve/**/*.ts'], { paths: [noElectron], patterns: [notMain, notPreloadRenderer] }),
  ...layer(['electron/core/**/*.ts'], {
    paths: [noElectron],
    patterns: [intoFolders(['serve', 'main', 'preload', 'renderer'], 'electron/core imports sip/ and shared/ only: serve and main compose it, not the other way round.')],
  }),
  ...layer(['electron/sip/**/*.ts'], { paths: [noElectron], patterns: [sipOut] }),
  ...layer(['electron/media/**/*.ts'], { paths: [noElectron], patterns: [mediaOut] }),
  ...SIP_RANKS.flatMap(({ rank, names }) =>
    names.flatMap((name) => layer(sipLayerFiles(name), { paths: [noElectron], patterns: [sipOut, ...sipUpward(rank)] })),
  ),
  {
    // No promise in the engine is left unobserved (issue 7): an unhandled rejection ends the process, and with it
    // every line. `void p` does not count as observing; use `observe()` from electron/sip/guard.ts. Typed lint, so
    // it is scoped to the engine's product code (tests, fakes and benchmarks are left out to keep lint fast).
    files: ['electron/sip/**/*.ts', 'electron/media/**/*.ts', 'electron/core/**/*.ts'],
    ignores: ['**/*.test.ts', '**/testing/**'],
    languageOptions: {
      parserOptions: { project: ['./electron/tsconfig.node.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: { '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: false }] },
  },
  {
    files: ['electron/main/**/*.ts'],
    languageOptions: { globals: globals.node },
  },
  ...layer(['electron/main/**/*.ts'], mainRule),
  // The main-side IPC wrapper: the same rule as the rest of main, minus the one IPC restriction (ipcMain allowed).
  ...layer(['electron/main/ipc.ts'], {
    ...mainRule,
    paths: [{ ...ipcOnlyInWrapper, importNames: ['ipcRenderer'], message: 'ipcRenderer belongs to the preload.' }],
  }),
  ...layer(['electron/preload/**/*.ts'], {
    paths: [
      { name: 'electron', allowImportNames: ['contextBridge', 'ipcRenderer'], message: 'preload uses contextBridge and ipcRenderer only.' },
      ...builtinPaths,
    ],
    patterns: [...noNode, intoFolders(['sip', 'core', 'main', 'serve', 'renderer'], 'preload imports shared/ only.')],
  }),
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.vue'],
    languageOptions: { globals: globals.browser },
  },
  ...layer(['renderer/**/*.ts', 'renderer/**/*.vue'], {
    paths: [noElectron, ...builtinPaths],
    patterns: [...noNode, intoFolders(['electron'], 'The renderer reaches main only through the exposed API (shared/contract).')],
  }),
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', '*.config.ts', '*.config.js', '**/*.test.ts'],
    languageOptions: { globals: globals.node },
  },
);
