/**
 * What the charts need to name what is hovered and open it (each drawn point's
 * run and values), and learning curves beyond 20 trials: many curves share a
 * budget of points, and the cap on runs is said.
 */
import { describe, expect, it } from 'vitest'
import { trialBoard } from '../../../src/db/analysis/trial-board.js'
import {
  analysisPicture, chooseCurveRuns, curveCandidates, curvesPicture, historyPicture, MAX_CURVE_POINTS, MAX_CURVES, pointLabel, pointsPerCurve,
} from '../../../src/db/analysis/study.js'
import { maximize } from '../../../src/db/model/study.js'
import { range } from '../../../src/db/model/params.js'
import { float, int } from '../../../src/db/model/values.js'
import { makeRow } from '../ui/rows.js'

const objective = maximize('acc')
/** 300 trials of one run each; acc grows with lr. */
const rows = Array.from({ length: 300 }, (_, i) => makeRow(i + 1, { values: { lr: float((i + 1) / 1000), n: int(i % 3) }, last: { acc: (i + 1) / 300 } }))

describe('hovering points', () => {
  it('names each drawn point of the objective history by its run and values', () => {
    const h = historyPicture(rows.slice(0, 3), objective, 'seq')
    expect(h.history.seq).toEqual([1, 2, 3])
    expect(h.labels).toEqual(['lr=0.001, n=0', 'lr=0.002, n=1', 'lr=0.003, n=2'])
  })

  it('names an Optuna run by its trial number too', () => {
    expect(pointLabel({ values: { x: float(0.123456) }, config: { optuna: { number: 7 } } })).toBe('trial #7 · x=0.1235')
  })

  it('gives each slice point its trial: rank, first run and values', () => {
    const info = { name: 's', objective, params: { lr: range(0, 1) }, created: new Date(0), activity: new Date(0) }
    const a = analysisPicture(info, rows.slice(0, 4), objective)
    const slice = a.slices.find((s) => s.axis.label === 'lr')!
    const named = slice.trial.map((k) => a.drawnTrials[k]!)
    // Ranked best first: the highest lr (the last run) is trial #1.
    expect(named.map((t) => [t.rank, t.seq])).toEqual([[1, 4], [2, 3], [3, 2], [4, 1]])
    expect(named[0]?.label).toBe('lr=0.004, n=0')
  })
})

describe('learning curves beyond 20 trials', () => {
  const board = trialBoard(objective, rows).trials

  it('takes the best N trials\' runs up to the cap on runs, and says how many it left out', () => {
    expect(curveCandidates(board, objective, { top: 50 }).length).toBe(50)
    expect(curveCandidates(board, objective, { top: 10_000 }).length).toBe(200)
    expect(chooseCurveRuns(board, objective, { top: 250 }).length).toBe(MAX_CURVES)
    const chosen = chooseCurveRuns(board, objective, { top: 50 })
    const histories = chosen.map((c) => Array.from({ length: 1000 }, (_, i) => ({ acc: c.seq / 300 + i / 1e6 })))
    const p = curvesPicture(objective, chosen, histories, undefined, undefined, { cut: 3, trials: new Map([[chosen[0]!.seq, 41]]) })
    expect(p.curves.length).toBe(50)
    expect(p.pointsPerCurve).toBe(pointsPerCurve(50))
    expect(Math.max(...p.curves.map((c) => c.x.length))).toBeLessThanOrEqual(p.pointsPerCurve)
    expect(p.cut).toBe(3)
    expect(p.curves[0]?.trial).toBe(41)
    expect(p.curves[1]?.trial).toBeUndefined()
  })

  it('shares a budget of points: fewer per curve as curves grow, within bounds', () => {
    expect(pointsPerCurve(1)).toBe(MAX_CURVE_POINTS)
    expect(pointsPerCurve(20)).toBe(MAX_CURVE_POINTS)
    expect(pointsPerCurve(100)).toBe(200)
    expect(pointsPerCurve(200)).toBe(100)
    expect(pointsPerCurve(10_000)).toBe(50)
  })
})
