// ESLint 9 flat config: the rules Nx's own packages lean on, with type information so promise mistakes
// (a forgotten await, a promise passed where a callback is expected) are caught where swc would not.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { createRequire } from 'node:module';

// The workspace's own rules are TypeScript, loaded as the tools are (type-checked with the rest).
const require = createRequire(import.meta.url);
require('@swc-node/register');
const janusLayers = require('./tools/eslint/janus-layers.ts');

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'tmp/', 'coverage/', '.nx/', '**/__fixtures__/**', '**/files/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // The plugin's layers (libs/janus/README.md, "Layers"): imports only point down, never in a loop.
    files: ['libs/janus/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    plugins: { janus: janusLayers.plugin },
    rules: { 'janus/layers': 'error' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node, ...globals.jest } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
