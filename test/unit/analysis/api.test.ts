/**
 * The picture calls of the worker API through a real worker thread: the
 * objective history, learning curves from the runs' metric histories, the
 * analysis summary, and the leaderboard's confidence intervals.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { discrete } from '../../../src/db/model/params.js'
import { RunState } from '../../../src/db/model/run.js'
import { maximize, type Study } from '../../../src/db/model/study.js'
import { float, str } from '../../../src/db/model/values.js'
import { startNodeWorkerDatabase, type NodeWorkerDatabase } from '../../node-worker/start.js'

const study: Study = {
  name: 'pics',
  objective: maximize('acc'),
  params: { lr: discrete(float(0.1), float(0.01)), opt: discrete(str('adam'), str('sgd')) },
  replicates: 2,
}

/**
 * By hand: three value sets, three replicates each (acc = the last report):
 *   lr=0.01 adam: 0.90, 0.92, 0.94 → mean 0.92, s 0.02, CI ± 4.302653·0.02/√3 = ± 0.0496828
 *   lr=0.1 adam:  0.80, 0.82, 0.84 → mean 0.82
 *   lr=0.1 sgd:   0.60, 0.70 and a failed run → mean 0.65 over 2
 * Each run reports acc three times, ending at its final value; runs are made in this order (seq 1…9).
 */
const plan = [
  { lr: 0.01, opt: 'adam', accs: [0.9, 0.92, 0.94] },
  { lr: 0.1, opt: 'adam', accs: [0.8, 0.82, 0.84] },
  { lr: 0.1, opt: 'sgd', accs: [0.6, 0.7, undefined] },
]

let w: NodeWorkerDatabase

beforeAll(async () => {
  w = await startNodeWorkerDatabase('pictures')
  await w.db.createStudyIfNotExist(study)
  for (const p of plan) {
    for (const [replicate, acc] of p.accs.entries()) {
      const run = await w.db.insertRun({ study: 'pics', values: { lr: float(p.lr), opt: str(p.opt) }, replicate })
      if (acc === undefined) {
        await w.db.updateRun('pics', run.seq, RunState.Failure, 'diverged', 0, 0)
        continue
      }
      for (const f of [0.5, 0.8, 1]) await w.db.appendRunMetrics('pics', run.seq, { acc: acc * f, loss: 1 - acc * f })
      await w.db.updateRun('pics', run.seq, RunState.Success, 'done', 0, 0)
    }
  }
})

afterAll(async () => {
  await w?.terminate()
})

describe('the picture calls', () => {
  test('leaderboard: a 95% CI per metric with 3 replicates, and how many replicates report each metric', async () => {
    const [best, second, third] = (await w.api.leaderboard('pics')).trials
    expect(best?.ci['acc']?.low).toBeCloseTo(0.92 - 0.0496828, 6)
    expect(best?.ci['acc']?.high).toBeCloseTo(0.92 + 0.0496828, 6)
    expect(best?.reporting).toEqual({ acc: 3, loss: 3 })
    expect(second?.ci).toHaveProperty('loss')
    expect(third?.ci).toEqual({})
    expect(third?.reporting).toEqual({ acc: 2, loss: 2 })
  })

  test('objectiveHistory: successful runs by seq with the best so far, and whiskers at each trial\'s latest successful run', async () => {
    const h = await w.api.objectiveHistory('pics')
    expect(h.history.x).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(h.history.best.map((b) => Number(b.toFixed(6)))).toEqual([0.9, 0.92, 0.94, 0.94, 0.94, 0.94, 0.94, 0.94])
    expect(h.whiskers.map((x) => [x.x, x.min, x.max])).toEqual([[3, 0.9, 0.94], [6, 0.8, 0.84], [8, 0.6, 0.7]])
    expect(h.whiskers[0]?.ci).toBeDefined()
    expect(h.whiskers[2]?.ci).toBeUndefined()
    const byTime = await w.api.objectiveHistory('pics', { axis: 'time', objective: '-loss' })
    expect(byTime.history.axis).toBe('time')
    expect(byTime.objective).toEqual({ direction: 'minimize', metric: 'loss' })
  })

  test('learningCurves: the runs of the top N trials, their histories against report index', async () => {
    const c = await w.api.learningCurves('pics', { top: 1 })
    expect(c.metric).toBe('acc')
    expect(c.metrics).toEqual(['acc', 'loss'])
    expect(c.curves.map((x) => [x.seq, x.rank, x.replicate])).toEqual([[1, 1, 0], [2, 1, 1], [3, 1, 2]])
    expect(c.curves[0]?.x).toEqual([1, 2, 3])
    expect(c.curves[0]?.y.map((y) => Number(y.toFixed(6)))).toEqual([0.45, 0.72, 0.9])
    const loss = await w.api.learningCurves('pics', { seqs: [4], metric: 'loss' })
    expect(loss.curves.map((x) => [x.seq, x.rank])).toEqual([[4, 2]])
    expect(loss.metric).toBe('loss')
  })

  test('studyAnalysis: parallel coordinates, slices, importance and spread of the successful trials', async () => {
    const a = await w.api.studyAnalysis('pics')
    expect(a.parallel.axes.map((x) => x.key)).toEqual(['v.lr', 'v.opt', 'm.acc'])
    expect(a.parallel.total).toBe(3)
    expect(a.parallel.columns[2]).toBeInstanceOf(Float64Array)
    expect(a.slices.map((s) => s.axis.kind)).toEqual(['categorical', 'categorical'])
    expect(a.importance.map((p) => p.label).sort()).toEqual(['lr', 'opt'])
    expect(a.spread.map((r) => [r.rank, r.values, r.n])).toEqual([[1, ['0.01', 'adam'], 3], [2, ['0.1', 'adam'], 3], [3, ['0.1', 'sgd'], 2]])
    expect(a.replicated).toBe(3)
  })

  test('a new run shows in the next picture (answers are memoized per version of the rows only)', async () => {
    const before = await w.api.objectiveHistory('pics')
    expect(await w.api.objectiveHistory('pics')).toEqual(before)
    const run = await w.db.insertRun({ study: 'pics', values: { lr: float(0.01), opt: str('sgd') }, replicate: 0 })
    await w.db.appendRunMetrics('pics', run.seq, { acc: 0.99 })
    await w.db.updateRun('pics', run.seq, RunState.Success, 'done', 0, 0)
    const after = await w.api.objectiveHistory('pics')
    expect(after.history.x.at(-1)).toBe(run.seq)
    expect(after.history.best.at(-1)).toBe(0.99)
    expect((await w.api.studyAnalysis('pics')).parallel.total).toBe(4)
  })
})
