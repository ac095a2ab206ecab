/**
 * The runs table as the page shows it: cell texts, the URL forms of sort and
 * state filters, and the selection. The sort, search and filter passes live in
 * src/db/analysis/ (run-sort.ts, run-filter.ts, run-window.ts) and run in the
 * worker, which answers windows of rows.
 */
import { ALL_STATES, PRUNED } from '../../db/analysis/run-filter.js'
import { displayState, RunState } from '../../db/model/run.js'
import { formatValueShort } from '../../db/model/display.js'
import { metricOf, valueOf, type Column } from '../../db/analysis/run-columns.js'
import type { Sort } from '../../db/analysis/run-sort.js'
import { formatValue } from '../../db/model/values.js'
import { formatTime } from '../format.js'
import { formatMetric, formatRuntime } from './cells.js'
import type { RunRow } from './types.js'

export { columnsOf, runColumns, type Column, type ColumnKind } from '../../db/analysis/run-columns.js'
export { filterOrder, indexRows, type RowIndex } from '../../db/analysis/run-filter.js'
export { formatSort, parseSort, sortKeys, sortOrder, type Sort } from '../../db/analysis/run-sort.js'

/** The text of one cell (floats to a few significant digits; `cellFull` has the exact text). */
export function cellText(row: RunRow, col: Column): string {
  switch (col.kind) {
    case 'id': return `${row.study}:${row.seq}`
    case 'state': return displayState(row)
    case 'status': return row.status
    case 'created': return formatTime(row.created)
    case 'runtime': return formatRuntime(row.runtime)
    case 'retries': return String(row.retries)
    case 'replicate': return String(row.replicate)
    case 'value': {
      const v = valueOf(row, col.name ?? '')
      return v === undefined ? '' : formatValueShort(v)
    }
    case 'metric': {
      const m = metricOf(row, col.name ?? '')
      return m === undefined ? '' : formatMetric(m, 6)
    }
  }
}

/** The exact text of a cell whose shown text is shortened (a float value or metric), for its tooltip; else undefined. */
export function cellFull(row: RunRow, col: Column): string | undefined {
  if (col.kind === 'value') {
    const v = valueOf(row, col.name ?? '')
    return v !== undefined && v.kind !== 'string' ? formatValue(v) : undefined
  }
  if (col.kind === 'metric') {
    const m = metricOf(row, col.name ?? '')
    return m === undefined ? undefined : String(m)
  }
  return undefined
}

/** The sort after clicking the header of column `key`: ascending first, then flipping. */
export function nextSort(current: Sort, key: string): Sort {
  return current.key === key ? { key, desc: !current.desc } : { key, desc: false }
}

/** The states a run can be shown in, as the filters name them: Diviner's three, and pruned (a failure stopped on purpose). */
export const STATE_FILTERS = [
  { name: 'pending', state: RunState.Pending },
  { name: 'success', state: RunState.Success },
  { name: 'failure', state: RunState.Failure },
  { name: 'pruned', state: PRUNED },
] as const

/**
 * The state set a `states` query parameter holds: absent is all, `none` is
 * none. Unless pruned runs are filtered `apart` (a study from Optuna), they
 * go with the failures.
 */
export function parseStatesParam(param: string, apart = true): number {
  if (param === '') return ALL_STATES
  let states = 0
  for (const part of param.split(',')) states |= STATE_FILTERS.find((f) => f.name === part)?.state ?? 0
  return apart ? states : withFailures(states)
}

/** `states` with pruned runs shown exactly when failures are. */
function withFailures(states: number): number {
  return (states & RunState.Failure) !== 0 ? states | PRUNED : states & ~PRUNED
}

/**
 * The `states` query parameter of a state set: '' for all, `none`, or the
 * names (`success,pruned`); unless pruned runs are filtered `apart`, they go
 * with the failures and are not named.
 */
export function formatStatesParam(states: number, apart = true): string {
  if (!apart) states = withFailures(states)
  if ((states & ALL_STATES) === ALL_STATES) return ''
  const names = STATE_FILTERS.filter((f) => (states & f.state) !== 0 && (apart || f.state !== PRUNED)).map((f) => f.name)
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
