/**
 * Pareto fronts: the non-dominated trials of several objectives, checked by
 * hand and against the front real Optuna reports for the two-objective
 * fixture (`study.best_trials`: trials 4, 9, 14, 15, 20, 24, 25, 28).
 */
import { readFile } from 'node:fs/promises'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { paretoMask } from '../../../src/db/analysis/pareto.js'
import { maximize, minimize, type Objective } from '../../../src/db/model/study.js'
import { startNodeWorkerDatabase, type NodeWorkerDatabase } from '../../node-worker/start.js'

const FIXTURE = new URL('../../fixtures/optuna/optuna-3.1-two-objectives.log', import.meta.url)

/** The front by definition: no other point is at least as good on every objective and better on one. */
function naive(points: number[][], objectives: readonly Objective[]): boolean[] {
  const sign = objectives.map((o) => (o.direction === 'minimize' ? 1 : -1))
  const dominates = (a: number[], b: number[]) => a.every((x, k) => x * sign[k]! <= b[k]! * sign[k]!) && a.some((x, k) => x * sign[k]! < b[k]! * sign[k]!)
  return points.map((p, i) => !points.some((q, j) => j !== i && dominates(q, p)))
}

describe('paretoMask', () => {
  it('marks the trials no other beats on both, minimizing one and maximizing the other', () => {
    const objectives = [minimize('cost'), maximize('score')]
    const points = [[1, 1], [2, 3], [3, 2], [0.5, 0.5], [2, 3], [4, 4]]
    expect(paretoMask(points, objectives)).toEqual([true, true, false, true, true, true])
  })

  it('agrees with the definition, for 2 and for 3 objectives (property)', () => {
    const small = fc.integer({ min: 0, max: 6 })
    for (const objectives of [[minimize('a'), maximize('b')], [maximize('a'), minimize('b'), minimize('c')]]) {
      fc.assert(fc.property(fc.array(fc.array(small, { minLength: objectives.length, maxLength: objectives.length }), { maxLength: 30 }), (points) => {
        expect(paretoMask(points, objectives)).toEqual(naive(points, objectives))
      }))
    }
  })
})

describe('a two-objective Optuna study', () => {
  let w: NodeWorkerDatabase

  beforeAll(async () => {
    w = await startNodeWorkerDatabase('pareto')
    await w.api.importDump(new Blob([await readFile(FIXTURE)]))
  })

  afterAll(async () => {
    await w?.terminate()
  })

  it('shows every objective, and its Pareto set is the front Optuna reports', async () => {
    const board = await w.api.leaderboard('two-objectives', { pareto: true })
    expect(board.objectives).toEqual([minimize('value_0'), maximize('value_1')])
    const numbers = board.trials.map((t) => board.numbers?.[t.runs[0]!.seq]).sort((a, b) => a! - b!)
    expect(numbers).toEqual([4, 9, 14, 15, 20, 24, 25, 28])
  })

  it('draws the front of two objectives, chosen by metric', async () => {
    const p = await w.api.paretoFront('two-objectives')
    expect([p.x.metric, p.y.metric]).toEqual(['value_0', 'value_1'])
    expect(p.points.length).toBe(29)
    expect(p.points.filter((q) => q.front).map((q) => q.seq - 1).sort((a, b) => a - b)).toEqual([4, 9, 14, 15, 20, 24, 25, 28])
    const flipped = await w.api.paretoFront('two-objectives', { x: 'value_1', y: 'value_0' })
    expect([flipped.x.metric, flipped.y.metric]).toEqual(['value_1', 'value_0'])
    expect(flipped.points.filter((q) => q.front).length).toBe(8)
  })
})
