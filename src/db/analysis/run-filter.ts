/**
 * Filtering the runs table: a per-row index of what the state filter and the
 * search look at, built once, the search as a filter of the language of
 * filter-lang.ts (`metrics.acc > 0.98 and params.optimizer = 'adam'`, or free
 * text), and the pass that keeps the rows of an order that match.
 */
import { PRUNED_STATUS, RunState, type RunRow } from '../model/run.js'
import { formatValue, type Value } from '../model/values.js'
import { compileFilter, type FilterNames, type FilterRow } from './filter-eval.js'
import { parseFilter } from './filter-lang.js'

/**
 * The state filter's bit for a pruned run (a failure whose status is
 * `pruned`, Optuna's PRUNED), beside `RunState`'s three: in a filter,
 * `RunState.Failure` then means failed and not pruned.
 */
export const PRUNED = 8

/** Every state the runs table's filter can show: pending, success, failure and pruned. */
export const ALL_STATES = RunState.Any | PRUNED

/** A row's bit in the state filter: its reported state, or `PRUNED` for a pruned failure. */
export function filterState(row: Pick<RunRow, 'state' | 'status'>): number {
  return row.state === RunState.Failure && row.status === PRUNED_STATUS ? PRUNED : row.state
}

/** What a search and the state filter look at, per row, computed once. */
export interface RowIndex {
  /** The filter state of each row (`filterState`). */
  readonly states: Uint8Array
  /** Lower-cased id, status and `name=value` of each value. */
  readonly text: readonly string[]
}

/** The search and filter index of `rows`. */
export function indexRows(rows: readonly RunRow[]): RowIndex {
  const states = new Uint8Array(rows.length)
  const text = rows.map((r, i) => {
    states[i] = filterState(r)
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

/**
 * The test of row `i` a search makes, or undefined for a blank one: the
 * search read as a filter (free text is found in a row's search text), its
 * names resolved against `names`. Throws `invalid` (field `filter`) for a bad query.
 */
export function searchTest(search: string, rows: readonly FilterRow[], names: FilterNames, index: RowIndex, notes?: (i: number) => RowNotes | undefined): ((i: number) => boolean) | undefined {
  const node = parseFilter(search)
  if (node === undefined) return undefined
  const test = compileFilter(node, names)
  if (!notes) return (i) => test(rows[i] as FilterRow, index.text[i] as string)
  return (i) => {
    const n = notes(i)
    if (!n) return test(rows[i] as FilterRow, index.text[i] as string)
    // A run's tags and note are found by free text too.
    const text = `${index.text[i] as string}\t${(n.tags ?? []).join('\t')}\t${n.note ?? ''}`.toLowerCase()
    return test({ ...(rows[i] as FilterRow), ...n }, text)
  }
}

/** A run's note and tags, as a filter reads them. */
export interface RowNotes { readonly note?: string; readonly tags?: readonly string[] }
