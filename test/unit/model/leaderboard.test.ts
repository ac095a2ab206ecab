/**
 * Leaderboards and study overviews from run rows: replicate picking as
 * `replicatedTrial`, ranking by an objective or an override, and what a
 * trial lacking the objective does.
 */
import { describe, expect, it } from 'vitest'
import type { StudyInfo } from '../../../src/db/model/database.js'
import { DivinerError } from '../../../src/db/model/errors.js'
import { leaderboard, parseObjective, rowTrial, studyOverview, type RankedRow } from '../../../src/db/analysis/leaderboard.js'
import { RunState, type Metrics } from '../../../src/db/model/run.js'
import { runTrial } from '../../../src/db/model/trial.js'
import { maximize, minimize } from '../../../src/db/model/study.js'
import { replicatedTrial } from '../../../src/db/model/trial.js'
import { float, int, type Values } from '../../../src/db/model/values.js'

let nextSeq = 0

/** A row with harmless defaults: success, replicate 0, updated at second `at`. */
function row(values: Values, last: Metrics, fields: { replicate?: number; state?: number; at?: number } = {}): RankedRow {
  nextSeq++
  return {
    id: `run-${String(nextSeq).padStart(4, '0')}`, study: 's', seq: nextSeq, values,
    replicate: fields.replicate ?? 0, state: fields.state ?? RunState.Success, status: '', config: {},
    created: new Date(0), updated: new Date((fields.at ?? 1) * 1000), runtime: 0, retries: 0, last,
  }
}

const A = { lr: float(0.1) }
const B = { lr: float(0.01) }
const C = { lr: float(0.001) }
const D = { lr: float(1) }
const E = { lr: float(0.5) }

/**
 * By hand, minimizing loss:
 *   B: rep 0 loss 0.15; rep 1 two pending runs, the newer (0.35) picked → 0.25, pending
 *   A: rep 0 success 0.4 beats a newer pending 0.1; rep 1 0.2 → 0.3
 *   E: 0.5
 *   D: NaN (after every number)
 *   C: no loss at all (last)
 */
function sweep(): RankedRow[] {
  nextSeq = 0
  return [
    row(A, { loss: 0.4, acc: 0.8 }, { replicate: 0, at: 1 }),
    row(A, { loss: 0.2, acc: 0.9 }, { replicate: 1, at: 2 }),
    row(A, { loss: 0.1, acc: 0.1 }, { replicate: 0, state: RunState.Pending, at: 9 }),
    row(B, { loss: 0.15, acc: 0.7 }, { replicate: 0, at: 3 }),
    row(B, { loss: 0.9, acc: 0.1 }, { replicate: 1, state: RunState.Pending, at: 4 }),
    row(B, { loss: 0.35, acc: 0.6 }, { replicate: 1, state: RunState.Pending, at: 5 }),
    row(C, { acc: 0.5 }),
    row(D, { loss: NaN }),
    row(E, { loss: 0.5, acc: 0.95 }),
  ]
}

