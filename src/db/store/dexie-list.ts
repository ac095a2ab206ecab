/**
 * Listing a study's runs with their whole histories (`listRuns`, what
 * `Trials` reads) on Dexie: when the connection's row cache holds the
 * study's rows (a table or a leaderboard read them), those rows, and each
 * run's history from the summary's history segments where the cache knows
 * its place (else from its record); else from the study's summary (summary.ts:
 * rows and histories in columns, histories decoded run by run when first
 * read, and the records of runs written since), or, for a study without
 * one, from every run record and its sealed history, after which the
 * summary they make is stored in the background.
 */
import { RunState, type Metrics, type Run } from '../model/run.js'
import type { DexieConnection } from './connection.js'
import { recordRun, reportedState, rowRuns } from './dexie-views.js'
import { historyReader } from './history-columns.js'
import type { RowCache } from './row-cache.js'
import type { RunRecord } from './schema.js'
import { buildSummary, historiesOf } from './summary.js'
import { loadSummary, type LoadedSummary } from './summary-load.js'
import type { SummaryUpkeep } from './summary-upkeep.js'

/** Runs whose histories a listing reads from their records at most, beyond a tenth of the study, before it reads the summary whole instead. */
const UNPLACED_READS = 2000

/** The study's runs whose reported state is in `states` and updated at or after `since`, by seq (the study exists). */
export async function listStudyRuns(conn: DexieConnection, upkeep: SummaryUpkeep, cache: RowCache, study: string, states: RunState, since?: Date): Promise<Run[]> {
  const from = since?.getTime() ?? -Infinity
  const now = conn.clock()
  const localId = await conn.id()
  const keep = (state: RunState, updated: number) => updated >= from && (reportedState({ state, updated }, now) & states) !== 0
  const cached = await fromRowCache(conn, cache, study, keep, now)
  if (cached) return cached
  const summary = await loadSummary(conn, study, true)
  if (summary) return summaryRuns(summary, keep, now, localId)
  const out: Run[] = []
  const store = await buildSummary(conn, study, (recs, histories) => {
    recs.forEach((rec, i) => { if (keep(rec.state, rec.updated)) out.push(recordRun(rec, localId, histories[i] as Metrics[], now)) })
  })
  void upkeep.store(study, store)
  return out
}

/** The runs `keep` keeps of a summary read with its histories, by seq. */
function summaryRuns(summary: LoadedSummary, keep: (state: RunState, updated: number) => boolean, now: number, localId: string): Run[] {
  const out: Run[] = []
  const rowRun = rowRuns(summary.histories as (i: number) => Metrics[], now)
  summary.rows.forEach((row, i) => {
    if (keep(row.state, row.updated.getTime())) out.push(rowRun(row, i))
  })
  summary.delta.forEach((rec, i) => {
    if (keep(rec.state, rec.updated)) out.push(recordRun(rec, localId, summary.deltaHistories?.[i] ?? rec.mTail, now))
  })
  return out.sort((a, b) => a.seq - b.seq)
}

/**
 * The listing from the row cache's rows, when it holds the study's, and the
 * history segments holding their histories, read in one transaction that
 * checks that nothing was written since the rows were current; undefined
 * when the cache does not hold them or that cannot be done exactly (a write
 * came between, the rows were not read from a summary, a segment was
 * rewritten since, or too many runs were written since to read one by one).
 */
async function fromRowCache(conn: DexieConnection, cache: RowCache, study: string, keep: (state: RunState, updated: number) => boolean, now: number): Promise<Run[] | undefined> {
  const d = conn.dexie
  const placed = await cache.ifCached(study, (s, at) => ({ at, placed: s?.placed() }))
  const p = placed.placed
  if (!p || p.unplaced > UNPLACED_READS + p.rows.length / 10) return undefined
  const kept: number[] = []
  const segments = new Set<number>()
  const unplaced: number[] = []
  p.rows.forEach((row, i) => {
    if (!keep(row.state, row.updated.getTime())) return
    kept.push(i)
    const n = p.segment[i] as number
    if (n >= 0) segments.add(n)
    else unplaced.push(row.seq)
  })
  const numbers = [...segments]
  const read = await conn.guard(() => d.transaction('r', [d.meta, d.historySegments, d.runs, d.metricChunks], async () => {
    // Every read asked for at once.
    const meta = d.meta.bulkGet(['rev', 'epoch'])
    const segs = d.historySegments.bulkGet(numbers.map((n) => [study, n]))
    const recs = unplaced.length ? d.runs.where('[study+seq]').anyOf(unplaced.map((seq) => [study, seq])).toArray() : Promise.resolve([] as RunRecord[])
    // Awaited below; a failure before then aborts the transaction, which rejects them too.
    void segs.catch(() => undefined)
    void recs.catch(() => undefined)
    const [rev, epoch] = await meta
    if ((rev?.key === 'rev' ? rev.n : 0) !== placed.at.rev || (epoch?.key === 'epoch' ? epoch.n : 0) !== placed.at.epoch) return undefined
    const got = await recs
    return { segs: await segs, recs: got, histories: await historiesOf(conn, got) }
  }))
  if (!read) return undefined
  const readers = new Map<number, { runs: number; history: (i: number) => Metrics[] }>()
  for (const [k, seg] of read.segs.entries()) {
    if (!seg) return undefined
    readers.set(numbers[k] as number, { runs: seg.histories.counts.length, history: historyReader(seg.histories) })
  }
  for (const i of kept) {
    const n = p.segment[i] as number
    if (n >= 0 && (p.position[i] as number) >= (readers.get(n)?.runs ?? 0)) return undefined
  }
  const recorded = new Map<number, Metrics[]>()
  read.recs.forEach((rec, k) => recorded.set(rec.seq, read.histories[k] as Metrics[]))
  for (const seq of unplaced) if (!recorded.has(seq)) return undefined
  const history = (i: number): Metrics[] => {
    const n = p.segment[i] as number
    if (n >= 0) return (readers.get(n) as { history: (i: number) => Metrics[] }).history(p.position[i] as number)
    return recorded.get((p.rows[i] as (typeof p.rows)[number]).seq) as Metrics[]
  }
  const rowRun = rowRuns(history, now)
  cache.placedListings++
  return kept.map((i) => rowRun(p.rows[i] as (typeof p.rows)[number], i))
}
