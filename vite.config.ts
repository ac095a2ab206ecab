import { svelte } from '@sveltejs/vite-plugin-svelte'
import { playwright } from '@vitest/browser-playwright'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import { precache } from './src/ui/sw/precache-plugin.js'
import { chromiumArgs, chromiumPath } from './test/chromium.js'

export default defineConfig({
  // Relative asset URLs: the built site works from any sub-path of a static host.
  base: './',
  // precache: writes the offline service worker, dist/sw.js, listing the build's files.
  plugins: [svelte(), precache(fileURLToPath(new URL('./src/ui/sw/sw.js', import.meta.url)))],
  worker: { format: 'es' },
  optimizeDeps: { include: ['dexie', 'comlink', 'fflate', 'fast-check'] },
  build: { target: 'es2022', sourcemap: true },
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
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
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({ launchOptions: { executablePath: chromiumPath, args: chromiumArgs } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
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
