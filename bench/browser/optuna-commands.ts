/**
 * A browser command for the Optuna breakdown benchmark (runs in Node): writes a
 * journal with scripts/optuna-journal.mjs where the bench's Vite server serves it.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { BrowserCommand } from 'vitest/node'

const GENERATOR = fileURLToPath(new URL('../../scripts/optuna-journal.mjs', import.meta.url))
const DIR = 'test-results/optuna-bench'

/** Generates a journal of `trials` trials × 100 intermediate values; resolves to its URL path on the bench's server. */
export const generateOptunaJournal: BrowserCommand<[trials: number]> = (_ctx, trials) => {
  mkdirSync(DIR, { recursive: true })
  const file = `${DIR}/journal-${trials}.log`
  execFileSync(process.execPath, [GENERATOR, String(trials), file, '100'])
  return `/${file}`
}

declare module 'vitest/browser' {
  interface BrowserCommands {
    generateOptunaJournal: (trials: number) => Promise<string>
  }
}
