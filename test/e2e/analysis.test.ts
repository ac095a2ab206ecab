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
import { mkdir, readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { brushMask, parseBrush } from '../../src/db/analysis/brush.js'
import { openDatabase } from '../../src/db/store/dexie-database.js'
import type { RunRow } from '../../src/db/model/run.js'
import { importDump } from '../../src/db/merge/import.js'
import { RunState } from '../../src/db/model/run.js'
import { valuesKey } from '../../src/db/model/values.js'
import { launch, newProfile, removeProfile, type Browser } from './pages/browser.js'
import { EXAMPLE_FILE } from './pages/example.js'
import { StudiesPage } from './pages/studies-page.js'
import { seedStudy, StudyScreen } from './pages/study-page.js'

const baseUrl = inject('baseUrl')
let profileDir: string
let browser: Browser
let screen: StudyScreen
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
  const overlay = screen.picture('parallel-coordinates').locator('canvas.overlay')
  const box = await overlay.boundingBox()
  if (!box) throw new Error('parallel coordinates are not on screen')
  const axes = 4
  // As ParallelCoordinates.svelte places them: from x = 100 to width − 80, between y = 44 and height − 24.
  const x = box.x + 100 + (index * (box.width - 180)) / (axes - 1)
  const y = (f: number) => box.y + (box.height - 24) - f * (box.height - 68)
  await screen.page.mouse.move(x, y(from))
  await screen.page.mouse.down()
  await screen.page.mouse.move(x, (y(from) + y(to)) / 2, { steps: 3 })
  await screen.page.mouse.move(x, y(to), { steps: 3 })
  await screen.page.mouse.up()
}

beforeAll(async () => {
  await mkdir('test-results', { recursive: true })
  rows = await exampleRows()
  profileDir = await newProfile()
  browser = await launch(profileDir)
  await browser.page.setViewportSize({ width: 1600, height: 1000 })
  screen = new StudyScreen(browser.page, baseUrl)
  const studies = new StudiesPage(browser.page, baseUrl)
  await studies.open()
  await studies.loadExample()
})

afterAll(async () => {
  await browser?.close()
  await removeProfile(profileDir)
})

