// Layering rules (the second enforcement besides the per-layer tsconfigs). See docs/architecture.md.
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
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, ...builtinPaths],
          patterns: [
            ...noNode,
            { group: ['**/electron/**', '**/renderer/**'], message: 'shared/ depends on nothing but itself.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'Buffer', 'require'],
    },
  },
  {
    files: ['electron/sip/**/*.ts', 'electron/core/**/*.ts', 'electron/serve/**/*.ts'],
    languageOptions: { globals: globals.node },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            { group: ['**/electron/main/**', '../main/**', '../../main/**'], message: 'Node layers never import the Electron composition root.' },
            { group: ['**/preload/**', '**/renderer/**'], message: 'Node layers never import preload or renderer code.' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/sip/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            { group: ['**/core/**', '**/serve/**', '**/main/**', '**/preload/**', '**/renderer/**'], message: 'electron/sip is the protocol stack: it imports only node:* and shared/.' },
          ],
        },
      ],
    },
  },
  {
    // No promise in the engine is left unobserved (issue 7): an unhandled rejection ends the process, and with it
    // every line. `void p` does not count as observing; use `observe()` from electron/sip/guard.ts. Typed lint, so
    // it is scoped to the engine's product code (tests, fakes and benchmarks are left out to keep lint fast).
    files: ['electron/sip/**/*.ts', 'electron/core/**/*.ts'],
    ignores: [
      '**/*.test.ts',
      '**/*.test-helper.ts',
      '**/*test-rig.ts',
      '**/testing/**',
      'electron/sip/**/fake-*.ts',
      'electron/sip/**/bench-*.ts',
      'electron/sip/**/test-support.ts',
      'electron/sip/**/*-fixtures.ts',
    ],
    languageOptions: {
      parserOptions: { project: ['./electron/tsconfig.node.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: { '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: false }] },
  },
  {
    files: ['electron/main/**/*.ts'],
    languageOptions: { globals: globals.node },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [ipcOnlyInWrapper],
          patterns: [{ group: ['**/renderer/**', '**/preload/**', '**/serve/**'], message: 'main composes sip/core only.' }],
        },
      ],
    },
  },
  {
    files: ['electron/main/ipc.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', allowImportNames: ['contextBridge', 'ipcRenderer'], message: 'preload uses contextBridge and ipcRenderer only.' },
            ...builtinPaths,
          ],
          patterns: [...noNode, { group: ['**/sip/**', '**/core/**', '**/main/**', '**/serve/**', '**/renderer/**'], message: 'preload imports shared/ only.' }],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.vue'],
    languageOptions: { globals: globals.browser },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, ...builtinPaths],
          patterns: [...noNode, { group: ['**/electron/**'], message: 'The renderer reaches main only through the exposed API (shared/contract).' }],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', '*.config.ts', '*.config.js', '**/*.test.ts'],
    languageOptions: { globals: globals.node },
  },
);
