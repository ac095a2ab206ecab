#!/usr/bin/env node
/**
 * The full import fuzz: 10,000 damaged dumps by default.
 *
 *     npm run fuzz                                  # 10,000 cases, the fixed seed
 *     FUZZ_CASES=50000 FUZZ_SEED=7 npm run fuzz     # more cases, another seed
 *
 * Runs test/unit/dump/fuzz.test.ts (the same cases and checks as the unit test's
 * smaller run) in Node on fake-indexeddb, and prints the number of cases, the
 * seed, and the outcomes by kind of damage; exits non-zero if any case failed.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const cases = process.env.FUZZ_CASES ?? '10000'
if (!/^[1-9]\d*$/.test(cases)) {
  console.error(`fuzz: FUZZ_CASES must be a positive integer, got ${cases}`)
  process.exit(1)
}
const vitest = spawn(process.execPath, [fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url)),
  'run', '--project', 'unit', 'test/unit/dump/fuzz.test.ts'], {
  cwd: root,
  env: { ...process.env, FUZZ_CASES: cases },
  stdio: 'inherit',
})
vitest.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
