/**
 * The run filter language, as MLflow users write it: metrics and params
 * compared, state, tags and free text, and, or, not, in, like; a clear
 * message naming the place for a bad query.
 */
import { describe, expect, it } from 'vitest'
import { compileFilter, type FilterRow } from '../../../src/db/analysis/filter-eval.js'
import { parseFilter } from '../../../src/db/analysis/filter-lang.js'
import { indexRows, searchTest } from '../../../src/db/analysis/run-filter.js'
import { isDivinerError } from '../../../src/db/model/errors.js'
import { RunState } from '../../../src/db/model/run.js'
import { float, int, str } from '../../../src/db/model/values.js'
import { makeRow } from '../ui/rows.js'

const rows = [
  makeRow(1, { values: { optimizer: str('adam'), lr: float(0.01), layers: int(2) }, last: { acc: 0.99, loss: 0.1 }, status: 'finished 20 epochs' }),
  makeRow(2, { values: { optimizer: str('sgd'), lr: float(0.1), layers: int(3) }, last: { acc: 0.97, loss: 0.3 } }),
  makeRow(3, { values: { optimizer: str('adam'), lr: float(0.001), layers: int(2) }, last: { acc: 0.5 }, state: RunState.Failure, status: 'pruned' }),
  makeRow(4, { values: { optimizer: str('rmsprop'), lr: float(0.01), layers: int(4) }, last: {}, state: RunState.Pending, config: { optuna: { number: 3 } } }),
]
const names = { values: ['layers', 'lr', 'optimizer'], metrics: ['acc', 'loss'] }
const tagged: FilterRow[] = rows.map((r, i) => ({ ...r, tags: i === 0 ? ['baseline', 'good'] : i === 1 ? ['good'] : [], note: i === 1 ? 'Diverged after **epoch 3**' : '' }))

/** The seqs of the rows a query keeps. */
function kept(query: string, of: readonly FilterRow[] = tagged): number[] {
  const test = searchTest(query, of, names, indexRows(rows))
  return of.flatMap((r, i) => (test === undefined || test(i) ? [r.seq] : []))
}

/** The message of the error a query is refused with. */
function refusal(query: string): string {
  try {
    kept(query)
  } catch (e) {
    if (isDivinerError(e, 'invalid') && e.details?.['field'] === 'filter') return e.message
    throw e
  }
  throw new Error(`"${query}" was not refused`)
}

describe('the filter language', () => {
  it('compares metrics and params as MLflow does', () => {
    expect(kept("metrics.acc > 0.98 and params.optimizer = 'adam'")).toEqual([1])
    expect(kept('metrics.acc >= 0.97')).toEqual([1, 2])
    expect(kept('params.lr = 0.01')).toEqual([1, 4])
    expect(kept('params.layers > 2')).toEqual([2, 4])
    expect(kept('params.optimizer != "adam"')).toEqual([2, 4])
  })

  it('takes bare names of metrics and params, and the old name=value searches', () => {
    expect(kept('acc>0.98')).toEqual([1])
    expect(kept('optimizer=sgd')).toEqual([2])
    expect(kept('lr < 0.05 and loss < 0.2')).toEqual([1])
  })

  it('combines with and, or, not and parentheses; words side by side are anded', () => {
    expect(kept('optimizer = sgd or optimizer = rmsprop')).toEqual([2, 4])
    expect(kept('not (optimizer = adam)')).toEqual([2, 4])
    expect(kept('(acc > 0.9 or acc < 0.6) and lr <= 0.01')).toEqual([1, 3])
    expect(kept('finished 20')).toEqual([1])
  })

  it('filters by state (pruned its own), status, run, trial, runtime', () => {
    expect(kept("state = 'pruned'")).toEqual([3])
    expect(kept('state in (success, pending)')).toEqual([1, 2, 4])
    expect(kept("attributes.status like 'finished%'")).toEqual([1])
    expect(kept('run >= 3')).toEqual([3, 4])
    expect(kept('trial = 3')).toEqual([4])
    expect(kept('runtime = 0')).toEqual([1, 2, 3, 4])
  })

  it('filters by tags and notes', () => {
    expect(kept("tag = 'good'")).toEqual([1, 2])
    expect(kept("tags = 'baseline'")).toEqual([1])
    expect(kept("tag != 'good'")).toEqual([3, 4])
    expect(kept("tag in ('baseline', 'x')")).toEqual([1])
    expect(kept("note ilike '%diverged%'")).toEqual([2])
  })

  it('in, not in, like and ilike', () => {
    expect(kept("optimizer in ('sgd', 'rmsprop')")).toEqual([2, 4])
    expect(kept("optimizer not in ('sgd', 'rmsprop')")).toEqual([1, 3])
    expect(kept("optimizer like 'a%'")).toEqual([1, 3])
    expect(kept("optimizer ilike 'ADA_'")).toEqual([1, 3])
    expect(kept("optimizer not like '%a%'")).toEqual([2, 4])
  })

  it('never matches a missing metric, and keeps blank queries out of the way', () => {
    expect(kept('acc != 0.5')).toEqual([1, 2])
    expect(searchTest('  ', tagged, names, indexRows(rows))).toBeUndefined()
  })

  it('reads backquoted names and doubled quotes', () => {
    const node = parseFilter("metrics.`val loss` < 1 and params.`a b` = 'it''s'")
    expect(node).toMatchObject({ type: 'and', left: { field: ['metrics', 'val loss'], op: '<' }, right: { field: ['params', 'a b'], values: [{ kind: 'text', value: "it's" }] } })
    const test = compileFilter(node!, { values: ['a b'], metrics: ['val loss'] })
    expect(test({ ...rows[0]!, last: { 'val loss': 0.5 }, values: { 'a b': str("it's") } }, '')).toBe(true)
  })

  it('refuses a bad query with a message that says where and what', () => {
    expect(refusal('acc >')).toMatch(/^filter: expected a value after > \(at character 6 of "acc >"\)$/)
    expect(refusal('(acc > 1')).toMatch(/expected \) to close the \( opened at character 1/)
    expect(refusal("optimizer = 'adam")).toMatch(/text opened here is not closed/)
    expect(refusal('speed > 3')).toMatch(/no metric, param or attribute is called speed/)
    expect(refusal("metrics.acc > 'high'")).toMatch(/metrics.acc is a number/)
    expect(refusal('metrics.step > 3')).toMatch(/step is each report's step, not a metric/)
    expect(refusal('and acc > 1')).toMatch(/"and" needs a condition before it/)
    expect(refusal('acc in 1')).toMatch(/expected \( and a list of values after in/)
  })
})
