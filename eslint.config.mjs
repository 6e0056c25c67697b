// Lint, including the layer rule: shared ← db, src-main/core ← src-main/http ← src-main/electron;
// the renderer sees only shared. Only src-main/electron may import electron.
import js from '@eslint/js';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const node = { group: ['node:*'], message: 'shared/ and the renderer stay free of Node: pass data in.' };
const electron = { group: ['electron'], message: 'Only src-main/electron/ may import electron.' };
const up = (dirs, why) => ({ group: dirs, message: why });

export default tseslint.config(
  {
    ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.mjs', 'scripts/*.mjs', '.ci/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [node, electron, up(['**/db/**', '**/src-main/**', '**/src-renderer/**', 'react', 'react-dom'], 'shared/ imports nothing above it.')] },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'Buffer'],
    },
  },
  {
    files: ['db/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [electron, up(['**/src-main/**', '**/src-renderer/**'], 'db/ imports only shared/.')] }],
    },
  },
  {
    files: ['src-main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [electron, up(['**/http/**', '**/portal/**', '**/electron/**', '**/src-renderer/**', '../node-main', '../cli'], 'the core imports only db/ and shared/.')] },
      ],
    },
  },
  {
    files: ['src-main/http/**/*.ts', 'src-main/portal/**/*.ts', 'src-main/node-main.ts', 'src-main/cli.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [electron, up(['**/electron/**', '**/src-renderer/**'], 'servers do not know the Electron shell or the UI.')] }],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks, 'jsx-a11y': jsxA11y },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...jsxA11y.flatConfigs.recommended.rules,
      'no-restricted-imports': [
        'error',
        { patterns: [node, electron, up(['**/db/**', '**/src-main/**'], 'the renderer reaches the core only through the API contract.')] },
      ],
    },
  },
  { files: ['**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', '*.config.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
);
