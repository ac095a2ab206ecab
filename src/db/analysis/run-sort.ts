/**
 * Sorting the runs table: one number per row that orders it by a column (sort
 * keys, computed once per column), the row order they give either way, and a
 * sort as the URL holds it.
 */
import type { RunRow } from '../model/run.js'
import { RunState } from '../model/run.js'
import { compareValues, valueKey, type Value } from '../model/values.js'
import { metricOf, valueOf, type Column, type ColumnKind } from './run-columns.js'

/**
 * One number per row that orders the rows by `col`; NaN where the row has no
 * value (or a NaN metric). Values and statuses become ranks among their
 * distinct values, so values order kind-aware (`compareValues`) while the sort
 * itself compares numbers only.
 */
export function sortKeys(rows: readonly RunRow[], col: Column): Float64Array {
  const keys = new Float64Array(rows.length)
  switch (col.kind) {
    case 'value': return valueRanks(rows, col.name ?? '')
    case 'status': return stringRanks(rows.map((r) => r.status))
    case 'metric': {
      const name = col.name ?? ''
      rows.forEach((r, i) => { keys[i] = metricOf(r, name) ?? NaN })
      return keys
    }
    default: {
      const key = numericKey(col.kind)
      rows.forEach((r, i) => { keys[i] = key(r) })
      return keys
    }
  }
}

function numericKey(kind: ColumnKind): (r: RunRow) => number {
  switch (kind) {
    case 'state': return (r) => stateOrder(r.state)
    case 'created': return (r) => r.created.getTime()
    case 'runtime': return (r) => r.runtime
    case 'retries': return (r) => r.retries
    case 'replicate': return (r) => r.replicate
    default: return (r) => r.seq
  }
}

/** States in the order a reader expects: pending, success, failure. */
function stateOrder(state: number): number {
  return state === RunState.Pending ? 0 : state === RunState.Success ? 1 : state === RunState.Failure ? 2 : 3
}

function valueRanks(rows: readonly RunRow[], name: string): Float64Array {
  const distinct = new Map<string, Value>()
  const rowKeys: (string | undefined)[] = rows.map((r) => {
    const v = valueOf(r, name)
    if (v === undefined) return undefined
    const k = valueKey(v)
    if (!distinct.has(k)) distinct.set(k, v)
    return k
  })
  const rank = new Map([...distinct].sort(([, a], [, b]) => compareValues(a, b)).map(([k], i) => [k, i]))
  return Float64Array.from(rowKeys, (k) => (k === undefined ? NaN : rank.get(k) ?? NaN))
}

/** Each text's rank among the distinct texts (code-unit order), by sorting row indices once. */
function stringRanks(texts: readonly string[]): Float64Array {
  const order = Uint32Array.from(texts, (_, i) => i).sort((i, j) => {
    const a = texts[i] as string
    const b = texts[j] as string
    return a < b ? -1 : a > b ? 1 : 0
  })
  const keys = new Float64Array(texts.length)
  let rank = 0
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number
    if (k > 0 && texts[i] !== texts[order[k - 1] as number]) rank++
    keys[i] = rank
  }
  return keys
}

/**
 * Row indices ordered by `keys`, ascending or descending; rows without a key
 * (NaN) come last either way; ties keep row order.
 */
export function sortOrder(keys: Float64Array, desc: boolean): Uint32Array {
  const order = new Uint32Array(keys.length)
  for (let i = 0; i < order.length; i++) order[i] = i
  const sign = desc ? -1 : 1
  return order.sort((i, j) => {
    const a = keys[i] as number
    const b = keys[j] as number
    if (a !== a) return b !== b ? i - j : 1
    if (b !== b) return -1
    return a === b ? i - j : (a < b ? -sign : sign)
  })
}

/** A sort as the URL holds it: `runtime` ascending, `-runtime` descending. */
export interface Sort { readonly key: string; readonly desc: boolean }

/** The sort a URL parameter names (`-m.loss`); empty is by run, ascending. */
export function parseSort(param: string): Sort {
  if (param === '') return { key: 'id', desc: false }
  return param.startsWith('-') ? { key: param.slice(1), desc: true } : { key: param, desc: false }
}

/** The URL parameter of a sort (empty for the default, by run ascending). */
export function formatSort(sort: Sort): string {
  return sort.key === 'id' && !sort.desc ? '' : `${sort.desc ? '-' : ''}${sort.key}`
}