describe('leaderboard', () => {
  it('ranks replicated trials by the objective, NaN after numbers, lacking last', () => {
    const board = leaderboard(minimize('loss'), sweep())
    expect(board.objective).toEqual(minimize('loss'))
    expect(board.trials.map((t) => t.values)).toEqual([B, A, E, D, C])
    expect(board.lacking).toBe(1)
    const [b, a, e, d, c] = board.trials
    expect(b?.metrics['loss']).toBeCloseTo(0.25, 12)
    expect(b?.metrics['acc']).toBeCloseTo(0.65, 12)
    expect(b?.pending).toBe(true)
    expect(a?.metrics['loss']).toBeCloseTo(0.3, 12)
    expect(a?.pending).toBe(false)
    expect(e?.metrics).toEqual({ loss: 0.5, acc: 0.95 })
    expect(d?.metrics['loss']).toBeNaN()
    expect(c?.metrics).toEqual({ acc: 0.5 })
  })

  it('gives replicates, spread across the picked ones, and every run by seq', () => {
    const [b, a] = leaderboard(minimize('loss'), sweep()).trials
    expect(a?.replicates).toEqual([0, 1])
    expect(a?.spread).toEqual({ loss: { min: 0.2, max: 0.4 }, acc: { min: 0.8, max: 0.9 } })
    expect(a?.runs).toEqual([
      { seq: 1, replicate: 0, state: RunState.Success, metrics: { loss: 0.4, acc: 0.8 } },
      { seq: 2, replicate: 1, state: RunState.Success, metrics: { loss: 0.2, acc: 0.9 } },
      { seq: 3, replicate: 0, state: RunState.Pending, metrics: { loss: 0.1, acc: 0.1 } },
    ])
    expect(b?.spread).toEqual({ loss: { min: 0.15, max: 0.35 }, acc: { min: 0.6, max: 0.7 } })
    expect(b?.runs.map((r) => r.seq)).toEqual([4, 5, 6])
  })

  it('agrees with replicatedTrial over the same runs', () => {
    const rows = sweep()
    const trial = replicatedTrial(rows.filter((r) => r.values === B).map((r) => runTrial({ ...r, metrics: [{ x: 1 }, r.last] })))
    const b = leaderboard(minimize('loss'), rows).trials[0]
    expect(b?.metrics).toEqual(trial.metrics)
    expect(b?.pending).toBe(trial.pending)
  })

  it('+metric maximizes and -metric minimizes another metric', () => {
    const up = leaderboard(parseObjective('+acc', minimize('loss')), sweep())
    expect(up.objective).toEqual(maximize('acc'))
    expect(up.trials.map((t) => t.values)).toEqual([E, A, B, C, D])
    expect(up.lacking).toBe(1)
    const down = leaderboard(parseObjective('-acc', minimize('loss')), sweep())
    expect(down.objective).toEqual(minimize('acc'))
    expect(down.trials.map((t) => t.values)).toEqual([C, B, A, E, D])
  })

  it('breaks ties and orders the lacking by values', () => {
    const board = leaderboard(maximize('x'), [row({ n: int(2) }, { x: 1 }), row({ n: int(1) }, { x: 1 }), row({ n: int(4) }, {}), row({ n: int(3) }, {})])
    expect(board.trials.map((t) => t.values['n'])).toEqual([int(1), int(2), int(3), int(4)])
    expect(board.lacking).toBe(2)
  })

  it('groups value sets by kind: int 1 and float 1 are different trials', () => {
    const board = leaderboard(minimize('loss'), [row({ n: int(1) }, { loss: 2 }), row({ n: float(1) }, { loss: 1 })])
    expect(board.trials.map((t) => t.values)).toEqual([{ n: float(1) }, { n: int(1) }])
  })

  it('an empty study has an empty leaderboard', () => {
    expect(leaderboard(minimize('loss'), [])).toEqual({ objective: minimize('loss'), trials: [], lacking: 0 })
  })

  it('a run that reported nothing makes a trial lacking every metric', () => {
    const t = rowTrial(row(A, {}, { state: RunState.Pending }))
    expect(t.metrics).toEqual({})
    expect(t.pending).toBe(true)
  })
})

describe('parseObjective', () => {
  it('keeps the study objective when there is no override', () => {
    expect(parseObjective(undefined, maximize('acc'))).toEqual(maximize('acc'))
    expect(parseObjective('', maximize('acc'))).toEqual(maximize('acc'))
  })

  it('refuses an override without a sign or a metric', () => {
    for (const spec of ['loss', '+', '-', '*loss']) {
      expect(() => parseObjective(spec, minimize('loss'))).toThrow(DivinerError)
    }
    expect(() => parseObjective('loss', minimize('loss'))).toThrow(/\+metric to maximize or -metric to minimize/)
  })
})

describe('studyOverview', () => {
  const info = (objective = minimize('loss')): StudyInfo => ({
    name: 's', objective, params: {}, replicates: 0, description: '', oracle: { name: 'grid' }, created: new Date(0), activity: new Date(0),
  })

  it('counts runs by reported state and finds the best successful value', () => {
    const rows: { state: number; last: Metrics }[] = [
      { state: RunState.Success, last: { loss: 0.5 } },
      { state: RunState.Success, last: { loss: 0.2 } },
      { state: RunState.Success, last: { loss: NaN } },
      { state: RunState.Failure, last: { loss: 0.01 } },
      { state: RunState.Pending, last: { loss: 0.001 } },
      { state: RunState.Pending, last: {} },
    ]
    const o = studyOverview(info(), rows)
    expect(o.counts).toEqual({ pending: 2, success: 3, failure: 1, pruned: 0 })
    expect(o.runs).toBe(6)
    expect(o.best).toBe(0.2)
    expect(o.name).toBe('s')
    expect(studyOverview(info(maximize('loss')), rows).best).toBe(0.5)
  })

  it('has no best without a successful run reporting the metric', () => {
    expect(studyOverview(info(), []).best).toBeUndefined()
    expect(studyOverview(info(), [{ state: RunState.Success, last: { acc: 1 } }, { state: RunState.Success, last: { loss: NaN } }]).best).toBeUndefined()
  })
})
