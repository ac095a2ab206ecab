/**
 * Compacting a study's summary (summary.ts): taking the runs written since its
 * head into it, as one segment more, or by rewriting every segment once
 * superseded rows pile up.
 */
import { Dexie } from 'dexie'
import type { Metrics } from '../model/run.js'
import type { DexieConnection } from './connection.js'
import type { RunRow } from '../model/run.js'
import { historyReader } from './history-columns.js'
import { decodeRows, rowRev } from './row-columns.js'
import type { RunRecord, SummaryHeadRecord } from './schema.js'
import { all, historiesOf, maxSeq, putSegments, revAndEpoch, SEGMENT_RUNS, segmentsOf, SeqSet, since } from './summary.js'

/** Superseded rows a study's segments may hold beyond as many as its runs before they are rewritten. */
const REWRITE_SLACK = 5000
/** Segments a study may have before they are rewritten into fewer, when they hold a quarter of what they could or less. */
const MANY_SEGMENTS = 16

/**
 * Takes the runs of `study` written since its head into its summary: as one
 * segment more, or, when superseded rows outnumber the study's runs, by
 * rewriting every segment (when they hold more than twice as many rows as
 * the study has runs, plus `slack`, or when many segments hold few runs each). Nothing is done when fewer than
 * `minDelta` runs were written since. Reads in one transaction and writes in
 * another that holds no run records (readers and writers of runs go on
 * meanwhile), and only if the head is still the one read (else another
 * connection did it, or a rollback dropped it). Resolves to false when the
 * study has no summary (`buildSummary` makes one).
 */
export async function compactSummary(conn: DexieConnection, study: string, minDelta = 1, slack = REWRITE_SLACK): Promise<boolean> {
  const d = conn.dexie
  const localId = await conn.id()
  const read = await conn.guard(() => d.transaction('r', [d.summaryHeads, d.segments, d.historySegments, d.runs, d.metricChunks, d.meta], async () => {
    const head = await d.summaryHeads.get(study)
    if (!head) return undefined
    const { rev } = await revAndEpoch(conn)
    const count = await since(conn, study, head.rev).count()
    const runs = await d.runs.where('[study+seq]').between(...all(study)).count()
    const segments = await d.segments.where('[study+n]').between(...all(study)).count()
    // Rewritten when superseded rows pile up, or when many small segments (an import's batches) hold the runs.
    const rewrite = head.rows + count > 2 * runs + slack || (segments > MANY_SEGMENTS && runs < (segments * SEGMENT_RUNS) / 4)
    if (count < minDelta && !rewrite) return { head, rev, delta: [] as RunRecord[] }
    const delta = await since(conn, study, head.rev).toArray()
    const deltaHist = await historiesOf(conn, delta)
    if (!rewrite) return { head, rev, delta, deltaHist }
    const segs = await d.segments.where('[study+n]').between(...all(study)).toArray()
    const hist = await d.historySegments.where('[study+n]').between(...all(study)).toArray()
    return { head, rev, delta, deltaHist, segs, hist }
  }))
  if (!read) return false
  if (!read.deltaHist) return true
  const { head, rev, delta, deltaHist } = read
  let next: SummaryHeadRecord
  let made: ReturnType<typeof segmentsOf>
  if (read.segs && read.hist) {
    // Rewrite: every run once, at its latest rev (from the segment written last that holds it, unless written since).
    const list = delta.map((rec, i) => ({ rec, history: deltaHist[i] as Metrics[] }))
    const seen = new SeqSet(maxSeq(read.segs, delta))
    for (const rec of delta) seen.add(rec.seq)
    for (let k = read.segs.length - 1; k >= 0; k--) {
      const seg = read.segs[k] as (typeof read.segs)[number]
      const h = read.hist[k]
      if (h?.n !== seg.n) throw new Error(`summary of ${study}: segment ${seg.n} has no history segment`)
      const history = historyReader(h.histories)
      const decoded = decodeRows(seg.rows, study, localId, (seq) => seen.add(seq))
      decoded.rows.forEach((row, j) => {
        const i = decoded.at[j] as number
        const hist = history(i)
        list.push({ rec: recordOf(row, rowRev(seg.rows, i), hist, localId), history: hist })
      })
    }
    list.sort((a, b) => a.rec.seq - b.rec.seq)
    made = segmentsOf(study, head.next, list.map((x) => x.rec), list.map((x) => x.history))
    next = { study, rev, next: head.next + made.rows.length, rows: list.length }
  } else {
    made = segmentsOf(study, head.next, delta, deltaHist)
    next = { study, rev, next: head.next + made.rows.length, rows: head.rows + delta.length }
  }
  const rewrite = read.segs !== undefined
  await conn.guard(() => d.transaction('rw', [d.summaryHeads, d.segments, d.historySegments], async () => {
    const now = await d.summaryHeads.get(study)
    if (now?.rev !== head.rev || now.next !== head.next || now.rows !== head.rows) return
    if (rewrite) {
      await d.segments.where('[study+n]').between([study, Dexie.minKey], [study, head.next], true, false).delete()
      await d.historySegments.where('[study+n]').between([study, Dexie.minKey], [study, head.next], true, false).delete()
    }
    await putSegments(conn, next, made)
  }))
  return true
}

/** A record with the fields a segment keeps, from a decoded row and its history (for rewriting segments). */
function recordOf(row: RunRow, rev: number, history: Metrics[], localId: string): RunRecord {
  return {
    id: row.id, study: row.study, seq: row.seq, origin: row.origin ?? { db: localId, seq: row.seq }, values: row.values,
    replicate: row.replicate, state: row.state, status: row.status, config: row.config,
    created: row.created.getTime(), updated: row.updated.getTime(), runtime: row.runtime, retries: row.retries,
    mCount: row.metricCount, mSealed: 0, mTail: history, lCount: row.logCount, lSealed: 0, lTail: [], touched: 0, rev,
  }
}
