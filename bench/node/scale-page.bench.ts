/**
 * The built page on a study of 100,000 runs (1,000,000 metric entries), in
 * headless Chromium at 1600×1000. The study arrives as a user's does: a dump
 * (bench/scale-dump.ts) chosen with "Import dump" (`scale_page_import_ms`).
 * Then, each in several rounds (bench/stats.ts):
 *   open_100k_to_leaderboard_first_ms  the first open after the data arrived:
 *     a browser just launched on the profile (nothing of the study in memory),
 *     the study's leaderboard URL → the board drawn
 *   open_100k_to_leaderboard_ms  the same in a fresh page of a running browser
 *   browse: a fresh page, then open the study's runs, scroll, sort, search,
 *     leaderboard, a run, back; `browse_100k_long_tasks` counts the page's
 *     main-thread tasks over 50 ms meanwhile;
 *   scroll_100k_p95_frame_ms  the runs table's main-thread work per frame while
 *     it scrolls 3 s (p95; the frame intervals, which vsync bounds, apart),
 *     and against its floor (scroll-floor.ts: a bare copy of the table);
 *     the median frame beside it (`scroll_100k_median_vs_floor`)
 *   analysis_100k_drawn_ms  the analysis tab's four pictures drawn
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { chromiumArgs, requireChromium } from '../../test/chromium.js'
import { servePage, type ServedPage } from '../page-server.js'
import { SCALE_STUDY } from '../scale-data.js'
import { scaleDump } from '../scale-dump.js'
import { rounds, spread } from '../stats.js'
import { longTasks, percentile, phase, printProfile, watchLongTasks } from './page-profile.js'
import { scrollFloor } from './scroll-floor.js'
import { printTrace, startTrace } from './page-trace.js'

const RUNS = Number(process.env.BENCH_SCALE_RUNS ?? 100_000)
const profiling = process.env.BENCH_SCALE_PROFILE !== undefined
const tracing = process.env.BENCH_SCALE_TRACE !== undefined
let served: ServedPage
let base: string
let dir: string
let profile: string
let importMs = 0

const launch = (): Promise<BrowserContext> => chromium.launchPersistentContext(profile, {
  executablePath: requireChromium(), args: chromiumArgs, headless: true, viewport: { width: 1600, height: 1000 },
})

const firstPage = async (context: BrowserContext): Promise<Page> => context.pages()[0] ?? (await context.newPage())

beforeAll(async () => {
  served = await servePage(!profiling && !tracing)
  base = served.url
  dir = await mkdtemp(join(tmpdir(), 'diviner-bench-scale-'))
  profile = join(dir, 'profile')
  const dump = join(dir, `scale-${RUNS}.diviner.gz`)
  await writeFile(dump, scaleDump(RUNS))
  const context = await launch()
  const page = await firstPage(context)
  await page.goto(base)
  await page.getByRole('heading', { name: 'Studies' }).waitFor()
  const input = await page.getByLabel('Import dump', { exact: true }).elementHandle()
  const t0 = Date.now()
  await input?.setInputFiles(dump)
  await page.locator('[aria-label="Import summary"]').waitFor({ timeout: 1_800_000 })
  importMs = Date.now() - t0
  await context.close()
}, 2_400_000)

afterAll(async () => {
  await served?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

const runsTable = '[role=table][aria-label=Runs]'
const ready = `${runsTable}:not([aria-busy=true])`
const studyUrl = () => `${base}#/study/${SCALE_STUDY}`

/** Opens the study's leaderboard in `page` (from a blank page); ms to the board drawn. */
async function openBoard(page: Page): Promise<number> {
  await page.goto('about:blank')
  const t0 = Date.now()
  await page.goto(`${studyUrl()}?tab=leaderboard`)
  await page.locator('[data-board][data-ready=true]').waitFor({ timeout: 600_000 })
  return Date.now() - t0
}

/** Three seconds of scrolling the runs table, a step per frame: each frame's main-thread work and interval. */
async function scroll(page: Page): Promise<{ work: number[]; intervals: number[] }> {
  // The work for a frame: from its start (the rAF timestamp, before scroll events and rAF callbacks) to the
  // first task after it (a posted message, which runs once style, layout and paint are done).
  return page.locator(runsTable).evaluate(async (table) => {
    const intervals: number[] = []
    const work: number[] = []
    const frame = () => new Promise<number>((r) => requestAnimationFrame(r))
    const afterFrame = () => new Promise<number>((r) => {
      const c = new MessageChannel()
      c.port1.onmessage = () => { c.port1.close(); r(performance.now()) }
      c.port2.postMessage(0)
    })
    let last = await frame()
    const start = last
    // Written, never read back (a read would force a layout in this script that a wheel does not).
    let top = 0
    while (last - start < 3000) {
      top += 240
      table.scrollTop = top
      const now = await frame()
      const done = afterFrame()
      intervals.push(now - last)
      work.push((await done) - now)
      last = now
    }
    table.scrollTop = 0
    return { intervals, work }
  })
}

