/**
 * The runs table as a query over run rows: what a query asks (sort, search,
 * states, brush), a window of its result, and RowTable, which answers them
 * over one study's rows with sort keys, orders and filtered orders memoized.
 * Pure, so the worker (which answers the page's window requests) and tests
 * share it; plain enough for 100,000 rows: a sort compares numbers in typed
 * arrays, a filter tests a bit mask and a lower-cased string per row.
 */
import { brushEmpty, brushMask, parseBrush } from './brush.js'
import type { RunRow } from '../model/run.js'
import { columnNames, columnsOf, FIXED_COLUMNS, type Column, type ColumnNames } from './run-columns.js'
import { ALL_STATES, filterOrder, indexRows, searchTest, type RowIndex, type RowNotes } from './run-filter.js'
import { parseSort, sortKeys, sortOrder, type Sort } from './run-sort.js'

/** Which runs of a study a table shows, and in what order. */
export interface RunQuery {
  /** As `formatSort` writes it: `''` (by run), `-m.loss`, `v.lr`. An unknown column sorts by run. */
  readonly sort: string
  /**
   * A filter (filter-lang.ts): conditions such as `metrics.acc > 0.98 and
   * params.optimizer = 'adam'`, or text the row's id, status or `name=value`
   * must contain (case ignored; blank matches all).
   */
  readonly search: string
  /** The states shown: a RunState bit set, with `PRUNED` for pruned runs (run-filter.ts). */
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
    const all = (query.states & ALL_STATES) === ALL_STATES && query.search.trim() === '' && !mask
    const test = all ? undefined : searchTest(query.search, this.rows, this.columns(), this.rowIndex(), this.notesAt())
    const keep = mask && test ? (i: number) => mask[i] === 1 && test(i) : mask ? (i: number) => mask[i] === 1 : test
    const out = all ? order : filterOrder(order, this.rowIndex(), query.states, '', keep)
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
    for (let k = from; k < to; k++) rows.push(this.withNotes(result[k] as number))
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
    const col = columnsOf(this.columns()).find((c) => c.key === sort.key) ?? (FIXED_COLUMNS[0] as Column)
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

  /**
   * Gives the table the note and tags of its annotated runs (by id): a filter
   * reads them, and windows carry them. Taken once per table (a version of
   * the rows: an edit of a note or tags writes the run, which makes a new one).
   */
  annotate(notes: ReadonlyMap<string, RowNotes>): void {
    if (this.notes) return
    this.notes = notes
  }

  /** Whether `annotate` was called. */
  get annotated(): boolean {
    return this.notes !== undefined
  }

  private notes: ReadonlyMap<string, RowNotes> | undefined
  private bySeq: ReadonlyMap<number, RowNotes> | undefined

  /** The note and tags of the annotated runs (as `annotate` gave them), by seq: what a trial filter reads of its runs. */
  notesBySeq(): ReadonlyMap<number, RowNotes> {
    if (this.bySeq) return this.bySeq
    const out = new Map<number, RowNotes>()
    if (this.notes?.size) {
      for (const row of this.rows) {
        const n = this.notes.get(row.id)
        if (n) out.set(row.seq, n)
      }
    }
    if (this.notes) this.bySeq = out
    return out
  }

  private notesAt(): ((i: number) => RowNotes | undefined) | undefined {
    const notes = this.notes
    if (!notes || notes.size === 0) return undefined
    return (i) => notes.get((this.rows[i] as RunRow).id)
  }

  private withNotes(i: number): RunRow {
    const row = this.rows[i] as RunRow
    const n = this.notes?.get(row.id)
    return n ? { ...row, ...(n.note ? { note: n.note } : {}), ...(n.tags?.length ? { tags: n.tags } : {}) } : row
  }

  private rowIndex(): RowIndex {
    this.index ??= indexRows(this.rows)
    return this.index
  }
}
