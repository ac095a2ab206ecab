/**
 * The study pictures on the shipped example (mnist: a 4×4×4 grid, 2
 * replicates): each picture on the leaderboard and analysis tabs draws (its
 * figure turns data-ready and its canvases are painted), the history switches
 * between seq and time, and brushing parallel coordinates filters the runs
 * tab to the brushed trials' runs. Expected counts are worked out in Node from
 * the same dump with the project's own code. Screenshots at 1600×1000 (and
 * 1100 wide) go to test-results/ to be looked at.
 */
import 'fake-indexeddb/auto'
import { readFile } from 'node:fs/promises'
import { beforeAll, describe, expect, test } from 'vitest'
import { brushMask, parseBrush } from '../../src/db/analysis/brush.js'
import { openDatabase } from '../../src/db/store/dexie-database.js'
import type { RunRow } from '../../src/db/model/run.js'
import { importDump } from '../../src/db/merge/import.js'
import { RunState } from '../../src/db/model/run.js'
import { valuesKey } from '../../src/db/model/values.js'
import { useApp } from './fixture.js'
import { EXAMPLE_FILE } from './pages/example.js'

const app = useApp({ viewport: { width: 1600, height: 1000 }, seed: [EXAMPLE_FILE] })
let rows: RunRow[]

/** The example's run rows, read in Node from the dump the page loads. */
async function exampleRows(): Promise<RunRow[]> {
  const db = await openDatabase(`analysis-expectation-${process.pid}`)
  try {
    await importDump(db, new Uint8Array(await readFile(EXAMPLE_FILE)))
    return await db.listRunRows('mnist', RunState.Any)
  } finally {
    db.close()
  }
}

/** Runs and trials (value sets with a successful run reporting acc) that a brush keeps, as the page should count them. */
function brushed(brushParam: string): { runs: number; trials: number } {
  const mask = brushMask(parseBrush(brushParam), rows)
  const trials = new Set(rows.filter((r, i) => mask[i] === 1 && r.state === RunState.Success && 'acc' in r.last).map((r) => valuesKey(r.values)))
  return { runs: mask.reduce((n, k) => n + k, 0), trials: trials.size }
}

/** Drags along axis `index` of parallel coordinates from height fraction `from` to `to` of the axis (0 bottom, 1 top). */
async function dragAxis(index: number, from: number, to: number): Promise<void> {
  const overlay = app.study.picture('parallel-coordinates').locator('canvas.overlay')
  const box = await overlay.boundingBox()
  if (!box) throw new Error('parallel coordinates are not on screen')
  const axes = 4
  // As ParallelCoordinates.svelte places them: from x = 100 to width − 80, between y = 44 and height − 24.
  const x = box.x + 100 + (index * (box.width - 180)) / (axes - 1)
  const y = (f: number) => box.y + (box.height - 24) - f * (box.height - 68)
  await app.page.mouse.move(x, y(from))
  await app.page.mouse.down()
  await app.page.mouse.move(x, (y(from) + y(to)) / 2, { steps: 3 })
  await app.page.mouse.move(x, y(to), { steps: 3 })
  await app.page.mouse.up()
}

beforeAll(async () => {
  rows = await exampleRows()
})

