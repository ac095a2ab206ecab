import { svelte } from '@sveltejs/vite-plugin-svelte'
import { playwright } from '@vitest/browser-playwright'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import { precache } from './src/ui/sw/precache-plugin.js'
import { chromium, chromiumArgs } from './test/chromium.js'
import type { SummaryReporterOptions } from './test/summary-reporter.js'

/** The suites that drive a browser: without one they are kept in name only, with no tests. */
const browserSuites = ['browser', 'e2e']

/** Under CI a suite that cannot run fails the run; elsewhere it is reported as not run. */
const ci = process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI.toLowerCase())

/** For the summary reporter: which suites cannot run and why (nothing when a browser was found). */
const summary: SummaryReporterOptions = chromium.path === undefined
  ? { notRun: browserSuites, reason: chromium.problem, required: ci }
  : {}

/**
 * A suite that needs the browser none was found for: it holds no tests, yet
 * `--project <name>` still selects it, and the summary reporter says it did not run.
 */
function withoutBrowser(name: string) {
  return { test: { name, include: [] } }
}

/**
 * V8's explicit compile hint, put first in the chunk that holds uPlot: all its
 * functions are compiled eagerly, off the page's thread while the chunk
 * streams in, instead of lazily inside the first chart's draw (which made the
 * first chart of a visit a 60–140 ms task on a busy two-core machine;
 * bench/README.md). Also in the worker's chunk that reads Optuna journals,
 * whose first lines are read while the study waits to be listed. Only those
 * chunks: hinting every chunk measured no better.
 */
function compileHint(chunk: { moduleIds: readonly string[] }): string {
  return chunk.moduleIds.some((id) => id.includes('/node_modules/uplot/') || id.includes('/src/db/optuna/journal')) ? '//# allFunctionsCalledOnLoad' : ''
}

/**
 * The worker's Optuna journal reader, in a chunk of its own that the worker
 * loads with its first load (an Optuna study is listed from a journal's
 * first lines, so its reader must not wait to be fetched), apart so that the
 * compile hint covers it alone. SQLite's reader and sql.js stay out of it.
 */
const journalChunk = { name: 'journal', test: /\/src\/db\/optuna\/(?!sqlite|sql-wasm)[^/]+$/, includeDependenciesRecursively: false }

export default defineConfig({
  // Relative asset URLs: the built site works from any sub-path of a static host.
  base: './',
  // precache: writes the offline service worker, dist/sw.js, listing the build's files.
  plugins: [svelte(), precache(fileURLToPath(new URL('./src/ui/sw/sw.js', import.meta.url)))],
  worker: { format: 'es', rolldownOptions: { output: { postBanner: compileHint, codeSplitting: { groups: [journalChunk] } } } },
  optimizeDeps: { include: ['dexie', 'comlink', 'fflate', 'fast-check'] },
  // postBanner: after minification, which would drop the comment.
  build: { target: 'es2022', sourcemap: true, rolldownOptions: { output: { postBanner: compileHint } } },
  test: {
    reporters: ['default', ['./test/summary-reporter.ts', summary]],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/unit/**/*.test.ts'],
          setupFiles: ['test/unit/setup.ts'],
          testTimeout: 30_000,
        },
      },
      chromium.path === undefined ? withoutBrowser('browser') : {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({ launchOptions: { executablePath: chromium.path, args: chromiumArgs } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      chromium.path === undefined ? withoutBrowser('e2e') : {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Conditions on a page driven on a shared machine: wait for them, don't time them.
          expect: { poll: { timeout: 15_000 } },
        },
      },
    ],
  },
})
