import importX from 'eslint-plugin-import-x'
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript'
import svelte from 'eslint-plugin-svelte'
import tseslint from 'typescript-eslint'

// The architecture, one direction only. Each folder may import the folders
// listed for it (and itself), nothing else of src/. Lower layers never see
// higher ones: the model sees nothing; storage is reached through the
// Database interface and the narrow merge/export interfaces; the UI reaches
// data only through the worker; the command line through the Database.
const layers = {
  'src/db/model': [],
  'src/db/analysis': ['src/db/model'],
  'src/db/dump': ['src/db/model'],
  'src/db/optuna': ['src/db/model', 'src/db/dump'],
  'src/db/merge': ['src/db/model', 'src/db/dump', 'src/db/optuna'],
  'src/db/sync': ['src/db/model', 'src/db/dump', 'src/db/merge'],
  'src/db/store': ['src/db/model', 'src/db/analysis', 'src/db/dump', 'src/db/merge', 'src/db/sync'],
  'src/db/journal': ['src/db/model', 'src/db/analysis', 'src/db/dump', 'src/db/merge', 'src/db/sync'],
  'src/worker': ['src/db/model', 'src/db/analysis', 'src/db/dump', 'src/db/merge', 'src/db/store', 'src/db/sync'],
  'src/ui': ['src/db/model', 'src/db/analysis', 'src/worker/client.ts', 'src/worker/changes.ts', 'src/worker/api.ts'],
  'src/cli': ['src/db/model', 'src/db/analysis', 'src/db/dump', 'src/db/merge', 'src/db/journal', 'src/db/sync'],
}
const everything = [...Object.keys(layers), 'src/db/index.ts']
const zones = Object.entries(layers).flatMap(([target, allowed]) => everything
  .filter((from) => from !== target && !allowed.includes(from))
  .map((from) => ({
    target: `./${target}`,
    from: `./${from}`,
    // The UI may reach the worker client and the API's types, not the worker's internals.
    except: allowed.filter((a) => a.startsWith(`${from}/`)).map((a) => `./${a.slice(from.length + 1)}`),
    message: `${target} may import only ${allowed.length ? allowed.join(', ') : 'nothing of the other layers'} (see eslint.config.js)`,
  })))

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
    files: ['src/**/*.ts', 'src/**/*.svelte'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
      'import-x/extensions': ['.ts', '.js', '.svelte'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.js'] },
      // Components are not followed: their imports are checked where they are linted themselves.
      'import-x/ignore': ['\\.svelte$'],
    },
    rules: {
      // No import cycles, type-only imports included: a cycle hides which layer a file belongs to.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones }],
    },
  },
  {
    files: ['src/db/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['svelte', 'svelte/*', 'comlink'], message: 'The model and storage never depend on the UI or the worker.' }] }],
    },
  },
  {
    files: ['src/ui/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          { group: ['dexie', 'dexie/*', 'fflate', 'dexie-export-import'], message: 'The UI reaches data only through the worker API.' },
          // The API's types come from its implementation; its code runs in the worker only.
          { group: ['**/worker/api.js'], allowTypeImports: true, message: 'The UI imports only the types of the worker API; calls go through the client.' },
        ],
      }],
    },
  },
)
