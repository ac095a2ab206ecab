/**
 * Runs' metric histories in columns: the form a study's summary segments keep
 * them in beside the runs' rows (summary.ts), so that listing every run of a
 * study with its history (what `Trials` asks) reads a few buffers instead of
 * every run record and its sealed chunks. Exact: every entry comes back with
 * its keys in order and its values as stored (NaN, ±Infinity and -0 included). Pure.
 */
import type { Metrics } from '../model/run.js'
import { decodeMetrics, encodeMetrics, type MetricsColumn } from './row-columns.js'

/** Some runs' histories (in the order of their segment's rows): each one's length, then every entry. */
export interface HistoryColumns {
  readonly counts: Uint32Array
  readonly entries: MetricsColumn
}

/** The histories in columns. */
export function encodeHistories(histories: readonly (readonly Metrics[])[]): HistoryColumns {
  const counts = Uint32Array.from(histories, (h) => h.length)
  return { counts, entries: encodeMetrics(histories.flat()) }
}

/** Every history, in order. */
export function decodeHistories(cols: HistoryColumns): Metrics[][] {
  const read = historyReader(cols)
  return Array.from(cols.counts, (_, i) => read(i))
}

/** A function that decodes the history of run `i` of the columns (each call afresh). */
export function historyReader(cols: HistoryColumns): (i: number) => Metrics[] {
  const n = cols.counts.length
  const firstEntry = new Float64Array(n + 1)
  for (let i = 0; i < n; i++) firstEntry[i + 1] = (firstEntry[i] as number) + (cols.counts[i] as number)
  const { shape, shapes } = cols.entries
  // Where each run's values start: a multiple of the width for one shape, else summed entry by entry.
  let firstValue: Float64Array | undefined
  if (typeof shape !== 'number') {
    firstValue = new Float64Array(n + 1)
    let e = 0
    let v = 0
    for (let i = 0; i < n; i++) {
      for (const end = firstEntry[i + 1] as number; e < end; e++) v += (shapes[shape[e] as number] as string[]).length
      firstValue[i + 1] = v
    }
  }
  const width = typeof shape === 'number' ? (shapes[shape] as string[]).length : 0
  return (i) => {
    const out: Metrics[] = []
    const from = firstEntry[i] as number
    decodeMetrics(cols.entries, from, cols.counts[i] as number, firstValue ? (firstValue[i] as number) : from * width, out)
    return out
  }
}
