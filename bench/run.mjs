// Runs the benchmarks (`npm run bench`), or the suites named (`npm run bench -- scale optuna`), one process
// each, letting the machine settle before each one; then gathers every suite's figures into bench/results.json.
// See bench/README.md.
import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'

/** The suites, in the order a full run takes them: name → the Vitest project and file. */
const SUITES = {
  'core-node': { project: 'bench-node', file: 'bench/node/core.bench.ts' },
  core: { project: 'bench-browser', file: 'bench/browser/core.bench.ts' },
  dump: { project: 'bench-browser', file: 'bench/browser/dump.bench.ts' },
  scale: { project: 'bench-browser', file: 'bench/browser/scale.bench.ts' },
  'optuna-breakdown': { project: 'bench-browser', file: 'bench/browser/optuna-parse.bench.ts' },
  optuna: { project: 'bench-page', file: 'bench/browser/optuna.bench.ts' },
  'scale-page': { project: 'bench-node', file: 'bench/node/scale-page.bench.ts' },
  runner: { project: 'bench-node', file: 'bench/node/runner.bench.ts' },
  sync: { project: 'bench-node', file: 'bench/node/sync.bench.ts' },
}

/** Settling before a suite: at least this long… */
const SETTLE_MIN_S = Number(process.env.BENCH_SETTLE_MIN_S ?? 10)
/** …then until the 1-minute load average is at most this (the machine's other work included)… */
const SETTLE_LOAD = Number(process.env.BENCH_SETTLE_LOAD ?? 1.5)
/** …or this long has passed. */
const SETTLE_MAX_S = Number(process.env.BENCH_SETTLE_MAX_S ?? 90)

const root = fileURLToPath(new URL('..', import.meta.url))
const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'))
const unknown = asked.filter((name) => !(name in SUITES))
if (unknown.length) {
  console.error(`unknown bench suite ${unknown.join(', ')}; the suites are: ${Object.keys(SUITES).join(', ')}`)
  process.exit(2)
}
const names = asked.length ? Object.keys(SUITES).filter((n) => asked.includes(n)) : Object.keys(SUITES)
const results = new URL('.results/', import.meta.url)
// A full run starts afresh; a run of some suites replaces only theirs (the others' last figures stay).
if (!asked.length) rmSync(results, { recursive: true, force: true })
mkdirSync(results, { recursive: true })

const sleep = (s) => new Promise((r) => setTimeout(r, s * 1000))

async function settle() {
  const t0 = Date.now()
  await sleep(SETTLE_MIN_S)
  while (loadavg()[0] > SETTLE_LOAD && Date.now() - t0 < SETTLE_MAX_S * 1000) await sleep(2)
  return { waited: Math.round((Date.now() - t0) / 1000), load: Number(loadavg()[0].toFixed(2)) }
}

let failed = 0
for (const [i, name] of names.entries()) {
  const { project, file } = SUITES[name]
  const calm = i === 0 && names.length === 1 && process.env.BENCH_SETTLE_MIN_S === undefined ? { waited: 0, load: Number(loadavg()[0].toFixed(2)) } : await settle()
  console.log(`\n== bench ${name} (settled ${calm.waited} s; load ${calm.load}) ==`)
  const run = spawnSync('npx', ['vitest', 'run', '--config', 'bench/vitest.config.ts', '--project', project, file], {
    cwd: root, stdio: 'inherit', env: { ...process.env, VITE_BENCH_ROUNDS: process.env.BENCH_ROUNDS ?? '', BENCH_SUITE: name, BENCH_LOAD_BEFORE: String(calm.load) },
  })
  if (run.status !== 0) {
    failed++
    console.error(`bench ${name} failed (exit ${run.status})`)
  }
}
spawnSync(process.execPath, ['bench/collect.mjs'], { cwd: root, stdio: 'inherit' })
process.exit(failed ? 1 : 0)
