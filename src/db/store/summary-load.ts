/**
 * Reading a study's summary (summary.ts says what it holds and who keeps
 * it): its rows decoded, each run at its latest rev, and, when asked for,
 * every run's whole history, decoded run by run when first read.
 */
import type { Metrics, RunRow } from '../model/run.js'
import type { DexieConnection } from './connection.js'
import { historyReader } from './history-columns.js'
import { HistoryPlaces } from './history-places.js'
import { decodeRows } from './row-columns.js'
import type { HistorySegmentRecord, RunRecord, SegmentRecord, SummaryHeadRecord } from './schema.js'
import { all, historiesOf, maxSeq, SeqSet, since } from './summary.js'
import { ValueSetPool } from './value-columns.js'

/**
 * The study's runs from its summary: the records of those written since its
 * head, and the rows of the others, each at its latest rev in the segments.
 */
export interface LoadedSummary {
  readonly head: SummaryHeadRecord
  /** Rows of the runs not in `delta`, in no particular order. */
  readonly rows: RunRow[]
  /** When asked for: row `i`'s whole history, decoded afresh on each call. */
  readonly histories: ((i: number) => Metrics[]) | undefined
  /** Records of the study's runs written after `head.rev`, with their histories when asked for. */
  readonly delta: RunRecord[]
  readonly deltaHistories: Metrics[][] | undefined
  /** Where each of `rows` has its history in the history segments (the runs in `delta` have none). */
  readonly places: HistoryPlaces
}

/**
 * The study's runs from its summary, in one read transaction, or undefined
 * when it has none (or it is damaged). With `histories`, every run's whole
 * metric history too.
 */
export async function loadSummary(conn: DexieConnection, study: string, histories: boolean): Promise<LoadedSummary | undefined> {
  const d = conn.dexie
  const localId = await conn.id()
  const tables = histories ? [d.summaryHeads, d.segments, d.historySegments, d.runs, d.metricChunks] : [d.summaryHeads, d.segments, d.runs]
  // The rows are decoded while the histories (the bulk of the bytes) are still being read.
  const pool = new ValueSetPool()
  const loaded = await conn.guard(() => d.transaction('r', tables, async () => {
    const head = await d.summaryHeads.get(study)
    if (!head) return undefined
    const segsRead = d.segments.where('[study+n]').between(...all(study)).toArray()
    const histRead = histories ? d.historySegments.where('[study+n]').between(...all(study)).toArray() : undefined
    // Awaited below; a failure before then aborts the transaction, which rejects them too.
    void segsRead.catch(() => undefined)
    void histRead?.catch(() => undefined)
    const delta = await since(conn, study, head.rev).toArray()
    const deltaHistories = histories ? await historiesOf(conn, delta) : undefined
    const segs = await segsRead
    // A run is in the segment written last that holds it (later segments hold later revs), unless written since.
    const limit = maxSeq(segs, delta)
    const seen = new SeqSet(limit)
    for (const rec of delta) seen.add(rec.seq)
    const parts: { rows: RunRow[]; at: number[] }[] = []
    const places = new HistoryPlaces(limit)
    for (let k = segs.length - 1; k >= 0; k--) {
      const seg = segs[k] as SegmentRecord
      const part = decodeRows(seg.rows, study, localId, (seq) => seen.add(seq), pool)
      part.rows.forEach((row, j) => places.set(row.seq, seg.n, part.at[j] as number))
      parts.push(part)
    }
    // In segment order (for a study written in seq order, seq order).
    parts.reverse()
    const hist = await histRead
    return { head, segs, hist, parts, delta, deltaHistories, places }
  }))
  if (!loaded) return undefined
  const { head, segs, hist, parts, delta, deltaHistories, places } = loaded
  if (hist && (hist.length !== segs.length || hist.some((h, k) => h.n !== segs[k]?.n))) return undefined
  const rows = parts.flatMap((p) => p.rows)
  const withHistories = hist && parts.map((p, k) => ({ ...p, history: historyReader((hist[k] as HistorySegmentRecord).histories) }))
  return { head, rows, histories: withHistories && historiesByRow(withHistories), delta, deltaHistories, places }
}

/** Row `i`'s history (rows numbered across `parts`, in order), without a closure per row. */
function historiesByRow(parts: readonly { rows: readonly RunRow[]; at: readonly number[]; history: (i: number) => Metrics[] }[]): (i: number) => Metrics[] {
  const n = parts.reduce((sum, p) => sum + p.rows.length, 0)
  const part = new Uint32Array(n)
  const at = new Uint32Array(n)
  let i = 0
  parts.forEach((p, k) => {
    for (const a of p.at) { part[i] = k; at[i++] = a }
  })
  return (row) => (parts[part[row] as number] as (typeof parts)[number]).history(at[row] as number)
}
