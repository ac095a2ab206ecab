/**
 * The built page on a study of 100,000 runs (1,000,000 metric entries), in
 * headless Chromium at 1600×1000: the runs table's per-frame main-thread
 * work while it scrolls (p95; and the frame intervals, which vsync bounds), the time from opening the study's leaderboard in a fresh page
 * to the drawn board, and the main-thread tasks over 50 ms during a browse
 * session (open, scroll, sort, search, leaderboard, a run, back), and then
 * apart those of opening the analysis tab until its four pictures are drawn.
 *
 * The study is seeded straight into the page's IndexedDB (records as the
 * storage writes them, bench/scale-data.ts), which takes seconds, not the
 * minutes an import of 100,000 runs would.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type BrowserContext, type CDPSession, type Page } from 'playwright-core'
import { build } from 'vite'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { chromiumArgs, chromiumPath } from '../../test/chromium.js'
import { runRecord, SCALE_STUDY, studyRecord } from '../scale-data.js'
import { round } from '../workloads.js'

const RUNS = Number(process.env.BENCH_SCALE_RUNS ?? 100_000)
const root = fileURLToPath(new URL('../..', import.meta.url))
let dist: string
let profile: string
let server: ChildProcess
let base: string
let context: BrowserContext
let page: Page

async function buildPage(outDir: string): Promise<void> {
  const nodeEnv = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  try {
    // Profiling (BENCH_SCALE_PROFILE) reads function names: unminified then.
    await build({ root, mode: 'production', logLevel: 'warn', build: { outDir, emptyOutDir: true, minify: !process.env.BENCH_SCALE_PROFILE } })
  } finally {
    process.env.NODE_ENV = nodeEnv
  }
}

async function serve(dir: string): Promise<string> {
  server = spawn(process.execPath, ['scripts/serve.mjs', dir], { cwd: root, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  return new Promise<string>((resolve, reject) => {
    server.stdout?.setEncoding('utf8').on('data', (c: string) => {
      out += c
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out)
      if (m) resolve(m[0])
    })
    server.once('exit', (code) => reject(new Error(`serve.mjs exited (${code}): ${out}`)))
  })
}

/** Puts the study and its runs into the page's database, 5,000 records per transaction. */
async function seed(p: Page, runs: number): Promise<void> {
  await p.goto(base)
  await p.waitForFunction(() => globalThis.diviner?.api !== undefined)
  await p.evaluate(() => globalThis.diviner?.api?.createTable())
  // A string, evaluated by DevTools (the page's policy forbids eval; DevTools is not bound by it).
  const script = `(async () => {
    const runRecord = ${runRecord.toString()};
    const study = ${JSON.stringify(studyRecord(runs), (_, v) => (typeof v === 'bigint' ? { $big: String(v) } : v))};
    const revive = (x) => Array.isArray(x) ? x.map(revive) : x && typeof x === 'object' ? ('$big' in x ? BigInt(x.$big) : Object.fromEntries(Object.entries(x).map(([k, v]) => [k, revive(v)]))) : x;
    const db = await new Promise((resolve, reject) => { const r = indexedDB.open('diviner'); r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error) });
    const done = (tx) => new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); tx.onabort = () => reject(tx.error) });
    const meta = db.transaction('meta', 'readonly');
    const idReq = meta.objectStore('meta').get('db');
    await done(meta);
    const origin = idReq.result.id;
    let tx = db.transaction(['studies', 'meta'], 'readwrite');
    tx.objectStore('studies').put(revive(study));
    tx.objectStore('meta').put({ key: 'rev', n: ${runs} + 2 });
    await done(tx);
    for (let from = 0; from < ${runs}; from += 5000) {
      tx = db.transaction('runs', 'readwrite');
      const store = tx.objectStore('runs');
      for (let i = from; i < Math.min(${runs}, from + 5000); i++) store.put(runRecord(i, origin));
      await done(tx);
    }
    db.close();
  })()`
  await p.evaluate(script)
}

/** Starts counting main-thread tasks over 50 ms in the page (from now on). */
async function watchLongTasks(p: Page): Promise<void> {
  await p.evaluate(() => {
    const w = globalThis as unknown as { longTasks: number[]; longTaskLog: string[]; phase: string }
    w.longTasks = []
    w.longTaskLog = []
    w.phase = 'start'
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) { w.longTasks.push(Math.round(e.duration)); w.longTaskLog.push(`${w.phase}:${Math.round(e.duration)}`) }
    }).observe({ type: 'longtask' })
    const lo = globalThis as unknown as { loaf: string[] }
    lo.loaf = []
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as unknown as { duration: number; renderStart: number; styleAndLayoutStart: number; startTime: number; blockingDuration: number; scripts: { duration: number; sourceFunctionName: string; invoker: string }[] }[]) {
        const script = e.scripts.reduce((t, x) => t + x.duration, 0)
        const layout = e.startTime + e.duration - e.styleAndLayoutStart
        lo.loaf.push(`${w.phase} d${Math.round(e.duration)} script${Math.round(script)} render${Math.round(e.styleAndLayoutStart - e.renderStart)} layout${Math.round(layout)} [${e.scripts.map((x) => `${x.invoker}:${Math.round(x.duration)}`).join(',')}]`)
      }
    }).observe({ type: 'long-animation-frame' })
  })
}

