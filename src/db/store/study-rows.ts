/**
 * One study's run rows as the row cache holds them: by id and by seq in their
 * stored state, the pending ones tracked so that their reported state (failure
 * once their keepalive ages) is applied when read, and the query table of the
 * rows built once per version. Kept current by the cache (row-cache.ts), which
 * puts every row written.
 */
import type { RunRow } from '../model/run.js'
import { STALE_AFTER_MS } from '../model/database.js'
import { RunState } from '../model/run.js'
import { RowTable } from '../analysis/run-window.js'
import type { HistoryPlaces } from './history-places.js'

/** A study's rows by seq, each with where its history is in the study's summary (see `StudyRows.placed`). */
export interface PlacedRows {
  /** The rows in their stored state, by seq. */
  readonly rows: readonly RunRow[]
  /** Row `i`'s history segment number, or -1 when its history must be read from its record. */
  readonly segment: Int32Array
  /** Row `i`'s position in that segment. */
  readonly position: Uint32Array
  /** How many rows have no place. */
  readonly unplaced: number
}

/** One study's rows as cached. */
export class StudyRows {
  /**
   * Rows in their stored state, by id; undefined until a row is put after a
   * load in seq order (a study read whole is only read, often: no need to
   * index 100,000 ids for that).
   */
  private ids: Map<string, RunRow> | undefined = new Map()
  /** The same rows by seq; undefined when it must be rebuilt (then `ids` is defined). */
  private sorted: RunRow[] | undefined = []
  /** Pending rows by id (they turn to failure as their keepalive ages). */
  private readonly pending = new Map<string, RunRow>()
  /** Bumped on every change. */
  version = 0
  private reported: { key: string; rows: RunRow[] } | undefined
  private table: { key: string; table: RowTable } | undefined

  /** Puts every row of a study not holding any yet, in their stored state. */
  load(rows: readonly RunRow[]): void {
    let ordered = this.byId().size === 0
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as RunRow
      if (row.state === RunState.Pending) this.pending.set(row.id, row)
      if (i > 0 && (rows[i - 1] as RunRow).seq >= row.seq) ordered = false
    }
    if (ordered) {
      this.sorted = rows.slice()
      this.ids = undefined
    } else {
      const ids = this.byId()
      for (const row of rows) ids.set(row.id, row)
      this.sorted = undefined
    }
    this.version++
  }

  /** The rows by id, indexed on first need. */
  private byId(): Map<string, RunRow> {
    this.ids ??= new Map((this.sorted as RunRow[]).map((r) => [r.id, r]))
    return this.ids
  }

  /** Puts a row in its stored state, new or replacing the row of its id (keeping the seq order when it can, else rebuilding it on demand). */
  put(row: RunRow): void {
    this.sinceCompaction++
    const ids = this.byId()
    const old = ids.get(row.id)
    ids.set(row.id, row)
    if (row.state === RunState.Pending) this.pending.set(row.id, row)
    else this.pending.delete(row.id)
    this.places?.forget(row.seq)
    this.version++
    const sorted = this.sorted
    if (sorted === undefined) return
    if (old === undefined) {
      const lastRow = sorted[sorted.length - 1]
      if (lastRow === undefined || lastRow.seq < row.seq) sorted.push(row)
      else this.sorted = undefined
    } else if (old.seq === row.seq) {
      const i = bySeq(sorted, row.seq)
      if (i >= 0 && sorted[i] === old) sorted[i] = row
      else this.sorted = undefined
    } else {
      this.sorted = undefined
    }
  }

  /**
   * Where the histories of the rows loaded from the study's summary sit in
   * it (undefined when the rows were not read from one); a row put since has
   * no place.
   */
  places: HistoryPlaces | undefined

  /**
   * The rows by seq in their stored state, each with its history's place in
   * the summary, as they are now (later puts do not change what is returned);
   * undefined when the rows were not read from a summary.
   */
  placed(): PlacedRows | undefined {
    const places = this.places
    if (!places) return undefined
    const rows = this.bySeq().slice()
    const segment = new Int32Array(rows.length)
    const position = new Uint32Array(rows.length)
    let unplaced = 0
    rows.forEach((row, i) => {
      const n = places.segmentOf(row.seq)
      segment[i] = n
      if (n < 0) unplaced++
      else position[i] = places.positionOf(row.seq)
    })
    return { rows, segment, position, unplaced }
  }

  /** Rows put since the study's summary was read or last compacted (see row-cache.ts). */
  sinceCompaction = 0
  /** When this cache last compacted the study's summary (performance.now()). */
  compactedAt = -Infinity

  /** The rows by seq in their stored state (shared: callers must not change them). */
  bySeq(): RunRow[] {
    this.sorted ??= [...this.byId().values()].sort((a, b) => a.seq - b.seq)
    return this.sorted
  }

  /** The rows by seq in their reported state at `now` (shared: callers must not change them). */
  rows(now: number): RunRow[] {
    const stale: string[] = []
    for (const [id, row] of this.pending) {
      if (now - row.updated.getTime() > STALE_AFTER_MS) stale.push(id)
    }
    // Once stale, a pending row stays stale until it is written (which bumps the version).
    const key = `${this.version}/${stale.length}`
    if (this.reported?.key === key) return this.reported.rows
    const sorted = this.bySeq()
    let rows = sorted
    if (stale.length) {
      const ids = new Set(stale)
      rows = sorted.map((r) => (ids.has(r.id) ? { ...r, state: RunState.Failure } : r))
    }
    this.reported = { key, rows }
    return rows
  }

  /** The query table of the rows at `now`, built once per version. */
  tableAt(now: number, paramNames: readonly string[]): RowTable {
    const rows = this.rows(now)
    const key = `${this.reported?.key ?? ''}/${paramNames.join('\n')}`
    if (this.table?.key !== key) this.table = { key, table: new RowTable(rows, paramNames, this.version) }
    return this.table.table
  }
}

/** The index of run `seq` in `rows` (by seq; binary search), or -1. */
function bySeq(rows: readonly RunRow[], seq: number): number {
  let lo = 0
  let hi = rows.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const s = (rows[mid] as RunRow).seq
    if (s === seq) return mid
    if (s < seq) lo = mid + 1
    else hi = mid - 1
  }
  return -1
}

/** What a request sees of a study's cached rows. */
export type StudyRowsView = Pick<StudyRows, 'rows' | 'tableAt' | 'version' | 'placed'>
