/**
 * The runs table as the page shows it: cell texts, the URL forms of sort and
 * state filters, and the selection. The sort, search and filter passes live in
 * src/db/analysis/ (run-sort.ts, run-filter.ts, run-window.ts) and run in the
 * worker, which answers windows of rows.
 */
import { RunState, stateName } from '../../db/model/run.js'
import { metricOf, valueOf, type Column } from '../../db/analysis/run-columns.js'
import type { Sort } from '../../db/analysis/run-sort.js'
import { formatValue } from '../../db/model/values.js'
import { formatTime } from '../format.js'
import { formatMetric, formatRuntime } from './cells.js'
import type { RunRow } from './types.js'

export { columnsOf, runColumns, type Column, type ColumnKind } from '../../db/analysis/run-columns.js'
export { filterOrder, indexRows, type RowIndex } from '../../db/analysis/run-filter.js'
export { formatSort, parseSort, sortKeys, sortOrder, type Sort } from '../../db/analysis/run-sort.js'

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
