/**
 * The command line's figures (issue 13), each a median with min and max over
 * the rounds (bench/stats.ts), against a floor measured in the same round:
 * - runner_trials_per_s: trials a second that `diviner-local run` gets
 *   through at parallelism 4 with a black box that exits at once (its start-up
 *   taken off), against spawning the same black boxes from Node at the same
 *   parallelism (`runner_spawn_floor_per_s`);
 * - journal_points_per_s: metric points a second appended through the journal
 *   store (1,000 runs × 1,000 points), against `appendFileSync` of the same
 *   lines (`journal_floor_points_per_s`);
 * - follow_latency_p95_ms: from a METRICS line printed to its point shown in
 *   the page served by `diviner-local serve`.
 */
import { spawn } from 'node:child_process'
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { it } from 'vitest'
import { encodeMetrics } from '../../src/db/dump/encode.js'
import { JournalDatabase } from '../../src/db/journal/database.js'
import { discrete } from '../../src/db/model/params.js'
import { minimize } from '../../src/db/model/study.js'
import { int } from '../../src/db/model/values.js'
import { RunState } from '../../src/db/model/run.js'
import { chromiumArgs, requireChromium } from '../../test/chromium.js'
import { BIN, cli, start } from '../../test/unit/cli/cli.js'
import { ratio, rounds, spread } from '../stats.js'

function temp(): string {
  return mkdtempSync(join(tmpdir(), 'diviner-bench-'))
}

/** Runs `n` `bash -c true` at `parallelism` from Node; resolves to the seconds taken. */
async function spawnFloor(n: number, parallelism: number): Promise<number> {
  const t0 = performance.now()
  let next = 0
  const worker = async () => {
    while (next < n) {
      next++
      await new Promise((resolve) => spawn('bash', ['-c', 'true'], { stdio: 'ignore', detached: true }).on('close', resolve))
    }
  }
  await Promise.all(Array.from({ length: parallelism }, worker))
  return (performance.now() - t0) / 1000
}

async function runnerFigures(): Promise<Record<string, number>> {
  const TRIALS = 200
  const rates: number[] = []
  const floors: number[] = []
  for (let i = 0; i < rounds(); i++) {
    const dir = temp()
    writeFileSync(join(dir, 'c.config.ts'), `import { gridSearch, minimize, range, runConfig, study } from 'diviner-local/config'
export default study({ name: 'fast', params: { x: range(0, ${TRIALS}) }, objective: minimize('loss'), oracle: gridSearch, run: () => runConfig({ script: 'true' }) })
`)
    const db = join(dir, 'data')
    // Start-up (Node, tsx, loading the config) is taken off: `list` on the same directory costs the same.
    let t0 = performance.now()
    await cli(['list', '--db', db])
    const startup = (performance.now() - t0) / 1000
    t0 = performance.now()
    const out = await cli(['run', '--db', db, '-parallelism', '4', join(dir, 'c.config.ts')])
    const total = (performance.now() - t0) / 1000
    if (out.code !== 0) throw new Error(`the runner failed: ${out.stderr}`)
    rates.push(TRIALS / Math.max(0.001, total - startup))
    floors.push(TRIALS / (await spawnFloor(TRIALS, 4)))
    rmSync(dir, { recursive: true, force: true })
  }
  return { ...spread('runner_trials_per_s', rates), ...spread('runner_spawn_floor_per_s', floors), ...ratio('runner_vs_spawn_floor', rates, floors), runner_trials: TRIALS }
}

async function journalFigures(): Promise<Record<string, number>> {
  const RUNS = 1000
  const POINTS = 1000
  const ours: number[] = []
  const floor: number[] = []
  for (let i = 0; i < rounds(); i++) {
    const dir = temp()
    const db = new JournalDatabase(join(dir, 'data'), { onProblem: () => undefined })
    await db.createTable()
    await db.createStudyIfNotExist({ name: 's', objective: minimize('loss'), params: { x: discrete(int(1)) } })
    const seqs: number[] = []
    for (let r = 0; r < RUNS; r++) seqs.push((await db.insertRun({ study: 's', values: { x: int(1) } })).seq)
    let t0 = performance.now()
    for (let p = 0; p < POINTS; p++) for (const seq of seqs) await db.appendRunMetrics('s', seq, { loss: 1 / (p + 1), acc: p / POINTS })
    ours.push((RUNS * POINTS) / ((performance.now() - t0) / 1000))
    const ids = (await db.listRuns('s', RunState.Any)).map((r) => r.id)
    db.close()
    const file = join(dir, 'plain.jsonl')
    t0 = performance.now()
    for (let p = 0; p < POINTS; p++) for (const id of ids) appendFileSync(file, encodeMetrics(id, p, [{ loss: 1 / (p + 1), acc: p / POINTS }]) + '\n')
    floor.push((RUNS * POINTS) / ((performance.now() - t0) / 1000))
    rmSync(dir, { recursive: true, force: true })
  }
  return {
    ...spread('journal_points_per_s', ours), ...spread('journal_floor_points_per_s', floor),
    ...ratio('journal_vs_appendfile', ours, floor), journal_points: RUNS * POINTS,
  }
}

