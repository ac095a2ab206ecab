/**
 * Listing a study's runs with their whole histories (`listRuns`, what
 * `Trials` reads) on Dexie: from the study's summary (summary.ts: rows and
 * histories in columns, histories decoded run by run when first read, and the
 * records of runs written since), or, for a study without one, from every run
 * record and its sealed history, after which the summary they make is stored
 * in the background.
 */
import { RunState, type Metrics, type Run } from '../model/run.js'
import type { DexieConnection } from './connection.js'
import { recordRun, reportedState, rowRuns } from './dexie-views.js'
import { buildSummary } from './summary.js'
import { loadSummary } from './summary-load.js'
import type { SummaryUpkeep } from './summary-upkeep.js'

/** The study's runs whose reported state is in `states` and updated at or after `since`, by seq (the study exists). */
export async function listStudyRuns(conn: DexieConnection, upkeep: SummaryUpkeep, study: string, states: RunState, since?: Date): Promise<Run[]> {
  const from = since?.getTime() ?? -Infinity
  const localId = await conn.id()
  const now = conn.clock()
  const keep = (state: RunState, updated: number) => updated >= from && (reportedState({ state, updated }, now) & states) !== 0
  const summary = await loadSummary(conn, study, true)
  const out: Run[] = []
  if (summary) {
    const rowRun = rowRuns(summary.histories as (i: number) => Metrics[], now)
    summary.rows.forEach((row, i) => {
      if (keep(row.state, row.updated.getTime())) out.push(rowRun(row, i))
    })
    summary.delta.forEach((rec, i) => {
      if (keep(rec.state, rec.updated)) out.push(recordRun(rec, localId, summary.deltaHistories?.[i] ?? rec.mTail, now))
    })
    return out.sort((a, b) => a.seq - b.seq)
  }
  const store = await buildSummary(conn, study, (recs, histories) => {
    recs.forEach((rec, i) => { if (keep(rec.state, rec.updated)) out.push(recordRun(rec, localId, histories[i] as Metrics[], now)) })
  })
  void upkeep.store(study, store)
  return out
}
