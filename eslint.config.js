import svelte from 'eslint-plugin-svelte'
import tseslint from 'typescript-eslint'

// Layering: the model and storage never import the UI or the worker; the UI
// reaches data only through the worker API (never Dexie, fflate or storage code).
const uiMayNotImport = [
  { group: ['dexie', 'dexie/*', 'fflate', 'dexie-export-import'], message: 'The UI reaches data only through the worker API.' },
  { group: ['**/db/dexie*', '**/db/schema*', '**/db/history*'], message: 'The UI reaches data only through the worker API.' },
]

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test-results/', 'bench/results.json', '.svelte-kit/'] },
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/db/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/ui/**', '**/worker/**', 'svelte', 'svelte/*'], message: 'The model and storage never depend on the UI or the worker.' }] }],
    },
  },
  {
    files: ['src/ui/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: uiMayNotImport }] },
  },
)
