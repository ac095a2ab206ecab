/**
 * The leaderboard as Diviner ranks it: trials of successful runs only (running
 * ones when asked, marked pending), failed and pruned runs never in a trial's
 * mean, and every trial-level view of a study agreeing with the board.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { filterBoard, trialBoard, trialRows, trialStates } from '../../../src/db/analysis/trial-board.js'
import { analysisPicture, chooseCurveRuns, historyPicture, oneReplicate } from '../../../src/db/analysis/study.js'
import { displayState, RunState } from '../../../src/db/model/run.js'
import { trials } from '../../../src/db/model/trial.js'
import { maximize, type Study } from '../../../src/db/model/study.js'
import { float } from '../../../src/db/model/values.js'
import { discrete, range } from '../../../src/db/model/params.js'
import { makeRow } from '../ui/rows.js'

const A = { lr: float(0.1) }
const B = { lr: float(0.01) }

/** Trial A: a success (0.9) and a failed replicate (0.1); B: a success (0.8), a pruned replicate (0.99) and a running one (0.95). */
const rows = [
  makeRow(1, { values: A, replicate: 0, last: { acc: 0.9 } }),
  makeRow(2, { values: A, replicate: 1, state: RunState.Failure, status: 'fail', last: { acc: 0.1 } }),
  makeRow(3, { values: B, replicate: 0, last: { acc: 0.8 } }),
  makeRow(4, { values: B, replicate: 1, state: RunState.Failure, status: 'pruned', last: { acc: 0.99 } }),
  makeRow(5, { values: B, replicate: 2, state: RunState.Pending, status: 'running', last: { acc: 0.95 } }),
]

describe('trial board', () => {
  it('a filter reads a trial\'s runs\' tags and notes: by tag, by note, and as free text', () => {
    const board = trialBoard(maximize('acc'), rows, true)
    const names = { values: ['lr'], metrics: ['acc'] }
    const notes = new Map([[1, { tags: ['baseline'], note: '' }], [5, { tags: ['good'], note: 'Diverged after epoch 3' }]])
    const kept = (filter: string) => filterBoard(board, filter, names, notes).trials.map((t) => t.values)
    expect(kept("tag = 'good'")).toEqual([B])
    expect(kept("tag != 'good'")).toEqual([A])
    expect(kept("note like '%epoch%'")).toEqual([B])
    expect(kept('baseline')).toEqual([A])
    // Without the runs' notes, nothing has a tag.
    expect(filterBoard(board, "tag = 'good'", names).trials).toEqual([])
  })

  it('ranks trials of successful runs only, counting what it left out by why', () => {
    const board = trialBoard(maximize('acc'), rows)
    expect(board.trials.map((t) => [t.values, t.metrics['acc'], t.replicates, t.pending])).toEqual([[A, 0.9, [0], false], [B, 0.8, [0], false]])
    expect(board.trials.flatMap((t) => t.runs.map((r) => r.seq))).toEqual([1, 3])
    expect(board.left).toEqual({ running: 1, failed: 1, pruned: 1 })
    expect(board.running).toBe(false)
  })

  it('adds running trials when asked, marked pending; failed and pruned runs stay out', () => {
    const board = trialBoard(maximize('acc'), rows, true)
    expect(board.trials.map((t) => t.values)).toEqual([A, B])
    const b = board.trials[1]
    expect(b?.metrics['acc']).toBeCloseTo((0.8 + 0.95) / 2, 12)
    expect(b?.pending).toBe(true)
    expect(b?.runs.map((r) => r.seq)).toEqual([3, 5])
    expect(board.left).toEqual({ running: 0, failed: 1, pruned: 1 })
  })

  it('agrees with the model: trials(db, study, Success) makes the same trials', async () => {
    const study: Study = { name: 's', objective: maximize('acc'), params: { lr: range(float(0), float(1)) } }
    const runs = rows.map((r) => ({ ...r, metrics: [r.last] }))
    const db = { listRuns: async (_: string, states: number) => runs.filter((r) => (r.state & states) !== 0) }
    const model = await trials(db, study, trialStates())
    const board = trialBoard(maximize('acc'), rows)
    expect(model.map((t) => [t.values, t.metrics])).toEqual([...board.trials].reverse().map((t) => [t.values, { ...t.metrics }]))
  })

  it('every trial-level view of a study ranks the same trials', () => {
    const objective = maximize('acc')
    const board = trialBoard(objective, rows)
    const info = { name: 's', objective, params: { lr: discrete(float(0.1), float(0.01)) }, replicates: 2, created: new Date(0), activity: new Date(0) }
    const analysis = analysisPicture(info, rows, objective)
    expect(analysis.spread.map((r) => r.mean)).toEqual(board.trials.map((t) => t.metrics['acc']))
    expect(chooseCurveRuns(board.trials, objective, { top: 5 }).map((c) => c.seq)).toEqual([1, 3])
    const history = historyPicture(rows, objective, 'seq')
    expect(history.history.value).toEqual([0.9, 0.8])
    // Given the board's trials (as the worker gives them, ranked once), the same picture, on either axis.
    for (const axis of ['seq', 'time'] as const) expect(historyPicture(rows, objective, axis, undefined, () => board.trials)).toEqual(historyPicture(rows, objective, axis))
  })

  it('the history picture ranks nothing where each trial has one replicate, and is the same picture', () => {
    const objective = maximize('acc')
    const row = fc.record({
      set: fc.integer({ min: 0, max: 3 }), replicate: fc.integer({ min: 0, max: 2 }), acc: fc.double({ min: 0, max: 1, noNaN: true }),
      state: fc.constantFrom(RunState.Success, RunState.Success, RunState.Failure, RunState.Pending),
    })
    // Runs of one replicate number (as an Optuna study's), or of several.
    const study = fc.tuple(fc.array(row, { maxLength: 30 }), fc.boolean())
    let alike = 0
    fc.assert(fc.property(study, ([specs, single]) => {
      const made = specs.map((x, i) => makeRow(i + 1, { values: { lr: float(x.set / 10) }, replicate: single ? 0 : x.replicate, state: x.state, last: { acc: x.acc } }))
      if (oneReplicate(made)) alike++
      for (const axis of ['seq', 'time'] as const) {
        let asked = false
        const given = historyPicture(made, objective, axis, undefined, () => { asked = true; return trialBoard(objective, made).trials })
        expect(given).toEqual(historyPicture(made, objective, axis))
        // The trials are asked for only where a trial can have two replicates.
        expect(asked).toBe(!oneReplicate(made))
      }
    }))
    expect(alike).toBeGreaterThan(0)
    expect(oneReplicate(rows)).toBe(true)
    expect(oneReplicate([...rows, makeRow(6, { values: A, replicate: 1 })])).toBe(false)
  })

  it('pruned is its own display state, still a failure', () => {
    expect(rows.map(displayState)).toEqual(['success', 'failure', 'success', 'pruned', 'pending'])
    expect(trialRows(rows).rows.map((r) => r.seq)).toEqual([1, 3])
  })
})
