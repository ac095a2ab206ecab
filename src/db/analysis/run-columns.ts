/**
 * The runs table's columns: the fixed ones (run, state, status, …), then one
 * per value name and one per metric name the rows have, and reading a row's
 * value or last metric for one.
 */
import { isMetricName, type RunRow } from '../model/run.js'
import type { Value } from '../model/values.js'

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

/** The columns every runs table has, in order; the first (the run) is the default sort. */
export const FIXED_COLUMNS: readonly Column[] = [
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

/** The study's params and every value name a row has; every metric name in the rows' last metrics (a step is no metric). */
export function columnNames(rows: readonly RunRow[], paramNames: readonly string[]): ColumnNames {
  const values = new Set(paramNames)
  const metrics = new Set<string>()
  for (const r of rows) {
    for (const k in r.values) values.add(k)
    for (const k in r.last) if (isMetricName(k)) metrics.add(k)
  }
  return { values: [...values].sort(), metrics: [...metrics].sort() }
}

/** The table's columns: the fixed ones, then one per value name, then one per metric name. */
export function columnsOf(names: ColumnNames): Column[] {
  return [
    ...FIXED_COLUMNS,
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
