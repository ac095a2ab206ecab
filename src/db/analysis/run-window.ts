/**
 * The runs table as a query over run rows: sort keys computed once per column,
 * the sort and filter passes over them, and windows of the result. Pure, so the
 * worker (which answers the page's window requests) and tests share it; plain
 * enough for 100,000 rows: a sort compares numbers in typed arrays, a filter
 * tests a bit mask and a lower-cased string per row.
 */
import { brushEmpty, brushMask, parseBrush } from './brush.js'
import type { RunRow } from '../model/run.js'
import { RunState } from '../model/run.js'
import { compareValues, formatValue, valueKey, type Value } from '../model/values.js'

/** What a column of the runs table shows. */
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

/** The value and metric names a runs table has columns for, each sorted. */
export interface ColumnNames {
  readonly values: readonly string[]
  readonly metrics: readonly string[]
}

/** The study's params and every value name a row has; every metric name in the rows' last metrics. */
export function columnNames(rows: readonly RunRow[], paramNames: readonly string[]): ColumnNames {
  const values = new Set(paramNames)
  const metrics = new Set<string>()
  for (const r of rows) {
    for (const k in r.values) values.add(k)
    for (const k in r.last) metrics.add(k)
  }
  return { values: [...values].sort(), metrics: [...metrics].sort() }
}

/** The table's columns: the fixed ones, then one per value name, then one per metric name. */
export function columnsOf(names: ColumnNames): Column[] {
  return [
    ...FIXED,
    ...names.values.map((name): Column => ({ key: `v.${name}`, label: name, kind: 'value', name })),
    ...names.metrics.map((name): Column => ({ key: `m.${name}`, label: name, kind: 'metric', name })),
  ]
}

/** `columnsOf(columnNames(rows, paramNames))`. */
export function runColumns(rows: readonly RunRow[], paramNames: readonly string[]): Column[] {
  return columnsOf(columnNames(rows, paramNames))
}

/** The row's value `name`, if it has one. */
export function valueOf(row: Pick<RunRow, 'values'>, name: string): Value | undefined {
  return Object.hasOwn(row.values, name) ? row.values[name] : undefined
}

/** The row's last value of metric `name`, if it reported one. */
export function metricOf(row: Pick<RunRow, 'last'>, name: string): number | undefined {
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
 * The rows of `order` (in that order) whose state is in `states`, whose text
 * contains `search` (case ignored; blank matches all) and that `keep` keeps
 * (when given).
 */
export function filterOrder(order: Uint32Array, index: RowIndex, states: number, search: string, keep?: (i: number) => boolean): Uint32Array {
  const needle = search.trim().toLowerCase()
  const out = new Uint32Array(order.length)
  let n = 0
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number
    if (((index.states[i] as number) & states) === 0) continue
    if (needle !== '' && !(index.text[i] as string).includes(needle)) continue
    if (keep && !keep(i)) continue
    out[n++] = i
  }
  return out.subarray(0, n)
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

/** Which runs of a study a table shows, and in what order. */
export interface RunQuery {
  /** As `formatSort` writes it: `''` (by run), `-m.loss`, `v.lr`. An unknown column sorts by run. */
  readonly sort: string
  /** Text the row's id, status or `name=value` must contain (case ignored; blank matches all). */
  readonly search: string
  /** The reported states shown (a RunState bit set). */
  readonly states: number
  /** A brush of the analysis tab (`brush=` JSON, see `analysis/brush.ts`): only runs of the trials it keeps; blank keeps all. */
  readonly brush?: string
}

/** A window of a query's result. */
export interface RunWindow {
  /** Rows matching the query. */
  readonly total: number
  /** Rows of the study. */
  readonly all: number
  /** Position of the first row of `rows` in the result. */
  readonly offset: number
  readonly rows: RunRow[]
  /** The columns the table has. */
  readonly columns: ColumnNames
  /** Changes whenever the study's rows change (so a page can tell a stale window). */
  readonly version: number
}

/**
 * The rows of one study with their query answers memoized: the columns, one
 * sort order per column and direction, and the last few filtered orders. Built
 * once per version of the study's rows; every answer after the first for the
 * same sort and filters costs a slice.
 */
export class RowTable {
  /** The rows, by seq. */
  readonly rows: readonly RunRow[]
  /** The version of the rows this table was built from. */
  readonly version: number
  private readonly paramNames: readonly string[]
  private names: ColumnNames | undefined
  private index: RowIndex | undefined
  private readonly keys = new Map<string, Float64Array>()
  private readonly orders = new Map<string, Uint32Array>()
  private readonly filtered = new Map<string, Uint32Array>()

  constructor(rows: readonly RunRow[], paramNames: readonly string[], version: number) {
    this.rows = rows
    this.paramNames = paramNames
    this.version = version
  }

  /** The value and metric names of the table's columns. */
  columns(): ColumnNames {
    this.names ??= columnNames(this.rows, this.paramNames)
    return this.names
  }

  /** Indices into `rows` of the query's result, in order. */
  result(query: RunQuery): Uint32Array {
    const key = `${query.sort}\n${query.states}\n${query.search.trim().toLowerCase()}\n${query.brush ?? ''}`
    const hit = this.filtered.get(key)
    if (hit) {
      // Most recently used last.
      this.filtered.delete(key)
      this.filtered.set(key, hit)
      return hit
    }
    const order = this.order(parseSort(query.sort))
    const brush = parseBrush(query.brush ?? '')
    const mask = brushEmpty(brush) ? undefined : brushMask(brush, this.rows)
    const all = (query.states & RunState.Any) === RunState.Any && query.search.trim() === '' && !mask
    const out = all ? order : filterOrder(order, this.rowIndex(), query.states, query.search, mask && ((i) => mask[i] === 1))
    this.filtered.set(key, out)
    if (this.filtered.size > 8) this.filtered.delete(this.filtered.keys().next().value as string)
    return out
  }

  /** `count` rows of the query's result from position `offset`. */
  window(query: RunQuery, offset: number, count: number): RunWindow {
    const result = this.result(query)
    const from = Math.max(0, Math.min(Math.floor(offset), result.length))
    const to = Math.max(from, Math.min(result.length, from + Math.max(0, Math.floor(count))))
    const rows: RunRow[] = []
    for (let k = from; k < to; k++) rows.push(this.rows[result[k] as number] as RunRow)
    return { total: result.length, all: this.rows.length, offset: from, rows, columns: this.columns(), version: this.version }
  }

  /** Position of run `seq` in the query's result, or -1. */
  position(query: RunQuery, seq: number): number {
    const i = this.indexOfSeq(seq)
    return i < 0 ? -1 : this.result(query).indexOf(i)
  }

  /** The index in `rows` of run `seq` (binary search: rows are by seq), or -1. */
  indexOfSeq(seq: number): number {
    let lo = 0
    let hi = this.rows.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const s = (this.rows[mid] as RunRow).seq
      if (s === seq) return mid
      if (s < seq) lo = mid + 1
      else hi = mid - 1
    }
    return -1
  }

  private order(sort: Sort): Uint32Array {
    const col = columnsOf(this.columns()).find((c) => c.key === sort.key) ?? (FIXED[0] as Column)
    const key = `${col.key}\n${sort.desc}`
    let order = this.orders.get(key)
    if (!order) {
      let keys = this.keys.get(col.key)
      if (!keys) { keys = sortKeys(this.rows, col); this.keys.set(col.key, keys) }
      order = sortOrder(keys, sort.desc)
      this.orders.set(key, order)
    }
    return order
  }

  private rowIndex(): RowIndex {
    this.index ??= indexRows(this.rows)
    return this.index
  }
}
