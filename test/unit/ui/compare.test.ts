import { describe, expect, it } from 'vitest'
import { RunState, type Run } from '../../../src/db/model/run.js'
import { float, str } from '../../../src/db/model/values.js'
import { compareHref, compareRows, curveData, parseCompare, togglePick, NO_PICKS } from '../../../src/ui/compare/compare.js'

function run(seq: number, fields: Partial<Run> = {}): Run {
  return {
    id: `id-${seq}`, study: 's', seq, values: {}, replicate: 0, state: RunState.Success, status: 'done', config: {},
    created: new Date(0), updated: new Date(0), runtime: 60_000, retries: 0, metrics: [], ...fields,
  }
}

describe('the compare route', () => {
  it('names 2 to 5 runs or trials, and round-trips', () => {
    expect(parseCompare(new URLSearchParams('runs=3,3'))).toEqual({ error: expect.stringContaining('compare 2 to 5') })
    expect(parseCompare(new URLSearchParams('runs=3,1'))).toEqual({ spec: { runs: [3, 1] } })
    expect(parseCompare(new URLSearchParams('trials=1.2,5'))).toEqual({ spec: { trials: [[1, 2], [5]] } })
    expect(parseCompare(new URLSearchParams('runs=1,2,3,4,5,6')).error).toContain('names 6')
    expect(parseCompare(new URLSearchParams('runs=1,0')).error).toContain('runs=3,7,12')
    expect(parseCompare(new URLSearchParams('')).error).toContain('nothing to compare')
    const href = compareHref('a b', { trials: [[1, 2], [3]] })
    expect(href).toBe('#/compare/a%20b?trials=1.2%2C3')
    expect(parseCompare(new URLSearchParams(href.slice(href.indexOf('?') + 1)))).toEqual({ spec: { trials: [[1, 2], [3]] } })
  })
})

describe('compareRows', () => {
  it('marks exactly the rows whose cells differ', () => {
    const a = run(1, { values: { lr: float(0.1), opt: str('adam') }, metrics: [{ loss: 1 }, { loss: 0.5 }] })
    const b = run(2, { values: { lr: float(0.1), opt: str('sgd') }, metrics: [{ loss: 2 }, { loss: 0.5 }], state: RunState.Failure })
    const rows = compareRows([{ label: 's:1', runs: [a] }, { label: 's:2', runs: [b] }])
    const byLabel = Object.fromEntries(rows.map((r) => [r.label, r]))
    expect(byLabel.lr).toMatchObject({ cells: ['0.1', '0.1'], differs: false })
    expect(byLabel.opt).toMatchObject({ cells: ['adam', 'sgd'], differs: true })
    expect(byLabel.State).toMatchObject({ cells: ['success', 'failure'], differs: true })
    expect(byLabel.loss).toMatchObject({ cells: ['0.5', '0.5'], differs: false })
    expect(byLabel.Reports?.differs).toBe(false)
  })

  it('averages a trial\'s last metrics over its runs and marks a missing value', () => {
    const t1 = [run(1, { values: { lr: float(0.5) }, metrics: [{ loss: 1 }] }), run(2, { values: { lr: float(0.5) }, replicate: 1, metrics: [{ loss: 3 }] })]
    const t2 = [run(3, { values: {}, metrics: [{ acc: 1 }] })]
    const rows = compareRows([{ label: 't1', runs: t1 }, { label: 't2', runs: t2 }])
    const byLabel = Object.fromEntries(rows.map((r) => [r.label, r]))
    expect(byLabel.loss).toMatchObject({ cells: ['2', '—'], differs: true })
    expect(byLabel.lr).toMatchObject({ cells: ['0.5', '—'], differs: true })
    expect(byLabel.Replicates?.cells).toEqual(['0, 1', '0'])
  })
})

describe('curveData', () => {
  it('overlays one series per column by report index, a trial as the mean of its runs, gaps as null', () => {
    const data = curveData([
      { label: 'a', runs: [run(1, { metrics: [{ loss: 1 }, { loss: NaN }, { loss: 3 }] })] },
      { label: 'b', runs: [run(2, { metrics: [{ loss: 2 }] }), run(3, { metrics: [{ loss: 4 }, { loss: 6 }] })] },
    ], 'loss')
    expect(data).toEqual([[0, 1, 2], [1, null, 3], [3, 6, null]])
  })

  it('aligns runs by their steps, not their report indices; a step is never a curve', () => {
    const data = curveData([
      { label: 'a', runs: [run(1, { metrics: [{ step: 0, value: 1 }, { step: 10, value: 0.5 }, { value: 0.4 }] })] },
      { label: 'b', runs: [run(2, { metrics: [{ step: 5, value: 2 }] })] },
    ], 'value')
    expect(data).toEqual([[0, 5, 10], [1, null, 0.4], [null, 2, null]])
  })

  it('picks toggle into new sets', () => {
    const one = togglePick(NO_PICKS, 2, true)
    expect([...one]).toEqual([2])
    expect(NO_PICKS.size).toBe(0)
    expect([...togglePick(one, 2, false)]).toEqual([])
  })
})
