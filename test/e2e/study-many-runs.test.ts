/**
 * A study of 100,000 runs: the runs tab shows them, keeps only the rows in
 * view in the DOM while scrolling to the end and jumping anywhere, and sorts,
 * filters and searches them (in the worker). The times and the main-thread long
 * tasks are logged, not asserted (the machine is shared): `npm run bench`
 * measures them (bench/node/scale-page.bench.ts).
 */
import { gzipSync } from 'node:zlib'
import { beforeAll, describe, expect, test } from 'vitest'
import { DUMP_FORMAT, DUMP_VERSION } from '../../src/db/dump/records.js'
import { encodeHeader, encodeMetrics, encodeRun, encodeStudy } from '../../src/db/dump/encode.js'
import { discrete } from '../../src/db/model/params.js'
import { RunState } from '../../src/db/model/run.js'
import type { RunRecord, StudyRecord } from '../../src/db/store/schema.js'
import { minimize } from '../../src/db/model/study.js'
import { float, str } from '../../src/db/model/values.js'
import { useApp } from './fixture.js'

const RUNS = 100_000
const app = useApp()

const LRS = [0.1, 0.05, 0.01, 0.005, 0.001, 0.0005, 0.0001, 0.00005, 0.00001, 0.000005]
const OPTS = ['adam', 'sgd', 'rmsprop']

/** Run i's loss: a fixed scramble of 0…1 (so sorting has work to do). */
const lossOf = (i: number) => ((i * 7919) % 100_003) / 100_003

/** A dump of study `big` and its runs, written with the dump format's own encoders. */
function bigDump(): Buffer {
  const origin = 'generated'
  const created = Date.UTC(2024, 0, 1)
  const study: StudyRecord = {
    name: 'big', objective: minimize('loss'), replicates: 0, description: '100,000 runs', oracle: { name: 'grid' },
    params: { lr: discrete(...LRS.map(float)), opt: discrete(...OPTS.map(str)) }, created, counter: RUNS, rev: 1,
  }
  const lines = [
    encodeHeader({ format: DUMP_FORMAT, version: DUMP_VERSION, origin, exported: new Date(created), covers: { kind: 'all' }, checkpoint: { db: origin, rev: RUNS + 1 } }),
    encodeStudy(study),
  ]
  for (let i = 0; i < RUNS; i++) {
    const seq = i + 1
    const run: RunRecord = {
      id: `big-run-${seq}`, study: 'big', seq, origin: { db: origin, seq },
      values: { lr: float(LRS[i % LRS.length]!), opt: str(OPTS[i % OPTS.length]!) },
      replicate: 0, state: i % 7 === 0 ? RunState.Failure : RunState.Success, status: i % 7 === 0 ? 'diverged' : `finished ${seq}`,
      config: { script: 'python train.py' }, created: created + i * 1000, updated: created + i * 1000 + 500, runtime: (i % 3600) * 1000, retries: 0,
      mCount: 1, mSealed: 0, mTail: [], lCount: 0, lSealed: 0, lTail: [], touched: created, rev: seq + 1,
    }
    lines.push(encodeRun(run), encodeMetrics(run.id, 0, [{ loss: lossOf(i) }]))
  }
  return gzipSync(lines.join('\n') + '\n')
}

/**
 * The rows in the DOM are a run of consecutive positions that covers the
 * viewport, each in its slot at its own offset, each showing its own run (in
 * the default order, position i is run i + 1).
 */
async function expectRowsInView(): Promise<void> {
  // A jump places the rows at once and fills them when the worker's window arrives: both are waited for (a row left blank fails).
  await expect.poll(async () => {
    const { positions, misplaced, inView } = await app.study.rowPlacement()
    const consecutive = positions.every((p, k) => k === 0 || p === (positions[k - 1] as number) + 1)
    const covers = (positions[0] ?? Infinity) <= inView[0] && (positions.at(-1) ?? -1) >= inView[1]
    const ids = await app.study.runIds()
    const blank = positions.filter((p, k) => ids[k] !== `big:${p + 1}`).length
    return { consecutive, covers, misplaced, blank }
  }).toEqual({ consecutive: true, covers: true, misplaced: [], blank: 0 })
  const ids = await app.study.runIds()
  const { positions } = await app.study.rowPlacement()
  expect(ids).toEqual(positions.map((p) => `big:${p + 1}`))
}

/** Milliseconds from `start` until `done` holds (polled every animation frame in the page). */
async function timeUntil(start: () => Promise<unknown>, done: () => Promise<boolean>): Promise<number> {
  const t0 = Date.now()
  await start()
  await expect.poll(done, { timeout: 60_000, interval: 20 }).toBe(true)
  return Date.now() - t0
}

beforeAll(async () => {
  expect((await app.seed(bigDump())).runs.added).toBe(RUNS)
}, 300_000)

