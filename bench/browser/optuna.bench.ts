/**
 * Optuna journals through the built page (served as `npm start` serves it),
 * driven by playwright-core in headless Chromium at 1600×1000, as a person
 * would: journals of 1,000 and 10,000 trials (100 intermediate values each)
 * made by scripts/optuna-journal.mjs, chosen with "Import dump". Measured per size:
 *   listed_ms    choosing the file → the study appearing in the list (as soon as
 *                the import's first batch is in; its run count then grows)
 *   all_listed_ms  choosing the file → the study listed with all its runs
 *                (the import finished; `import_ms`: its summary shown)
 *   drawn_ms     opening the study's leaderboard tab → the board, the objective
 *                history and the learning curves all drawn (data-ready=true)
 *   long_tasks / longest_task_ms   main-thread tasks over 50 ms during both
 *   memory_mb    the renderer process's proportional set size (PSS, from
 *                /proc, the page's worker included) after the study is drawn
 *   reopen_ms    reload → the study page drawn again
 * Each size is measured in several rounds (bench/stats.ts), each in a fresh
 * persistent profile (IndexedDB on disk, as a visitor's). Where the import's
 * time goes (reading, parsing, writing) is measured apart, in
 * bench/browser/optuna-parse.bench.ts.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readdirSync } from 'node:fs'
import { chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { chromiumArgs, requireChromium } from '../../test/chromium.js'
import { printProfile } from '../node/page-profile.js'
import { servePage, type ServedPage } from '../page-server.js'
import { rounds, spread } from '../stats.js'

let served: ServedPage
let baseUrl: string
const GENERATOR = fileURLToPath(new URL('../../scripts/optuna-journal.mjs', import.meta.url))
/** The journals' sizes in trials (BENCH_OPTUNA_SIZES=1000 measures one). */
const SIZES = (process.env.BENCH_OPTUNA_SIZES ?? '1000,10000').split(',').map(Number)
/** Selectors of a drawn study page (leaderboard tab). */
const DRAWN = ['[data-board][data-ready=true]', 'figure[data-picture=objective-history][data-ready=true]', 'figure[data-picture=learning-curves][data-ready=true]']
/** Set BENCH_OPTUNA_BOARD_ONLY=1 to wait on the board alone (when the pictures are not built yet). */
const waitOn = process.env.BENCH_OPTUNA_BOARD_ONLY ? DRAWN.slice(0, 1) : DRAWN
/** Set BENCH_OPTUNA_PROFILE=1 to print the main thread's CPU profile of opening the study (an unminified build). */
const profiling = process.env.BENCH_OPTUNA_PROFILE !== undefined

let dir: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'diviner-optuna-bench-'))
  served = await servePage(!profiling)
  baseUrl = served.url
}, 300_000)

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  await served?.close()
})

function round(x: number): number {
  return Math.round(x * 10) / 10
}

/** Records main-thread long tasks from page start, and when a file is chosen in any file input. */
const INSTRUMENT = `
  window.__longTasks = []
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push([e.startTime, e.duration]) }).observe({ type: 'longtask', buffered: true })
  // Long animation frames with the scripts that ran in them, to find where a long task came from (printed, not a figure).
  window.__loaf = []
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__loaf.push(Math.round(e.startTime) + ' d' + Math.round(e.duration) + ' [' + e.scripts.map((x) => x.invoker + ' ' + (x.sourceURL || '').split('/').pop() + ':' + x.sourceFunctionName + ':' + Math.round(x.duration)).join(', ') + '] layout' + Math.round(e.startTime + e.duration - e.styleAndLayoutStart)) }).observe({ type: 'long-animation-frame', buffered: true })
  document.addEventListener('change', (e) => { if (e.target instanceof HTMLInputElement && e.target.type === 'file') window.__chosenAt = performance.now() }, true)
`

/** Waits (polling every frame) until `predicate(arg)` holds in the page; resolves to the page's performance.now() then. */
async function until<A>(page: Page, predicate: (arg: A) => number | false, arg: A): Promise<number> {
  // A function, not a string: the page's CSP forbids eval.
  const h = await page.waitForFunction(predicate as (arg: unknown) => number | false, arg, { polling: 'raf', timeout: 600_000 })
  return (await h.jsonValue()) as number
}