describe('the study pictures on the example study', () => {
  test('the leaderboard tab draws the objective history and learning curves above the board, with spread columns', async () => {
    await screen.open('mnist', { tab: 'leaderboard' })
    await screen.pictureReady('objective-history')
    await screen.pictureReady('learning-curves')
    await screen.page.locator('[data-board][data-ready=true]').waitFor()
    expect((await screen.paintedCanvases('objective-history')).painted).toBeGreaterThan(0)
    expect((await screen.paintedCanvases('learning-curves')).painted).toBeGreaterThan(0)
    const success = rows.filter((r) => r.state === RunState.Success && 'acc' in r.last).length
    await expect.poll(() => screen.picture('objective-history').locator('.note').innerText()).toContain(`${success} successful runs`)
    // Top 5 trials, 2 replicates each.
    await expect.poll(() => screen.picture('learning-curves').locator('.note').innerText()).toMatch(/^\d+ runs of the best 5 trials by acc/)
    expect(await screen.boardHeader()).toEqual(expect.arrayContaining(['acc', 'min–max']))
    expect(await screen.boardHeader()).not.toContain('95% CI')
    await screen.screenshot('test-results/analysis-leaderboard-1600.png')
  })

  test('the history switches to time, and the curves to another metric, through the address', async () => {
    await screen.page.getByRole('radio', { name: 'over time' }).check()
    await expect.poll(() => screen.query().get('hx')).toBe('time')
    await screen.pictureReady('objective-history')
    await expect.poll(() => screen.picture('objective-history').getByRole('img').getAttribute('aria-label')).toContain('against time')
    await screen.picture('learning-curves').getByLabel('Metric').selectOption('loss')
    await expect.poll(() => screen.query().get('lm')).toBe('loss')
    await expect.poll(() => screen.picture('learning-curves').getByRole('img').getAttribute('aria-label')).toMatch(/^loss against report index/)
    await screen.pictureReady('learning-curves')
    await screen.screenshot('test-results/analysis-leaderboard-time-1600.png')
  })

  test('trials selected on the board choose the learning curves; clearing them draws the best again', async () => {
    const curves = screen.picture('learning-curves')
    const ranks = async () => {
      const labels = await curves.locator('.u-legend .u-series .u-label').allInnerTexts()
      return [...new Set(labels.map((l) => /^#(\d+) run/.exec(l)?.[1]).filter((r) => r !== undefined).map(Number))].sort((a, b) => a - b)
    }
    await screen.page.getByRole('checkbox', { name: 'Select trial 2', exact: true }).check()
    await screen.page.getByRole('checkbox', { name: 'Select trial 7', exact: true }).check()
    await expect.poll(() => curves.locator('.note').innerText()).toMatch(/^\d+ runs of the 2 trials chosen on the board/)
    await screen.pictureReady('learning-curves')
    expect(await ranks()).toEqual([2, 7])
    expect((await screen.paintedCanvases('learning-curves')).painted).toBeGreaterThan(0)
    await screen.screenshot('test-results/analysis-leaderboard-chosen-curves-1600.png')
    await screen.page.getByRole('checkbox', { name: 'Select trial 2', exact: true }).uncheck()
    await screen.page.getByRole('checkbox', { name: 'Select trial 7', exact: true }).uncheck()
    await expect.poll(() => curves.locator('.note').innerText()).toMatch(/^\d+ runs of the best 5 trials/)
    await screen.pictureReady('learning-curves')
    expect(await ranks()).toEqual([1, 2, 3, 4, 5])
  })

  test('the analysis tab draws parallel coordinates, slices, importance and replicate spread', async () => {
    await screen.open('mnist', { tab: 'analysis' })
    for (const name of ['parallel-coordinates', 'slices', 'importance', 'replicate-spread']) {
      await screen.pictureReady(name)
      expect((await screen.paintedCanvases(name)).painted, name).toBeGreaterThan(0)
    }
    expect(await screen.paintedCanvases('slices')).toEqual({ painted: 3, canvases: 3 })
    const importance = await screen.picture('importance').getByRole('img').getAttribute('aria-label')
    for (const p of ['batch_size', 'learning_rate', 'optimizer']) expect(importance).toContain(p)
    expect(await screen.picture('importance').locator('.note').innerText()).toContain('fANOVA')
    const trials = brushed('').trials
    expect(await screen.picture('parallel-coordinates').getByRole('status').innerText()).toBe(`${trials} trials`)
    await screen.screenshot('test-results/analysis-tab-1600.png')
  })

  test('brushing an axis counts the brushed trials, and the runs tab shows only their runs', async () => {
    // Axes: batch_size, learning_rate, optimizer (sgd, momentum, adam, rmsprop from the bottom), acc. Brush adam.
    await dragAxis(2, 2.5 / 4 - 0.05, 2.5 / 4 + 0.05)
    await expect.poll(() => screen.query().get('brush')).toBe(JSON.stringify({ 'v.optimizer': ['s"adam"'] }))
    const want = brushed(screen.query().get('brush') ?? '')
    expect(want.runs).toBe(32)
    await expect.poll(() => screen.picture('parallel-coordinates').getByRole('status').innerText()).toBe(`${want.trials} of ${brushed('').trials} trials brushed · show runs`)
    await screen.pictureReady('parallel-coordinates')
    await screen.screenshot('test-results/analysis-tab-brushed-1600.png')

    await screen.picture('parallel-coordinates').getByRole('link', { name: 'show runs' }).click()
    await screen.waitForCount(want.runs, rows.length)
    expect(screen.query().get('tab')).toBeNull()
    await screen.page.locator('[data-brushed]').waitFor()
  })

  test('a brush on the objective keeps the runs of trials whose replicate mean is in range', async () => {
    await screen.open('mnist', { tab: 'analysis', brush: JSON.stringify({ 'v.optimizer': ['s"adam"'] }) })
    await screen.pictureReady('parallel-coordinates')
    // The top fifth of the acc axis.
    await dragAxis(3, 0.8, 1)
    await expect.poll(() => Object.keys(JSON.parse(screen.query().get('brush') ?? '{}'))).toEqual(['v.optimizer', 'm.acc'])
    const param = screen.query().get('brush') ?? ''
    const want = brushed(param)
    expect(want.runs).toBeGreaterThan(0)
    expect(want.runs).toBeLessThan(32)
    await expect.poll(() => screen.picture('parallel-coordinates').getByRole('status').innerText()).toBe(`${want.trials} of ${brushed('').trials} trials brushed · show runs`)
    await screen.open('mnist', { brush: param })
    await screen.waitForCount(want.runs, rows.length)
    await screen.page.getByRole('button', { name: 'Show all runs' }).click()
    await screen.waitForCount(rows.length, rows.length)
  })

  test('with 3 replicates the board has a 95% CI column and the spread picture draws the interval', async () => {
    // acc 0.80, 0.84, 0.88: mean 0.84, s = 0.04, half-width t(0.975, 2)·0.04/√3 = 4.302653 · 0.0230940 = 0.0993654.
    await seedStudy(screen.page, {
      name: 'triple', objective: '+acc', replicates: 2, params: { lr: [0.1, 0.01] },
      runs: [0.8, 0.84, 0.88].map((acc, replicate) => ({ values: { lr: 0.1 }, replicate, metrics: [{ acc: acc / 2 }, { acc }] }))
        .concat([0.7, 0.7].map((acc, replicate) => ({ values: { lr: 0.01 }, replicate, metrics: [{ acc }] }))),
    })
    await screen.open('triple', { tab: 'leaderboard' })
    await screen.page.locator('[data-board][data-ready=true]').waitFor()
    expect(await screen.boardHeader()).toEqual(['#', 'Runs', 'acc', 'min–max', '95% CI', 'Replicates', 'lr'])
    const rows = await screen.boardRows()
    expect(rows.map((r) => r.slice(2, 5))).toEqual([['0.84', '0.8–0.88', `${Number((0.84 - 0.0993654).toPrecision(4))}–${Number((0.84 + 0.0993654).toPrecision(4))}`], ['0.7', '0.7–0.7', '']])
    await screen.pictureReady('objective-history')
    await screen.open('triple', { tab: 'analysis' })
    await screen.pictureReady('replicate-spread')
    expect(await screen.picture('replicate-spread').locator('.note').innerText()).toContain('thick bar: 95% CI of the mean')
    await screen.screenshot('test-results/analysis-ci-1600.png')
  })

  test('the pictures stay readable 1100 px wide', async () => {
    await screen.page.setViewportSize({ width: 1100, height: 1000 })
    await screen.open('mnist', { tab: 'analysis' })
    for (const name of ['parallel-coordinates', 'slices', 'importance', 'replicate-spread']) await screen.pictureReady(name)
    await screen.screenshot('test-results/analysis-tab-1100.png')
    await screen.open('mnist', { tab: 'leaderboard' })
    await screen.pictureReady('objective-history')
    await screen.pictureReady('learning-curves')
    await screen.screenshot('test-results/analysis-leaderboard-1100.png')
  })

  test('nothing went wrong on the way', () => {
    expect(browser.problems).toEqual([])
  })
})