async function longTasks(p: Page): Promise<number[]> {
  await p.waitForTimeout(200)
  console.log('long frames:', await p.evaluate(() => (globalThis as unknown as { loaf: string[] }).loaf.join('\n')))
  console.log('long tasks by phase:', await p.evaluate(() => (globalThis as unknown as { longTaskLog: string[] }).longTaskLog.join(' ')))
  return p.evaluate(() => (globalThis as unknown as { longTasks: number[] }).longTasks)
}

/** Stops the CPU profile and prints the functions that took most time (self time, ms), for finding long tasks' causes. */
async function printProfile(cdp: CDPSession, what: string): Promise<void> {
  const { profile } = await cdp.send('Profiler.stop')
  const self = new Map<string, number>()
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const dt = profile.timeDeltas ?? []
  const total = new Map<string, number>()
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const keyOf = (n: (typeof profile.nodes)[number]) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`
  ;(profile.samples ?? []).forEach((id, k) => {
    const n = byId.get(id)
    if (!n) return
    const ms = (dt[k] ?? 0) / 1000
    self.set(keyOf(n), (self.get(keyOf(n)) ?? 0) + ms)
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at)
      if (!node) break
      const key = keyOf(node)
      if (!seen.has(key)) { seen.add(key); total.set(key, (total.get(key) ?? 0) + ms) }
    }
  })
  const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([key, v]) => `${v.toFixed(1)}ms ${key}`).join('\n')
  console.log(`profile (${what}), self:\n${top(self, 30)}\ninclusive:\n${top(total, 50)}`)
  // Each stretch of main-thread work over 40 ms (samples with no idle between), with the page's own functions that took most of it.
  let at = profile.startTime
  let stretch: { start: number; end: number; fns: Map<string, number> } | undefined
  const stretches: NonNullable<typeof stretch>[] = []
  ;(profile.samples ?? []).forEach((id, k) => {
    at += dt[k] ?? 0
    const n = byId.get(id)
    if (!n || n.callFrame.functionName === '(idle)') { if (stretch) stretches.push(stretch); stretch = undefined; return }
    stretch ??= { start: at, end: at, fns: new Map() }
    stretch.end = at
    const seen = new Set<string>()
    for (let a: number | undefined = id; a !== undefined; a = parent.get(a)) {
      const node = byId.get(a)
      if (!node) break
      const key = keyOf(node)
      if (!seen.has(key) && !/^index-/.test(node.callFrame.url.split('/').pop() ?? '')) { seen.add(key); stretch.fns.set(key, (stretch.fns.get(key) ?? 0) + (dt[k] ?? 0) / 1000) }
    }
  })
  if (stretch) stretches.push(stretch)
  for (const s of stretches.filter((x) => x.end - x.start > 40_000)) {
    console.log(`stretch at ${((s.start - profile.startTime) / 1000).toFixed(0)} ms, ${((s.end - s.start) / 1000).toFixed(0)} ms:\n${top(s.fns, 25)}`)
  }
}

/** Names the browse step under way (long tasks are logged with it). */
async function phase(p: Page, name: string): Promise<void> {
  await p.evaluate((n) => { (globalThis as unknown as { phase: string }).phase = n }, name)
}

function percentile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number
}

const runsTable = '[role=table][aria-label=Runs]'
const ready = `${runsTable}:not([aria-busy=true])`

beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), 'diviner-bench-dist-'))
  profile = await mkdtemp(join(tmpdir(), 'diviner-bench-profile-'))
  await buildPage(dist)
  base = await serve(dist)
  context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath, args: chromiumArgs, headless: true, viewport: { width: 1600, height: 1000 },
  })
  page = context.pages()[0] ?? (await context.newPage())
  const t0 = Date.now()
  await seed(page, RUNS)
  console.log(`seeded ${RUNS} runs in ${Date.now() - t0} ms`)
}, 900_000)

afterAll(async () => {
  await context?.close()
  if (server && server.exitCode === null) { server.kill('SIGTERM'); await once(server, 'exit') }
  await rm(dist, { recursive: true, force: true })
  await rm(profile, { recursive: true, force: true })
})

it(`scale: the page on ${RUNS} runs × 10 metric entries (1600×1000)`, async () => {
  const studyUrl = `${base}#/study/${SCALE_STUDY}`
  const figures: Record<string, number> = {}

  // Open to the leaderboard in a fresh page (new worker, empty row cache). The first open ever reads every
  // run record and then saves a snapshot of the rows; later opens start from it (median of 3).
  const openBoard = async () => {
    await page.goto('about:blank')
    const t0 = Date.now()
    await page.goto(`${studyUrl}?tab=leaderboard`)
    await page.locator('[data-board][data-ready=true]').waitFor({ timeout: 600_000 })
    return Date.now() - t0
  }
  figures.open_100k_to_leaderboard_first_ms = await openBoard()
  await page.waitForFunction(() => new Promise<boolean>((resolve) => {
    const r = indexedDB.open('diviner')
    r.onsuccess = () => {
      const db = r.result
      const count = db.transaction('rowSnapshots').objectStore('rowSnapshots').count()
      count.onsuccess = () => { db.close(); resolve(count.result > 0) }
    }
    r.onerror = () => resolve(false)
  }), undefined, { timeout: 120_000, polling: 500 })
  const opens: number[] = []
  for (let k = 0; k < 3; k++) opens.push(await openBoard())
  figures.open_100k_to_leaderboard_ms = round(percentile(opens, 0.5))

  // Browse: open the study's runs, scroll, sort, search, leaderboard, a run, back (fresh page, long tasks counted after load).
  await page.goto('about:blank')
  await page.goto(base)
  await page.waitForFunction(() => globalThis.diviner?.api !== undefined)
  await watchLongTasks(page)
  const profiling = process.env.BENCH_SCALE_PROFILE
  const cdp = profiling ? await context.newCDPSession(page) : undefined
  if (cdp) { await cdp.send('Profiler.enable'); await cdp.send('Profiler.setSamplingInterval', { interval: 200 }); await cdp.send('Profiler.start') }
  const tBrowse = Date.now()
  await phase(page, 'open')
  await page.evaluate((u) => { location.href = u }, studyUrl)
  await page.locator(ready).waitFor({ timeout: 300_000 })
  await expect.poll(() => page.locator('.count').textContent(), { timeout: 300_000 }).toBe(`${RUNS.toLocaleString('en')} of ${RUNS.toLocaleString('en')} runs`)
  figures.open_100k_to_runs_ms = Date.now() - tBrowse

  if (cdp) { await printProfile(cdp, 'open'); await cdp.send('Profiler.start') }
  await phase(page, 'scroll')
  // Scroll: 3 s of programmatic scrolling, one step per animation frame. Two figures per frame: the interval
  // between animation frames (vsync-bound: 16.7 ms at 60 Hz however little the page does), and the main
  // thread's work for the frame: from the frame's start (the rAF timestamp, before scroll events and rAF
  // callbacks) to the first task after it (a posted message, which runs once style, layout and paint are done).
  const { intervals, work } = await page.locator(runsTable).evaluate(async (table) => {
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
    return { intervals, work }
  })
  if (cdp) await printProfile(cdp, 'scroll')
  figures.scroll_100k_p95_frame_ms = round(percentile(work, 0.95))
  figures.scroll_100k_max_frame_ms = round(Math.max(...work))
  figures.scroll_100k_p95_frame_interval_ms = round(percentile(intervals, 0.95))
  figures.scroll_100k_frames = intervals.length
  await page.locator(runsTable).evaluate((t) => { t.scrollTop = 0 })

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
  if (cdp) await cdp.send('Profiler.start')
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
  if (cdp) await printProfile(cdp, 'leaderboard to back')
  const tasks = await longTasks(page)
  figures.browse_100k_long_tasks = tasks.length
  figures.browse_100k_longest_task_ms = Math.max(0, ...tasks)

  // The analysis tab, counted apart: from the click to its four pictures drawn (the worker summarizes the
  // 20,000 trials; the page draws at most 2,000 lines and points per picture).
  await page.evaluate(() => { (globalThis as unknown as { longTasks: number[] }).longTasks = [] })
  await phase(page, 'analysis')
  const tAnalysis = Date.now()
  await page.getByRole('tab', { name: 'Analysis' }).click()
  for (const name of ['parallel-coordinates', 'slices', 'importance', 'replicate-spread']) {
    await page.locator(`figure[data-picture=${name}][data-ready=true]`).waitFor({ timeout: 300_000 })
  }
  figures.analysis_100k_drawn_ms = Date.now() - tAnalysis
  const analysisTasks = await longTasks(page)
  figures.analysis_100k_long_tasks = analysisTasks.length
  figures.analysis_100k_longest_task_ms = Math.max(0, ...analysisTasks)
  figures.scale_page_runs = RUNS
  console.log(figures, 'opens', opens, 'long tasks', tasks, 'analysis', analysisTasks)
  await writeFile(new URL('../.results/scale-page.json', import.meta.url), JSON.stringify(figures))
})