describe('the study pictures on the example study', () => {
  test('the leaderboard tab draws the objective history and learning curves above the board, with spread columns', async () => {
    await app.study.open('mnist', { tab: 'leaderboard' })
    await app.study.pictureReady('objective-history')
    await app.study.pictureReady('learning-curves')
    await app.page.locator('[data-board][data-ready=true]').waitFor()
    expect((await app.study.paintedCanvases('objective-history')).painted).toBeGreaterThan(0)
    expect((await app.study.paintedCanvases('learning-curves')).painted).toBeGreaterThan(0)
    const success = rows.filter((r) => r.state === RunState.Success && 'acc' in r.last).length
    await expect.poll(() => app.study.picture('objective-history').locator('.note').innerText()).toContain(`${success} successful runs`)
    // Top 5 trials, 2 replicates each.
    await expect.poll(() => app.study.picture('learning-curves').locator('.note').innerText()).toMatch(/^\d+ runs of the best 5 trials by acc/)
    expect(await app.study.boardHeader()).toEqual(expect.arrayContaining(['acc', 'min–max']))
    expect(await app.study.boardHeader()).not.toContain('95% CI')
    await app.study.screenshot('test-results/analysis-leaderboard-1600.png')
  })

  test('the history switches to time, and the curves to another metric, through the address', async () => {
    await app.page.getByRole('radio', { name: 'over time' }).check()
    await expect.poll(() => app.study.query().get('hx')).toBe('time')
    await app.study.pictureReady('objective-history')
    await expect.poll(() => app.study.picture('objective-history').getByRole('img').getAttribute('aria-label')).toContain('against time')
    await app.study.picture('learning-curves').getByLabel('Metric').selectOption('loss')
    await expect.poll(() => app.study.query().get('lm')).toBe('loss')
    await expect.poll(() => app.study.picture('learning-curves').getByRole('img').getAttribute('aria-label')).toMatch(/^loss against report index/)
    await app.study.pictureReady('learning-curves')
    await app.study.screenshot('test-results/analysis-leaderboard-time-1600.png')
  })

  test('trials selected on the board choose the learning curves; clearing them draws the best again', async () => {
    const curves = app.study.picture('learning-curves')
    const ranks = async () => {
      const labels = await curves.locator('.u-legend .u-series .u-label').allInnerTexts()
      return [...new Set(labels.map((l) => /^#(\d+) run/.exec(l)?.[1]).filter((r) => r !== undefined).map(Number))].sort((a, b) => a - b)
    }
    await app.page.getByRole('checkbox', { name: 'Select trial 2', exact: true }).check()
    await app.page.getByRole('checkbox', { name: 'Select trial 7', exact: true }).check()
    await expect.poll(() => curves.locator('.note').innerText()).toMatch(/^\d+ runs of the 2 trials chosen on the board/)
    await app.study.pictureReady('learning-curves')
    expect(await ranks()).toEqual([2, 7])
    expect((await app.study.paintedCanvases('learning-curves')).painted).toBeGreaterThan(0)
    await app.study.screenshot('test-results/analysis-leaderboard-chosen-curves-1600.png')
    await app.page.getByRole('checkbox', { name: 'Select trial 2', exact: true }).uncheck()
    await app.page.getByRole('checkbox', { name: 'Select trial 7', exact: true }).uncheck()
    await expect.poll(() => curves.locator('.note').innerText()).toMatch(/^\d+ runs of the best 5 trials/)
    await app.study.pictureReady('learning-curves')
    expect(await ranks()).toEqual([1, 2, 3, 4, 5])
  })

  test('the analysis tab draws parallel coordinates, slices, importance and replicate spread', async () => {
    await app.study.open('mnist', { tab: 'analysis' })
    for (const name of ['parallel-coordinates', 'slices', 'importance', 'replicate-spread']) {
      await app.study.pictureReady(name)
      expect((await app.study.paintedCanvases(name)).painted, name).toBeGreaterThan(0)
    }
    expect(await app.study.paintedCanvases('slices')).toEqual({ painted: 3, canvases: 3 })
    const importance = await app.study.picture('importance').getByRole('img').getAttribute('aria-label')
    for (const p of ['batch_size', 'learning_rate', 'optimizer']) expect(importance).toContain(p)
    expect(await app.study.picture('importance').locator('.note').innerText()).toContain('fANOVA')
    const trials = brushed('').trials
    expect(await app.study.picture('parallel-coordinates').getByRole('status').innerText()).toBe(`${trials} trials`)
    await app.study.screenshot('test-results/analysis-tab-1600.png')
  })

  test('brushing an axis counts the brushed trials, and the runs tab shows only their runs', async () => {
    // Axes: batch_size, learning_rate, optimizer (sgd, momentum, adam, rmsprop from the bottom), acc. Brush adam.
    await dragAxis(2, 2.5 / 4 - 0.05, 2.5 / 4 + 0.05)
    await expect.poll(() => app.study.query().get('brush')).toBe(JSON.stringify({ 'v.optimizer': ['s"adam"'] }))
    const want = brushed(app.study.query().get('brush') ?? '')
    expect(want.runs).toBe(32)
    await expect.poll(() => app.study.picture('parallel-coordinates').getByRole('status').innerText()).toBe(`${want.trials} of ${brushed('').trials} trials brushed · show runs`)
    await app.study.pictureReady('parallel-coordinates')
    await app.study.screenshot('test-results/analysis-tab-brushed-1600.png')

    await app.study.picture('parallel-coordinates').getByRole('link', { name: 'show runs' }).click()
    await app.study.waitForCount(want.runs, rows.length)
    expect(app.study.query().get('tab')).toBeNull()
    await app.page.locator('[data-brushed]').waitFor()
  })

  test('a brush on the objective keeps the runs of trials whose replicate mean is in range', async () => {
    await app.study.open('mnist', { tab: 'analysis', brush: JSON.stringify({ 'v.optimizer': ['s"adam"'] }) })
    await app.study.pictureReady('parallel-coordinates')
    // The top fifth of the acc axis.
    await dragAxis(3, 0.8, 1)
    await expect.poll(() => Object.keys(JSON.parse(app.study.query().get('brush') ?? '{}'))).toEqual(['v.optimizer', 'm.acc'])
    const param = app.study.query().get('brush') ?? ''
    const want = brushed(param)
    expect(want.runs).toBeGreaterThan(0)
    expect(want.runs).toBeLessThan(32)
    await expect.poll(() => app.study.picture('parallel-coordinates').getByRole('status').innerText()).toBe(`${want.trials} of ${brushed('').trials} trials brushed · show runs`)
    await app.study.open('mnist', { brush: param })
    await app.study.waitForCount(want.runs, rows.length)
    await app.page.getByRole('button', { name: 'Show all runs' }).click()
    await app.study.waitForCount(rows.length, rows.length)
  })

  test('with 3 replicates the board has a 95% CI column and the spread picture draws the interval', async () => {
    // acc 0.80, 0.84, 0.88: mean 0.84, s = 0.04, half-width t(0.975, 2)·0.04/√3 = 4.302653 · 0.0230940 = 0.0993654.
    await app.seed({
      name: 'triple', objective: '+acc', replicates: 2, params: { lr: [0.1, 0.01] },
      runs: [0.8, 0.84, 0.88].map((acc, replicate) => ({ values: { lr: 0.1 }, replicate, metrics: [{ acc: acc / 2 }, { acc }] }))
        .concat([0.7, 0.7].map((acc, replicate) => ({ values: { lr: 0.01 }, replicate, metrics: [{ acc }] }))),
    })
    await app.study.open('triple', { tab: 'leaderboard' })
    await app.page.locator('[data-board][data-ready=true]').waitFor()
    expect(await app.study.boardHeader()).toEqual(['#', 'Runs', 'acc', 'min–max', '95% CI', 'Replicates', 'lr'])
    const rows = await app.study.boardRows()
    expect(rows.map((r) => r.slice(2, 5))).toEqual([['0.84', '0.8–0.88', `${Number((0.84 - 0.0993654).toPrecision(4))}–${Number((0.84 + 0.0993654).toPrecision(4))}`], ['0.7', '0.7–0.7', '']])
    await app.study.pictureReady('objective-history')
    await app.study.open('triple', { tab: 'analysis' })
    await app.study.pictureReady('replicate-spread')
    expect(await app.study.picture('replicate-spread').locator('.note').innerText()).toContain('thick bar: 95% CI of the mean')
    await app.study.screenshot('test-results/analysis-ci-1600.png')
  })

  test('the pictures stay readable 1100 px wide', async () => {
    await app.page.setViewportSize({ width: 1100, height: 1000 })
    await app.study.open('mnist', { tab: 'analysis' })
    for (const name of ['parallel-coordinates', 'slices', 'importance', 'replicate-spread']) await app.study.pictureReady(name)
    await app.study.screenshot('test-results/analysis-tab-1100.png')
    await app.study.open('mnist', { tab: 'leaderboard' })
    await app.study.pictureReady('objective-history')
    await app.study.pictureReady('learning-curves')
    await app.study.screenshot('test-results/analysis-leaderboard-1100.png')
  })

  test('nothing went wrong on the way', () => {
    expect(app.problems).toEqual([])
  })
})
