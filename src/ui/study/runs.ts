/**
 * The runs table as data: its columns, sort keys computed once per column, and
 * the sort and filter passes over them. Everything here is plain and cheap
 * enough for 100,000 rows: a sort compares numbers in typed arrays, a filter
 * tests a bit mask and a lower-cased string per row.
 */
import { RunState, stateName } from '../../db/run.js'
import { compareValues, formatValue, valueKey, type Value } from '../../db/values.js'
import { formatTime } from '../format.js'
import { formatMetric, formatRuntime } from './cells.js'
import type { RunRow } from './types.js'

/** What a column shows. */
export type ColumnKind = 'id' | 'state' | 'status' | 'created' | 'runtime' | 'retries' | 'replicate' | 'value' | 'metric'

/** A column of the runs table. `key` names it in the URL (`v.lr`, `m.loss`). */
export interface Column {
  readonly key: string
  readonly label: string
  readonly kind: ColumnKind
  /** The value or metric name, for those columns. */
  readonly name?: string
}

const FIXED: readonly Column[] = [
  { key: 'id', label: 'Run', kind: 'id' },
  { key: 'state', label: 'State', kind: 'state' },
  { key: 'status', label: 'Status', kind: 'status' },
  { key: 'created', label: 'Created', kind: 'created' },
  { key: 'runtime', label: 'Runtime', kind: 'runtime' },
  { key: 'retries', label: 'Retries', kind: 'retries' },
  { key: 'replicate', label: 'Replicate', kind: 'replicate' },
]

/**
 * The table's columns: the fixed ones, then one per value name (the study's
 * params and any name a run has, sorted), then one per metric name seen in
 * the runs' last metrics (sorted).
 */
export function runColumns(rows: readonly RunRow[], paramNames: readonly string[]): Column[] {
  const values = new Set(paramNames)
  const metrics = new Set<string>()
  for (const r of rows) {
    for (const k in r.values) values.add(k)
    for (const k in r.last) metrics.add(k)
  }
  return [
    ...FIXED,
    ...[...values].sort().map((name): Column => ({ key: `v.${name}`, label: name, kind: 'value', name })),
    ...[...metrics].sort().map((name): Column => ({ key: `m.${name}`, label: name, kind: 'metric', name })),
  ]
}

/** The text of one cell. */
export function cellText(row: RunRow, col: Column): string {
  switch (col.kind) {
    case 'id': return `${row.study}:${row.seq}`
    case 'state': return stateName(row.state)
    case 'status': return row.status
    case 'created': return formatTime(row.created)
    case 'runtime': return formatRuntime(row.runtime)
    case 'retries': return String(row.retries)
    case 'replicate': return String(row.replicate)
    case 'value': {
      const v = valueOf(row, col.name ?? '')
      return v === undefined ? '' : formatValue(v)
    }
    case 'metric': {
      const m = metricOf(row, col.name ?? '')
      return m === undefined ? '' : formatMetric(m, 6)
    }
  }
}

function valueOf(row: RunRow, name: string): Value | undefined {
  return Object.hasOwn(row.values, name) ? row.values[name] : undefined
}

function metricOf(row: RunRow, name: string): number | undefined {
  return Object.hasOwn(row.last, name) ? row.last[name] : undefined
}

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

/** What a search and the state filter look at, per row, computed once. */
export interface RowIndex {
  /** The reported state of each row. */
  readonly states: Uint8Array
  /** Lower-cased id, status and `name=value` of each value. */
  readonly text: readonly string[]
}

/** The search and filter index of `rows`. */
export function indexRows(rows: readonly RunRow[]): RowIndex {
  const states = new Uint8Array(rows.length)
  const text = rows.map((r, i) => {
    states[i] = r.state
    let s = `${r.study}:${r.seq}\t${r.status}`
    for (const k in r.values) s += `\t${k}=${formatValue(r.values[k] as Value)}`
    return s.toLowerCase()
  })
  return { states, text }
}

/**
 * The rows of `order` (in that order) whose state is in `states` and whose
 * text contains `search` (case ignored; blank matches all).
 */
export function filterOrder(order: Uint32Array, index: RowIndex, states: number, search: string): Uint32Array {
  const needle = search.trim().toLowerCase()
  const out = new Uint32Array(order.length)
  let n = 0
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number
    if (((index.states[i] as number) & states) === 0) continue
    if (needle !== '' && !(index.text[i] as string).includes(needle)) continue
    out[n++] = i
  }
  return out.subarray(0, n)
}

/** A sort as the URL holds it: `runtime` ascending, `-runtime` descending. */
export interface Sort { readonly key: string; readonly desc: boolean }

export function parseSort(param: string): Sort {
  if (param === '') return { key: 'id', desc: false }
  return param.startsWith('-') ? { key: param.slice(1), desc: true } : { key: param, desc: false }
}

export function formatSort(sort: Sort): string {
  return sort.key === 'id' && !sort.desc ? '' : `${sort.desc ? '-' : ''}${sort.key}`
}

/** The sort after clicking the header of column `key`: ascending first, then flipping. */
export function nextSort(current: Sort, key: string): Sort {
  return current.key === key ? { key, desc: !current.desc } : { key, desc: false }
}

/** The three states a run can be reported in, as the filters name them. */
export const STATE_FILTERS = [
  { name: 'pending', state: RunState.Pending },
  { name: 'success', state: RunState.Success },
  { name: 'failure', state: RunState.Failure },
] as const

/** The state set a `states` query parameter holds: absent is all, `none` is none. */
export function parseStatesParam(param: string): number {
  if (param === '') return RunState.Any
  let states = 0
  for (const part of param.split(',')) states |= STATE_FILTERS.find((f) => f.name === part)?.state ?? 0
  return states
}

export function formatStatesParam(states: number): string {
  if ((states & RunState.Any) === RunState.Any) return ''
  const names = STATE_FILTERS.filter((f) => (states & f.state) !== 0).map((f) => f.name)
  return names.length === 0 ? 'none' : names.join(',')
}

/** No run selected. */
export const NO_SELECTION: ReadonlySet<string> = new Set()

/** A copy of `selected` with `ids` added (`on`) or removed: a new set, so a change is seen. */
export function toggled(selected: ReadonlySet<string>, ids: Iterable<string>, on: boolean): ReadonlySet<string> {
  const next = new Set(selected)
  for (const id of ids) {
    if (on) next.add(id)
    else next.delete(id)
  }
  return next
}