async function followFigures(): Promise<Record<string, number>> {
  const POINTS = 40
  const dir = temp()
  const db = join(dir, 'data')
  writeFileSync(join(dir, 'emit.mjs'), `for (let k = 1; k <= ${POINTS}; k++) { await new Promise((r) => setTimeout(r, 250)); console.log('METRICS: k=' + k + ',t=' + Date.now()) }\n`)
  writeFileSync(join(dir, 'c.config.ts'), `import { discrete, gridSearch, minimize, runConfig, study } from 'diviner-local/config'
export default study({ name: 'follow', params: { x: discrete(1) }, objective: minimize('k'), oracle: gridSearch, run: () => runConfig({ argv: ['node', 'emit.mjs'] }) })
`)
  const server = start(['serve', '--db', db, '--port', '0'])
  try {
    while (!/http:\/\/127\.0\.0\.1:\d+\//.test(server.stdout())) {
      if (server.child.exitCode !== null) throw new Error(`serve failed: ${server.stderr()}`)
      await new Promise((r) => setTimeout(r, 50))
    }
    const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(server.stdout())?.[0] as string
    // The study and its run exist before the page opens on the run (a first pass with one point).
    const browser = await chromium.launch({ executablePath: requireChromium(), args: chromiumArgs, headless: true })
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    const sweep = start(['run', '--db', db, join(dir, 'c.config.ts')])
    await page.goto(url)
    await page.waitForFunction(() => document.body.innerText.includes('follow'), undefined, { timeout: 30_000 })
    await page.goto(`${url}#/run/follow/1`)
    // Each time the metrics table grows, the page notes when (wall clock, as the black box prints it).
    await page.evaluate(() => {
      const shown: number[] = []
      ;(globalThis as { shown?: number[] }).shown = shown
      const look = () => {
        const table = document.querySelector('[role="table"][aria-label="Metrics"]')
        const rows = Number(table?.getAttribute('aria-rowcount') ?? 1) - 1
        while (shown.length < rows) shown.push(Date.now())
        requestAnimationFrame(look)
      }
      look()
    })
    const out = await sweep.done
    if (out.code !== 0) throw new Error(`the sweep failed: ${out.stderr}`)
    await page.waitForFunction((n) => ((globalThis as { shown?: number[] }).shown?.length ?? 0) >= n, POINTS, { timeout: 30_000 })
    const shown = await page.evaluate(() => (globalThis as { shown?: number[] }).shown ?? [])
    await browser.close()
    const journal = new JournalDatabase(db, { onProblem: () => undefined })
    await journal.createTable()
    const printed = (await journal.lookupRun('follow', 1)).metrics.map((m) => m['t'] as number)
    journal.close()
    // Points already there when the page opened are not a measure of following.
    const latencies = printed.map((t, k) => (shown[k] as number) - t).slice(5)
    const sorted = [...latencies].sort((a, b) => a - b)
    const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number
    return { follow_latency_p50_ms: Math.round(p(0.5)), follow_latency_p95_ms: Math.round(p(0.95)), follow_latency_max_ms: Math.round(p(1)), follow_points: latencies.length }
  } finally {
    server.child.kill('SIGINT')
    await server.done
    rmSync(dir, { recursive: true, force: true })
  }
}

it('runner: trials a second, journal appends, follow latency', async () => {
  const figures = { ...await runnerFigures(), ...await journalFigures(), ...await followFigures() }
  console.log(figures, BIN)
  await writeFile(new URL('../.results/runner.json', import.meta.url), JSON.stringify(figures))
})