/** In the page: performance.now() once every selector matches. */
const drawn = (selectors: readonly string[]): number | false => selectors.every((q) => document.querySelector(q)) && performance.now()

type Instrumented = Window & { __longTasks: [start: number, duration: number][]; __chosenAt: number }
const takeLongTasks = (page: Page) => page.evaluate(() => (window as unknown as Instrumented).__longTasks.splice(0))
const takeLongFrames = (page: Page) => page.evaluate(() => (window as unknown as { __loaf: string[] }).__loaf.splice(0))

/**
 * The proportional set size, in MiB, of the renderer processes of the Chromium
 * running on `profileDir` (from /proc: the browser process names the profile
 * on its command line, its renderers descend from it; the page's worker runs
 * in its renderer).
 */
function rendererMemoryMb(profileDir: string): number {
  const procs = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map((pid) => {
    try {
      // Chromium's children rewrite their command line as one string: search the joined text.
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')
      const ppid = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1])
      return { pid: Number(pid), ppid, cmd }
    } catch {
      return undefined
    }
  }).filter((p) => p !== undefined)
  const root = procs.find((p) => !p.cmd.includes('--type=') && p.cmd.includes(`--user-data-dir=${profileDir}`))
  if (!root) throw new Error(`no Chromium running on ${profileDir}`)
  const family = new Set([root.pid])
  for (let grew = true; grew;) {
    grew = false
    for (const p of procs) if (!family.has(p.pid) && family.has(p.ppid)) { family.add(p.pid); grew = true }
  }
  let kb = 0
  for (const p of procs) {
    if (!family.has(p.pid) || !p.cmd.includes('--type=renderer')) continue
    kb += Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p.pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0)
  }
  return kb / 1024
}

/** Writes the journal of `trials` trials (100 intermediate values each); its path. */
function journal(trials: number): string {
  const file = join(dir, `optuna-journal-${trials}.log`)
  execFileSync(process.execPath, [GENERATOR, String(trials), file, '100'])
  return file
}

