import { svelte } from '@sveltejs/vite-plugin-svelte'
import { playwright } from '@vitest/browser-playwright'
import { defineConfig } from 'vitest/config'
import { chromium, chromiumArgs, chromiumPath } from '../test/chromium.js'
import { startWorkerHeapSampler, stopWorkerHeapSampler } from './commands.js'
import { generateOptunaJournal } from './browser/optuna-commands.js'

// Benchmarks: they measure and write figures; they assert nothing about speed.

// Said before any suite starts, instead of Playwright's advice to download a browser of its own.
if (chromiumPath === undefined) console.error(`The browser suites cannot run. ${chromium.problem}`)

export default defineConfig({
  root: new URL('..', import.meta.url).pathname,
  plugins: [svelte()],
  worker: { format: 'es' },
  optimizeDeps: { include: ['dexie', 'comlink', 'fflate', 'dexie-export-import'] },
  test: {
    fileParallelism: false,
    // One bench at a time, the Node and browser projects included: they measure the same machine.
    maxWorkers: 1,
    testTimeout: 900_000,
    hookTimeout: 900_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'bench-node',
          environment: 'node',
          include: ['bench/node/**/*.bench.ts'],
          setupFiles: ['test/unit/setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'bench-browser',
          include: ['bench/browser/**/*.bench.ts'],
          // Drives the built page from Node (project bench-page below).
          exclude: ['bench/browser/optuna.bench.ts'],
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: { executablePath: chromiumPath, args: [...chromiumArgs, '--enable-precise-memory-info'] },
            }),
            instances: [{ browser: 'chromium' }],
            commands: { startWorkerHeapSampler, stopWorkerHeapSampler, generateOptunaJournal },
          },
        },
      },
      {
        extends: true,
        test: {
          // The built page, served as `npm start` serves it, driven by playwright-core (like the e2e tests).
          name: 'bench-page',
          environment: 'node',
          include: ['bench/browser/optuna.bench.ts'],
        },
      },
    ],
  },
})
