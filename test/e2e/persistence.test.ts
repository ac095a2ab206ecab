/**
 * Studies and runs made through the page's worker land in the browser's real
 * IndexedDB and are still there after a reload and after a browser restart.
 */
import { describe, expect, test } from 'vitest'
import { RunState } from '../../src/db/model/run.js'
import { useApp } from './fixture.js'
import type { RunSummary } from './pages/console-api.js'

const app = useApp()

const history = [{ loss: 0.9, acc: 0.5 }, { loss: 0.4, acc: 0.8 }, { loss: NaN, acc: 0.81 }]

/** What the runs of `mnist` must look like whenever they are read back. */
function expectMnistRuns(runs: RunSummary[]) {
  expect(runs.map((r) => r.seq)).toEqual([1, 2, 3])
  expect(runs.map((r) => r.state)).toEqual([RunState.Success, RunState.Failure, RunState.Pending])
  expect(runs[0]?.status).toBe('finished 3 epochs')
  expect(runs[0]?.values).toEqual({ lr: 'float 0.01', momentum: 'float 0.9' })
  expect(runs[0]?.metrics).toEqual(history)
  expect(runs[1]?.metrics).toEqual([{ loss: Infinity, acc: 0 }])
  expect(runs[2]?.metrics).toEqual([])
}

describe('a first visit, then data made through the console API', () => {
  test('a fresh profile shows the empty state', async () => {
    const studies = app.studies
    await studies.open()
    expect(await studies.emptyMessage.isVisible()).toBe(true)
    expect(await studies.error.count()).toBe(0)
    await studies.screenshot('test-results/empty.png')
  })

  test('studies and runs created with globalThis.diviner go into IndexedDB', async () => {
    const diviner = app.console
    await diviner.ready()
    expect(await diviner.createStudy({
      name: 'mnist', description: 'digits, small convnet', metric: 'loss', direction: 'minimize', replicates: 1, params: ['lr', 'momentum'],
    })).toBe(true)
    expect(await diviner.createStudy({
      name: 'cifar', description: 'resnet sweep', metric: 'acc', direction: 'maximize', replicates: 0, params: ['lr'],
    })).toBe(true)

    const one = await diviner.insertRun('mnist', { lr: 0.01, momentum: 0.9 })
    const two = await diviner.insertRun('mnist', { lr: 0.1, momentum: 0.5 })
    const three = await diviner.insertRun('mnist', { lr: 0.01, momentum: 0.9 }, 1)
    expect([one, two, three]).toEqual([1, 2, 3])
    await diviner.appendMetrics('mnist', one, history)
    await diviner.finishRun('mnist', one, RunState.Success, 'finished 3 epochs')
    await diviner.appendMetrics('mnist', two, [{ loss: Infinity, acc: 0 }])
    await diviner.finishRun('mnist', two, RunState.Failure, 'diverged')
    expectMnistRuns(await diviner.listRuns('mnist'))
    expect(await diviner.missingStudyErrorCode('nope')).toBe('not-exist')
  })

  test('after a reload, the list and the runs are still there', async () => {
    const studies = app.studies
    await studies.reload()
    const rows = await studies.rows()
    expect(rows.map(({ activity: _activity, ...rest }) => rest)).toEqual([
      { name: 'cifar', description: 'resnet sweep', objective: 'maximize(acc)', replicates: '0' },
      { name: 'mnist', description: 'digits, small convnet', objective: 'minimize(loss)', replicates: '1' },
    ])
    expect(rows[0]?.activity).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d$/)
    const diviner = app.console
    await diviner.ready()
    expectMnistRuns(await diviner.listRuns('mnist'))
    await studies.screenshot('test-results/studies.png')
  })

  test('after the browser restarts on the same profile, everything is still there', async () => {
    await app.restart()
    const studies = app.studies
    await studies.open()
    expect((await studies.rows()).map((r) => r.name)).toEqual(['cifar', 'mnist'])
    const diviner = app.console
    await diviner.ready()
    expectMnistRuns(await diviner.listRuns('mnist'))
  })

  test('nothing went wrong on the way: no console errors, page errors or failed requests', () => {
    expect(app.problems).toEqual([])
  })
})