async function measure(trials: number, file: string): Promise<Record<string, number>> {
  const bytes = statSync(file).size
  const study = `bench-journal-${trials}`
  const profileDir = mkdtempSync(join(dir, 'profile-'))
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: requireChromium(), args: [...chromiumArgs, '--enable-precise-memory-info'], headless: true, viewport: { width: 1600, height: 1000 },
  })
  await context.addInitScript(INSTRUMENT)
  const page = context.pages()[0] ?? await context.newPage()
  const problems: string[] = []
  page.on('pageerror', (e) => problems.push(e.message))
  try {
    await page.goto(baseUrl)
    await page.getByRole('heading', { name: 'Studies' }).waitFor()

    // (a) choose the file → the study in the list, then with all its runs.
    // The input is found first: Playwright's label lookup runs on the page's main thread and is no part of the import.
    const input = await page.getByLabel('Import dump', { exact: true }).elementHandle()
    await page.waitForTimeout(300)
    await takeLongTasks(page)
    await input?.setInputFiles(file)
    const firstListedAt = await until(page, (study: string) => [...document.querySelectorAll('tbody tr')].some((r) => r.querySelector('th')?.textContent?.trim() === study) && performance.now(), study)
    const summaryAt = await until(page, () => document.querySelector('[aria-label="Import summary"]') !== null && performance.now(), undefined)
    // The study's row, with its run count showing every trial.
    const listedAt = await until(page, ({ study, trials }: { study: string; trials: number }) => [...document.querySelectorAll('tbody tr')].some((r) =>
      r.querySelector('th')?.textContent?.trim() === study && (r.querySelector('[data-count="runs"]')?.textContent ?? r.textContent ?? '').replace(/[^\d]/g, '').includes(String(trials))) && performance.now(),
    { study, trials })
    const chosenAt = await page.evaluate(() => (window as unknown as Instrumented).__chosenAt)
    const tasksA = await takeLongTasks(page)
    const summaryText = await page.getByRole('region', { name: 'Import summary' }).innerText()
    expect(summaryText).toMatch(/Optuna journal/)

    // (b) open the study's leaderboard → board and pictures drawn.
    const cdp = profiling ? await context.newCDPSession(page) : undefined
    if (cdp) { await cdp.send('Profiler.enable'); await cdp.send('Profiler.setSamplingInterval', { interval: 200 }); await cdp.send('Profiler.start') }
    const openedAt = await page.evaluate((hash) => { const t = performance.now(); location.hash = hash; return t }, `#/study/${encodeURIComponent(study)}?tab=leaderboard`)
    const drawnAt = await until(page, drawn, waitOn)
    await page.waitForTimeout(200) // tasks finishing the frame
    const tasksB = await takeLongTasks(page)
    if (cdp) await printProfile(cdp, `opening the study of ${trials} trials`)
    const framesB = await takeLongFrames(page)
    const memory = rendererMemoryMb(profileDir)
    const heap = await page.evaluate(() => (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize)
    mkdirSync('test-results', { recursive: true })
    await page.screenshot({ path: `test-results/bench-optuna-${trials}.png` })

    // (e) reload → drawn again, from the navigation's start.
    await page.reload()
    const reopenAt = await until(page, drawn, waitOn)
    const tasksE = await takeLongTasks(page)

    console.log(`${trials} trials, long animation frames (start, duration, [scripts], style and layout)\nimport and draw:\n${framesB.join('\n')}\nreopen:\n${(await takeLongFrames(page)).join('\n')}`)
    expect(problems).toEqual([])
    const all = [...tasksA, ...tasksB]
    const k = trials >= 10_000 ? '10k' : '1k'
    const longest = (xs: [number, number][]) => round(Math.max(0, ...xs.map(([, d]) => d)))
    const longestA = tasksA.reduce<[number, number]>((m, t) => (t[1] > m[1] ? t : m), [chosenAt, 0])
    return {
      [`optuna_${k}_listed_ms`]: round(firstListedAt - chosenAt),
      [`optuna_${k}_all_listed_ms`]: round(listedAt - chosenAt),
      [`optuna_${k}_import_ms`]: round(summaryAt - chosenAt),
      // Megabytes of journal imported per second.
      [`optuna_${k}_import_mb_per_s`]: round(bytes / 2 ** 20 / ((summaryAt - chosenAt) / 1000)),
      [`optuna_${k}_drawn_ms`]: round(drawnAt - openedAt),
      [`optuna_${k}_long_tasks`]: all.length,
      [`optuna_${k}_longest_task_ms`]: longest(all),
      [`optuna_${k}_import_longest_task_ms`]: longest(tasksA),
      // When the import's longest task started, from the choice of the file (the change event, the import's start, runs in one).
      [`optuna_${k}_import_longest_task_at_ms`]: round(longestA[0] - chosenAt),
      [`optuna_${k}_draw_longest_task_ms`]: longest(tasksB),
      [`optuna_${k}_memory_mb`]: round(memory),
      [`optuna_${k}_main_heap_mb`]: round(heap / 2 ** 20),
      [`optuna_${k}_reopen_ms`]: round(reopenAt),
      [`optuna_${k}_reopen_longest_task_ms`]: longest(tasksE),
      [`optuna_${k}_journal_bytes`]: bytes,
    }
  } finally {
    await context.close()
    rmSync(profileDir, { recursive: true, force: true })
  }
}

it('Optuna journals of 1,000 and 10,000 trials through the page', async () => {
  const figures: Record<string, number> = { optuna_rounds: rounds() }
  for (const n of SIZES) {
    const file = journal(n)
    const all: Record<string, number>[] = []
    for (let r = 0; r < rounds(); r++) all.push(await measure(n, file))
    for (const key of Object.keys(all[0] ?? {})) {
      if (key.endsWith('_bytes')) figures[key] = all[0]?.[key] as number
      else Object.assign(figures, spread(key, all.map((x) => x[key] as number)))
    }
  }
  if (waitOn.length < DRAWN.length) figures.optuna_drawn_board_only = 1
  console.log(figures)
  mkdirSync('bench/.results', { recursive: true })
  writeFileSync('bench/.results/optuna.json', JSON.stringify(figures))
})