describe('a study of 100,000 runs', () => {
  const timings: Record<string, number> = {}

  test('opens its runs tab with only the rows in view in the DOM', async () => {
    timings.open = await timeUntil(() => app.study.open('big'), async () => (await app.study.runCount.textContent()) === '100,000 of 100,000 runs')
    expect(await app.study.domRows()).toBeLessThan(60)
    expect((await app.study.runIds()).slice(0, 3)).toEqual(['big:1', 'big:2', 'big:3'])
    await app.study.screenshot('test-results/study-many-runs.png')
  })

  test('stripes rows by their index, and a slot keeps its stripe as rows scroll through it', async () => {
    const stripes = () => app.study.runsTable.evaluate((table) => [...table.querySelectorAll('.body > .slot')].map((slot) => {
      const row = slot.querySelector('[role=row]') as HTMLElement
      return { odd: row.classList.contains('odd'), index: Number(row.getAttribute('aria-rowindex')) }
    }))
    const before = await stripes()
    await app.study.runsTable.evaluate((t) => { t.scrollTop += 30 * 7 })
    await expect.poll(async () => (await stripes()).map((s) => s.index)).not.toEqual(before.map((s) => s.index))
    const after = await stripes()
    // aria-rowindex counts the header row and from 1: run i is row i + 2, striped when i is odd.
    for (const s of [...before, ...after]) expect(s.odd).toBe(s.index % 2 === 1)
    expect(after.map((s) => s.odd)).toEqual(before.map((s) => s.odd))
    await app.study.runsTable.evaluate((t) => { t.scrollTop = 0 })
  })

  test('scrolls from top to bottom, keeping only the rows in view', async () => {
    const frames = await app.study.runsTable.evaluate(async (table) => {
      const times: number[] = []
      const frame = () => new Promise<number>((r) => requestAnimationFrame(r))
      let last = await frame()
      for (let k = 1; k <= 60; k++) {
        table.scrollTop = (table.scrollHeight - table.clientHeight) * (k / 60)
        const now = await frame()
        times.push(now - last)
        last = now
      }
      return times
    })
    timings.worstFrame = Math.round(Math.max(...frames))
    timings.medianFrame = Math.round([...frames].sort((a, b) => a - b)[frames.length >> 1] as number)
    await expect.poll(() => app.study.runIds().then((ids) => ids.at(-1))).toBe('big:100000')
    expect(await app.study.domRows()).toBeLessThan(60)
    await expectRowsInView()
  })

  test('redraws a jump anywhere in the list', async () => {
    // From setting the scroll position to the end of the task that redrew the rows (a jump replaces every row).
    const updates = await app.study.runsTable.evaluate(async (table) => {
      const times: number[] = []
      const task = () => new Promise<void>((r) => { const c = new MessageChannel(); c.port1.onmessage = () => r(); c.port2.postMessage(0) })
      for (let k = 1; k <= 40; k++) {
        const t = performance.now()
        table.scrollTop = (table.scrollHeight - table.clientHeight) * ((k * 37) % 40) / 40
        table.dispatchEvent(new Event('scroll'))
        await task()
        times.push(performance.now() - t)
      }
      return times
    })
    timings.medianRedraw = Math.round([...updates].sort((a, b) => a - b)[updates.length >> 1] as number)
    // The last jump (k = 40) is back to the top: its rows are drawn too (they were left blank once).
    await expect.poll(() => app.study.runIds().then((ids) => ids[0])).toBe('big:1')
    expect(await app.study.domRows()).toBeLessThan(60)
    await expectRowsInView()
    // And a jump into the middle, then a few steps by less than a screen.
    for (const top of [1_234_567, 1_234_567 + 90, 1_234_567 + 390, 1_234_567 + 30]) {
      await app.study.runsTable.evaluate((t, y) => { t.scrollTop = y }, top)
      await expectRowsInView()
    }
  })

  test('sorts, filters and searches', async () => {
    await app.study.runsTable.evaluate((t) => { t.scrollTop = 0 })
    await app.page.evaluate(() => {
      const w = globalThis as unknown as { longTasks: number[] }
      w.longTasks = []
      new PerformanceObserver((list) => { for (const e of list.getEntries()) w.longTasks.push(e.duration) }).observe({ type: 'longtask' })
    })
    const firstIs = (id: string) => async () => (await app.study.runIds())[0] === id
    // The smallest loss is run 1 (loss 0); the largest, the run whose scramble is highest.
    let maxI = 0
    for (let i = 1; i < RUNS; i++) if (lossOf(i) > lossOf(maxI)) maxI = i
    timings.sortAsc = await timeUntil(() => app.study.sortBy('loss'), firstIs('big:1'))
    timings.sortDesc = await timeUntil(() => app.study.sortBy('loss'), firstIs(`big:${maxI + 1}`))
    const failures = Math.ceil(RUNS / 7)
    timings.filter = await timeUntil(() => app.study.stateFilter('success').uncheck(), async () => (await app.study.runCount.textContent()) === `${failures.toLocaleString('en')} of 100,000 runs`)
    await app.study.stateFilter('success').check()
    const adam = Math.ceil(RUNS / 3)
    timings.search = await timeUntil(() => app.study.search.fill('opt=adam'), async () => (await app.study.runCount.textContent()) === `${adam.toLocaleString('en')} of 100,000 runs`)
    timings.sortValue = await timeUntil(() => app.study.sortBy('lr'), async () => (await app.study.runRow((await app.study.runIds())[0]!))[8] === '5e-6')
    const longTasks = await app.page.evaluate(() => (globalThis as unknown as { longTasks: number[] }).longTasks)
    console.log('100,000 runs, ms:', JSON.stringify(timings), 'long tasks:', JSON.stringify(longTasks))
    await app.page.setViewportSize({ width: 1600, height: 1000 })
    await app.study.screenshot('test-results/study-many-runs-sorted.png')
    await app.page.setViewportSize({ width: 1100, height: 700 })
  })

  test('an imported run says where it came from', async () => {
    const run = app.run
    await run.open('big', 12_345)
    expect(await run.facts()).toMatchObject({ State: 'success', Status: 'finished 12345', Origin: 'originally generated:12345' })
    await expect.poll(() => run.metricRows()).toEqual([['0', String(Number(lossOf(12_344).toPrecision(6)))]])
  })

  test('nothing went wrong on the way', () => {
    expect(app.problems).toEqual([])
  })
})
