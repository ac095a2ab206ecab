import { describe, expect, it } from 'vitest'
import { RunState } from '../../../src/db/model/run.js'
import { bool, float, int, list, str } from '../../../src/db/model/values.js'
import {
  cellFull, cellText, filterOrder, formatSort, formatStatesParam, indexRows, nextSort, parseSort, parseStatesParam,
  runColumns, sortKeys, sortOrder, type Column,
} from '../../../src/ui/study/runs.js'
import type { RunRow } from '../../../src/ui/study/types.js'
import { makeRow } from './rows.js'
import { ALL_STATES, filterState, PRUNED } from '../../../src/db/analysis/run-filter.js'

const rows: RunRow[] = [
  makeRow(1, { values: { lr: float(0.1), opt: str('sgd') }, state: RunState.Success, status: 'done', runtime: 65_000, last: { loss: 0.5, acc: 0.8 } }),
  makeRow(2, { values: { lr: float(0.01), opt: str('adam') }, state: RunState.Failure, status: 'diverged', runtime: 5_000, last: { loss: NaN } }),
  makeRow(3, { values: { lr: float(1), opt: str('adam') }, state: RunState.Pending, status: 'epoch 3', runtime: 3_600_000, last: {} }),
  makeRow(4, { values: { lr: float(0.1), opt: str('Adam') }, state: RunState.Success, status: 'done', runtime: 0, last: { loss: 0.2 } }),
]

function col(key: string): Column {
  const c = runColumns(rows, ['lr', 'opt', 'momentum']).find((c) => c.key === key)
  if (!c) throw new Error(`no column ${key}`)
  return c
}

/** The seqs in the order a sort gives. */
function sorted(key: string, desc = false): number[] {
  return [...sortOrder(sortKeys(rows, col(key)), desc)].map((i) => rows[i]!.seq)
}

describe('runColumns', () => {
  it('lists the fixed columns, then values (params and seen names) and last metrics, each sorted', () => {
    expect(runColumns(rows, ['opt', 'momentum', 'lr']).map((c) => c.key)).toEqual([
      'id', 'state', 'status', 'created', 'runtime', 'retries', 'replicate',
      'v.lr', 'v.momentum', 'v.opt', 'm.acc', 'm.loss',
    ])
  })
})

describe('cellText', () => {
  it('writes each kind of cell', () => {
    const r = rows[0]!
    expect(cellText(r, col('id'))).toBe('s:1')
    expect(cellText(r, col('state'))).toBe('success')
    expect(cellText(r, col('runtime'))).toBe('1m5s')
    expect(cellText(r, col('created'))).toBe('2024-01-01 12:00')
    expect(cellText(r, col('v.lr'))).toBe('0.1')
    expect(cellText(r, col('v.momentum'))).toBe('')
    expect(cellText(r, col('m.acc'))).toBe('0.8')
    expect(cellText(rows[1]!, col('m.loss'))).toBe('NaN')
    expect(cellText(rows[2]!, col('m.loss'))).toBe('')
  })
})

describe('sorting', () => {
  it('sorts numbers both ways, ties in row order', () => {
    expect(sorted('runtime')).toEqual([4, 2, 1, 3])
    expect(sorted('runtime', true)).toEqual([3, 1, 2, 4])
    expect(sorted('id', true)).toEqual([4, 3, 2, 1])
  })

  it('orders states pending, success, failure', () => {
    expect(sorted('state')).toEqual([3, 1, 4, 2])
  })

  it('orders values kind-aware, as compareValues does', () => {
    expect(sorted('v.lr')).toEqual([2, 1, 4, 3])
    expect(sorted('v.opt')).toEqual([4, 2, 3, 1])
    const mixed = [
      makeRow(1, { values: { x: str('a') } }),
      makeRow(2, { values: { x: int(10) } }),
      makeRow(3, { values: { x: float(2) } }),
      makeRow(4, { values: { x: int(9) } }),
      makeRow(5, { values: { x: bool(true) } }),
      makeRow(6, { values: { x: list(int(1)) } }),
      makeRow(7, {}),
    ]
    const x = runColumns(mixed, ['x']).find((c) => c.key === 'v.x')!
    expect([...sortOrder(sortKeys(mixed, x), false)].map((i) => mixed[i]!.seq)).toEqual([5, 4, 2, 3, 1, 6, 7])
  })

  it('puts rows without the metric, and NaN, last either way', () => {
    expect(sorted('m.loss')).toEqual([4, 1, 2, 3])
    expect(sorted('m.loss', true)).toEqual([1, 4, 2, 3])
  })

  it('sorts statuses as text', () => {
    expect(sorted('status')).toEqual([2, 1, 4, 3])
  })

  it('sorts 100,000 rows by a value column quickly', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => makeRow(i + 1, {
      values: { lr: float((i * 7919) % 1000 / 1000), opt: str(i % 3 === 0 ? 'adam' : 'sgd') },
      last: { loss: ((i * 104729) % 10007) / 10007 },
      status: `epoch ${i % 100}`,
    }))
    const cols = runColumns(many, ['lr', 'opt'])
    const start = performance.now()
    const index = indexRows(many)
    const order = sortOrder(sortKeys(many, cols.find((c) => c.key === 'v.lr')!), true)
    const shown = filterOrder(order, index, RunState.Any, 'opt=adam')
    const took = performance.now() - start
    expect(shown.length).toBe(33_334)
    expect(took).toBeLessThan(2_000)
    const lr = (i: number) => (many[i]!.values.lr as { value: number }).value
    for (let k = 1; k < shown.length; k++) expect(lr(shown[k - 1]!)).toBeGreaterThanOrEqual(lr(shown[k]!))
  })
})