/** One browse session in a fresh page: its figures. */
async function browse(context: BrowserContext): Promise<Record<string, number>> {
  const page = await context.newPage()
  await page.goto(base)
  await page.waitForFunction(() => globalThis.diviner?.api !== undefined)
  await watchLongTasks(page)
  const cdp = profiling ? await context.newCDPSession(page) : undefined
  if (cdp) { await cdp.send('Profiler.enable'); await cdp.send('Profiler.setSamplingInterval', { interval: 200 }); await cdp.send('Profiler.start') }
  const tracer = tracing ? await context.newCDPSession(page) : undefined
  if (tracer) await startTrace(tracer)
  const out: Record<string, number> = {}
  const t0 = Date.now()
  await phase(page, 'open')
  await page.evaluate((u) => { location.href = u }, studyUrl())
  await page.locator(ready).waitFor({ timeout: 300_000 })
  await expect.poll(() => page.locator('.count').first().textContent(), { timeout: 300_000 }).toMatch(new RegExp(`${RUNS.toLocaleString('en')} of ${RUNS.toLocaleString('en')} runs`))
  out.open_100k_to_runs_ms = Date.now() - t0
  if (cdp) { await printProfile(cdp, 'open'); await cdp.send('Profiler.start') }
  await phase(page, 'scroll')
  const { work, intervals } = await scroll(page)
  if (cdp) { await printProfile(cdp, 'scroll'); await cdp.send('Profiler.start') }
  out.scroll_100k_p95_frame_ms = percentile(work, 0.95)
  out.scroll_100k_median_frame_ms = percentile(work, 0.5)
  out.scroll_100k_max_frame_ms = Math.max(...work)
  out.scroll_100k_p95_frame_interval_ms = percentile(intervals, 0.95)
  out.scroll_100k_frames = intervals.length
  // The floor, right after: a bare copy of the table (same rows, cells and CSS) filled by plain textContent.
  const floor = await scrollFloor(page)
  out.scroll_100k_floor_p95_frame_ms = percentile(floor.work, 0.95)
  out.scroll_100k_vs_floor = out.scroll_100k_p95_frame_ms / out.scroll_100k_floor_p95_frame_ms
  // The median frame too: the p95 is the frames a busy machine slowed, the median the work every frame does.
  out.scroll_100k_floor_median_frame_ms = percentile(floor.work, 0.5)
  out.scroll_100k_median_vs_floor = out.scroll_100k_median_frame_ms / out.scroll_100k_floor_median_frame_ms
  const sortBy = async (label: string) => {
    await page.locator(runsTable).getByRole('columnheader', { name: label, exact: true }).getByRole('button').click()
    await page.locator(ready).waitFor()
  }
  await phase(page, 'sort')
  await sortBy('loss')
  await sortBy('loss')
  await sortBy('lr')
  await phase(page, 'search')
  await page.locator('input[data-search]').fill('opt=adam')
  await page.locator(ready).waitFor()
  await page.locator('input[data-search]').fill('')
  await page.locator(ready).waitFor()
  await phase(page, 'leaderboard')
  await page.getByRole('tab', { name: 'Leaderboard' }).click()
  await page.locator('[data-board][data-ready=true]').waitFor({ timeout: 300_000 })
  await phase(page, 'runs')
  await page.getByRole('tab', { name: 'Runs' }).click()
  await page.locator(ready).waitFor()
  await phase(page, 'run')
  await page.locator(`${runsTable} a`).first().click()
  await page.getByRole('heading', { name: /^Run / }).waitFor()
  await phase(page, 'back')
  await page.goBack()
  await page.locator(ready).waitFor()
  if (cdp) await printProfile(cdp, 'sort to back')
  if (tracer) await printTrace(tracer, 'open to back')
  const tasks = await longTasks(page)
  out.browse_100k_long_tasks = tasks.length
  out.browse_100k_longest_task_ms = Math.max(0, ...tasks)

  // The analysis tab, counted apart: from the click to its four pictures drawn (the worker summarizes the
  // 20,000 trials; the page draws at most 2,000 lines and points per picture).
  await page.evaluate(() => { (globalThis as unknown as { longTasks: number[] }).longTasks = [] })
  if (cdp) await cdp.send('Profiler.start')
  if (tracer) await startTrace(tracer)
  await phase(page, 'analysis')
  const tAnalysis = Date.now()
  await page.getByRole('tab', { name: 'Analysis' }).click()
  for (const name of ['parallel-coordinates', 'slices', 'importance', 'replicate-spread']) {
    await page.locator(`figure[data-picture=${name}][data-ready=true]`).waitFor({ timeout: 300_000 })
  }
  out.analysis_100k_drawn_ms = Date.now() - tAnalysis
  if (cdp) await printProfile(cdp, 'analysis')
  if (tracer) await printTrace(tracer, 'analysis')
  const analysisTasks = await longTasks(page)
  out.analysis_100k_long_tasks = analysisTasks.length
  out.analysis_100k_longest_task_ms = Math.max(0, ...analysisTasks)
  await page.screenshot({ path: 'test-results/bench-scale-analysis.png' })
  await page.close()
  return out
}

it(`scale: the page on ${RUNS} runs × 10 metric entries (1600×1000)`, async () => {
  const figures: Record<string, number> = { scale_page_runs: RUNS, scale_page_rounds: rounds(), scale_page_import_ms: importMs }
  const first: number[] = []
  const later: number[] = []
  for (let r = 0; r < rounds(); r++) {
    const context = await launch()
    const page = await firstPage(context)
    first.push(await openBoard(page))
    later.push(await openBoard(page))
    await context.close()
  }
  Object.assign(figures, spread('open_100k_to_leaderboard_first_ms', first), spread('open_100k_to_leaderboard_ms', later))
  const context = await launch()
  const sessions: Record<string, number>[] = []
  for (let r = 0; r < rounds(); r++) sessions.push(await browse(context))
  await context.close()
  for (const key of Object.keys(sessions[0] ?? {})) Object.assign(figures, spread(key, sessions.map((s) => s[key] as number)))
  console.log(figures, 'first opens', first, 'later opens', later)
  await writeFile(new URL('../.results/scale-page.json', import.meta.url), JSON.stringify(figures))
}, 3_600_000)
