/**
 * An Optuna study as Optuna users know it, on the real `pytorch_simple`
 * SQLite fixture (25 complete, 75 pruned trials): Optuna's trial number beside
 * our seq, pruned as its own state in counts and filters (and out of every
 * trial), floats to a sensible precision (exact on hover and in downloads),
 * distributions with Optuna's own bounds, the oracle by name, a Plan tab that
 * says Optuna picks the next trials; and Optuna's `step` as the x-axis of
 * every chart, table and download, never a metric.
 */
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { useApp } from './fixture.js'

const FIXTURE = fileURLToPath(new URL('../fixtures/optuna/pytorch_simple.sqlite3', import.meta.url))
const app = useApp({ seed: [FIXTURE], viewport: { width: 1440, height: 900 } })

describe('an imported Optuna study', () => {
  test('the studies list counts pruned trials apart from failures', async () => {
    await app.studies.open()
    await app.studies.table.waitFor()
    expect(await app.studies.counts('pytorch_simple')).toMatchObject({ runs: 100, success: 25, failure: 0, pruned: 75, pending: 0 })
    await app.studies.screenshot('test-results/optuna-studies.png')
  })

  test('its header names the oracle and declares the params as Optuna does', async () => {
    await app.study.open('pytorch_simple')
    expect(await app.study.studyFacts()).toMatchObject({ Oracle: 'Optuna (sqlite)', Objective: 'maximize(value)' })
    expect(await app.study.studyParams()).toEqual({
      dropout_l0: 'FloatDistribution(0.2, 0.5)',
      dropout_l1: 'FloatDistribution(0.2, 0.5)',
      dropout_l2: 'FloatDistribution(0.2, 0.5)',
      lr: 'FloatDistribution(0.00001, 0.1, log=True)',
      n_layers: 'IntDistribution(1, 3)',
      n_units_l0: 'IntDistribution(4, 128)',
      n_units_l1: 'IntDistribution(4, 128)',
      n_units_l2: 'IntDistribution(4, 128)',
      optimizer: 'CategoricalDistribution(Adam, RMSprop, SGD)',
    })
  })

  test('the runs table shows trial numbers, pruned runs as such, short floats, and no step column', async () => {
    await app.study.waitForCount(100, 100)
    const columns = await app.study.runColumns()
    expect(columns).not.toContain('step')
    expect(columns).toContain('value')
    await app.study.search.fill('pytorch_simple:65')
    await app.study.waitForCount(1, 100)
    const row = await app.study.runRow('pytorch_simple:65')
    expect(row[1]).toBe('pytorch_simple:65#64')
    expect(row[2]).toBe('pruned')
    const lr = columns.indexOf('lr')
    expect(row[lr]).toMatch(/^0\.\d{1,5}$/)
    const exact = await app.study.cellTooltip('pytorch_simple:65', lr)
    expect(exact.length).toBeGreaterThan(row[lr]!.length)
    expect(Number(exact)).toBeCloseTo(Number(row[lr]), 4)
    await app.study.search.fill('')
    await app.study.waitForCount(100, 100)
    await app.study.screenshot('test-results/optuna-runs.png')
  })

  test('pruned is a state filter of its own', async () => {
    await app.study.stateFilter('pruned').uncheck()
    await app.study.waitForCount(25, 100)
    expect(app.study.query().get('states')).toBe('pending,success,failure')
    await app.study.stateFilter('success').uncheck()
    await app.study.stateFilter('pruned').check()
    await app.study.waitForCount(75, 100)
    const states = new Set((await app.study.runIds()).length ? await app.page.locator('[role=table][aria-label=Runs] .state').allInnerTexts() : [])
    expect([...states]).toEqual(['pruned'])
    await app.study.stateFilter('success').check()
  })

  test('the leaderboard ranks trials of complete runs only, with trial numbers; its curves run against step', async () => {
    await app.study.open('pytorch_simple', { tab: 'leaderboard' })
    await app.study.board.waitFor()
    expect(await app.study.notes()).toContain('trials of successful runs; left out: 75 pruned')
    const rows = await app.study.boardRows()
    expect(rows.length).toBe(20)
    for (const r of rows) expect(r[1]).toMatch(/^pytorch_simple:(\d+)#(\d+)$/)
    for (const r of rows) {
      const [, seq, number] = /^pytorch_simple:(\d+)#(\d+)$/.exec(r[1]!)!
      expect(Number(number)).toBe(Number(seq) - 1)
    }
    expect(await app.study.boardHeader()).not.toContain('step')
    await app.study.pictureReady('learning-curves')
    expect(await app.study.curveMetrics()).toEqual(['value'])
    expect(await app.study.picture('learning-curves').locator('.u-legend .u-series .u-label').first().innerText()).toBe('step')
    await app.study.boardOption('Objective', '+step')
    await app.page.getByRole('alert').filter({ hasText: /step is each report's place on the x-axis/ }).waitFor()
    await app.study.boardOption('Objective', '')
    await app.study.screenshot('test-results/optuna-leaderboard.png')
  })

  test('the Plan tab says that Optuna picks the next trials', async () => {
    await app.study.tab('Plan').click()
    await app.page.getByRole('heading', { name: 'Optuna picks the next trials' }).waitFor()
    expect(await app.page.getByRole('alert').count()).toBe(0)
    expect(await app.page.getByRole('list', { name: 'Proposals' }).count()).toBe(0)
  })

  test('a run shows its trial number, and its history against step, in the chart, table and downloads', async () => {
    await app.run.open('pytorch_simple', 65)
    await expect.poll(() => app.run.heading.innerText()).toMatch(/^Run pytorch_simple:65\s+trial #64\s+pruned$/)
    expect((await app.run.metricColumns())[0]).toBe('step')
    expect(await app.run.metricColumns()).toEqual(['step', 'value'])
    expect((await app.run.chartSeries())[0]).toBe('step')
    const { text } = await app.run.download('Download TSV')
    const lines = text.trimEnd().split('\n')
    expect(lines[0]).toBe('step\tvalue')
    expect(lines.slice(1).map((l) => l.split('\t')[0])).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '8'])
    const values = await app.run.valueTable()
    expect(values['lr']).toMatch(/^0\.\d{1,5}$/)
    await app.run.screenshot('test-results/optuna-run.png')
  })

  test('nothing went wrong on the way', () => {
    expect(app.problems).toEqual([])
  })
})