describe('filterOrder', () => {
  const index = indexRows(rows)
  const all = sortOrder(sortKeys(rows, col('id')), false)
  const seqs = (order: Uint32Array) => [...order].map((i) => rows[i]!.seq)

  it('keeps rows in the chosen states, in the given order', () => {
    expect(seqs(filterOrder(all, index, RunState.Success | RunState.Pending, ''))).toEqual([1, 3, 4])
    expect(seqs(filterOrder(all, index, 0, ''))).toEqual([])
  })

  it('searches ids, statuses and name=value, ignoring case', () => {
    expect(seqs(filterOrder(all, index, RunState.Any, 'ADAM'))).toEqual([2, 3, 4])
    expect(seqs(filterOrder(all, index, RunState.Any, 'lr=0.1'))).toEqual([1, 4])
    expect(seqs(filterOrder(all, index, RunState.Any, '0.01'))).toEqual([2])
    expect(seqs(filterOrder(all, index, RunState.Any, 's:3'))).toEqual([3])
    expect(seqs(filterOrder(all, index, RunState.Any, 'diverged'))).toEqual([2])
    expect(seqs(filterOrder(all, index, RunState.Any, '  '))).toEqual([1, 2, 3, 4])
  })
})

describe('query parameters', () => {
  it('reads and writes sorts', () => {
    expect(parseSort('')).toEqual({ key: 'id', desc: false })
    expect(parseSort('-m.loss')).toEqual({ key: 'm.loss', desc: true })
    expect(formatSort({ key: 'id', desc: false })).toBe('')
    expect(formatSort({ key: 'runtime', desc: true })).toBe('-runtime')
    expect(nextSort({ key: 'runtime', desc: false }, 'runtime')).toEqual({ key: 'runtime', desc: true })
    expect(nextSort({ key: 'runtime', desc: true }, 'state')).toEqual({ key: 'state', desc: false })
  })

  it('reads and writes state sets, pruned a state of its own', () => {
    expect(parseStatesParam('')).toBe(ALL_STATES)
    expect(parseStatesParam('none')).toBe(0)
    expect(parseStatesParam('pending,failure')).toBe(RunState.Pending | RunState.Failure)
    expect(parseStatesParam('success,pruned')).toBe(RunState.Success | PRUNED)
    expect(formatStatesParam(ALL_STATES)).toBe('')
    expect(formatStatesParam(RunState.Any)).toBe('pending,success,failure')
    expect(formatStatesParam(0)).toBe('none')
    expect(formatStatesParam(RunState.Success | RunState.Failure)).toBe('success,failure')
  })
})

describe('pruned runs', () => {
  it('filter apart from other failures, and show as pruned', () => {
    const rows = [
      makeRow(1, { state: RunState.Failure, status: 'pruned' }),
      makeRow(2, { state: RunState.Failure, status: 'fail' }),
      makeRow(3),
    ]
    const index = indexRows(rows)
    const order = Uint32Array.from([0, 1, 2])
    expect([...filterOrder(order, index, PRUNED, '')]).toEqual([0])
    expect([...filterOrder(order, index, RunState.Failure, '')]).toEqual([1])
    expect([...filterOrder(order, index, RunState.Failure | PRUNED, '')]).toEqual([0, 1])
    expect(filterState(rows[0]!)).toBe(PRUNED)
    expect(cellText(rows[0]!, { key: 'state', label: 'State', kind: 'state' })).toBe('pruned')
  })

  it('show float values to 4 significant digits, the exact value in the tooltip', () => {
    const row = makeRow(1, { values: { lr: float(0.0019234567891), n: int(3), opt: str('adam') }, last: { acc: 0.98765432 } })
    const col = (kind: 'value' | 'metric', name: string) => ({ key: `${kind[0]}.${name}`, label: name, kind, name })
    expect(cellText(row, col('value', 'lr'))).toBe('0.001923')
    expect(cellFull(row, col('value', 'lr'))).toBe('0.0019234567891')
    expect(cellText(row, col('value', 'n'))).toBe('3')
    expect(cellText(row, col('metric', 'acc'))).toBe('0.987654')
    expect(cellFull(row, col('metric', 'acc'))).toBe('0.98765432')
  })
})

describe('selection', () => {
  it('adds and removes ids in a new set', async () => {
    const { NO_SELECTION, toggled } = await import('../../../src/ui/study/runs.js')
    const one = toggled(NO_SELECTION, ['s:1', 's:2'], true)
    expect([...one]).toEqual(['s:1', 's:2'])
    expect(NO_SELECTION.size).toBe(0)
    const two = toggled(one, ['s:1', 's:9'], false)
    expect([...two]).toEqual(['s:2'])
    expect(one.size).toBe(2)
  })
})
