/**
 * The built page on a study of 100,000 runs (1,000,000 metric entries), in
 * headless Chromium at 1600×1000: the runs table's frame times while it
 * scrolls (p95), the time from opening the study's leaderboard in a fresh page
 * to the drawn board, and the main-thread tasks over 50 ms during a browse
 * session (open, scroll, sort, search, leaderboard, a run, back).
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
import { chromium, type BrowserContext, type Page } from 'playwright-core'
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
    await build({ root, mode: 'production', logLevel: 'warn', build: { outDir, emptyOutDir: true } })
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
  await p.evaluate(() => globalThis.diviner?.api.createTable())
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

it(`pictures on ${RUNS} runs`, async () => {
  const studyUrl = `${base}#/study/${SCALE_STUDY}`
  await page.goto('about:blank')
  await page.goto(base)
  await page.waitForFunction(() => globalThis.diviner?.api !== undefined)
  await watchLongTasks(page)
  const t0 = Date.now()
  await phase(page, 'leaderboard')
  await page.evaluate((u) => { location.href = u }, `${studyUrl}?tab=leaderboard`)
  await page.locator('figure[data-picture=objective-history][data-ready=true]').waitFor({ timeout: 600_000 })
  console.log('history ready ms', Date.now() - t0)
  await page.locator('figure[data-picture=learning-curves][data-ready=true]').waitFor({ timeout: 600_000 })
  await page.locator('[data-board][data-ready=true]').waitFor({ timeout: 600_000 })
  console.log('leaderboard tab ready ms', Date.now() - t0)
  const cdp = await context.newCDPSession(page)
  await cdp.send('Profiler.enable'); await cdp.send('Profiler.setSamplingInterval', { interval: 200 }); await cdp.send('Profiler.start')
  const t1 = Date.now()
  await phase(page, 'analysis')
  await page.getByRole('tab', { name: 'Analysis' }).click()
  for (const n of ['parallel-coordinates', 'slices', 'importance', 'replicate-spread']) await page.locator(`figure[data-picture=${n}][data-ready=true]`).waitFor({ timeout: 600_000 })
  console.log('analysis tab ready ms', Date.now() - t1)
  await phase(page, 'brush')
  const box = await page.locator('canvas.overlay').boundingBox()
  if (box) {
    const x = box.x + 100
    await page.mouse.move(x, box.y + 100); await page.mouse.down(); await page.mouse.move(x, box.y + 200, { steps: 5 }); await page.mouse.up()
  }
  await page.waitForTimeout(1000)
  {
    const { profile } = await cdp.send('Profiler.stop')
    const self = new Map<string, number>()
    const byId = new Map(profile.nodes.map((n) => [n.id, n]))
    const dt = profile.timeDeltas ?? []
    ;(profile.samples ?? []).forEach((id, k) => {
      const n = byId.get(id)
      if (!n) return
      const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`
      self.set(key, (self.get(key) ?? 0) + (dt[k] ?? 0) / 1000)
    })
    console.log('PROFILE\n' + [...self].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([k, v]) => `${v.toFixed(1)}ms ${k}`).join('\n'))
  }
  await phase(page, 'runs')
  await page.getByRole('link', { name: 'show runs' }).click()
  await page.locator(ready).waitFor({ timeout: 600_000 })
  console.log('brushed runs', await page.locator('.count').textContent())
  await page.screenshot({ path: 'test-results/zz-100k-runs-brushed.png' })
  await page.getByRole('tab', { name: 'Analysis' }).click()
  await page.locator('figure[data-picture=parallel-coordinates][data-ready=true]').waitFor({ timeout: 600_000 })
  await page.screenshot({ path: 'test-results/zz-100k-analysis.png', fullPage: true })
  console.log('long tasks', JSON.stringify(await longTasks(page)))
})
