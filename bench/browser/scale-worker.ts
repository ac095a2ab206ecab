/**
 * The scale benchmark's worker: seeds a study of N runs into real IndexedDB
 * as the store keeps it (run records, and the study's summary in columns as
 * an import and compaction leave it), and times, in this one worker, the
 * floors (the same rows, or runs, already in memory, grouped into trials and
 * ranked by the very functions the worker uses) against the worker API's
 * `leaderboard` (cold: a fresh connection, as a fresh page's worker; warm:
 * cached rows, after one run changed) and the model's `trials` on the stored
 * study (on that connection, whose rows the leaderboards cached; and cold, on
 * a fresh one); and, apart, a cold leaderboard of a study without a summary
 * (a database of an older version), which reads every run record.
 */
import * as Comlink from 'comlink'
import { openDatabase, type DexieDatabase } from '../../src/db/store/dexie-database.js'
import { RunState, type Run, type RunRow } from '../../src/db/model/run.js'
import { toRun } from '../../src/db/store/dexie-views.js'
import { trialBoard } from '../../src/db/analysis/trial-board.js'
import { toRow } from '../../src/db/store/row-cache.js'
import { minimize } from '../../src/db/model/study.js'
import { trials } from '../../src/db/model/trial.js'
import { valuesKey, type Values } from '../../src/db/model/values.js'
import type { RunRecord } from '../../src/db/store/schema.js'
import { segmentsOf } from '../../src/db/store/summary.js'
import { createApi } from '../../src/worker/api.js'
import { runRecord, SCALE_STUDY, studyRecord } from '../scale-data.js'
import { timed } from '../stats.js'

const ORIGIN = 'bench-origin'

function dbName(n: number): string {
  return `bench-scale-${n}`
}

/** The records' values objects, one per value set (as the store's summary hands them out). */
function shareValues<T extends { values: Values }>(items: T[]): T[] {
  const shared = new Map<string, Values>()
  return items.map((x) => {
    const key = valuesKey(x.values)
    const v = shared.get(key) ?? x.values
    shared.set(key, v)
    return { ...x, values: v }
  })
}

async function fresh(n: number): Promise<DexieDatabase> {
  return openDatabase(dbName(n))
}

const api = {
  /** Stores the study of `n` runs (replacing an earlier one of the same size): records and summary. */
  async seed(n: number): Promise<number> {
    const old = await fresh(n)
    await old.dexie.delete()
    old.close()
    const db = await fresh(n)
    const t0 = performance.now()
    const d = db.dexie
    await d.studies.put(studyRecord(n))
    await d.meta.put({ key: 'rev', n: n + 2 })
    for (let from = 0, seg = 0; from < n; from += 5000) {
      const recs: RunRecord[] = []
      for (let i = from; i < Math.min(n, from + 5000); i++) recs.push(runRecord(i, ORIGIN))
      const made = segmentsOf(SCALE_STUDY, seg, recs, recs.map((r) => r.mTail))
      seg += made.rows.length
      await d.transaction('rw', [d.runs, d.segments, d.historySegments, d.summaryHeads], async () => {
        await d.runs.bulkPut(recs)
        await d.segments.bulkPut(made.rows)
        await d.historySegments.bulkPut(made.histories)
        await d.summaryHeads.put({ study: SCALE_STUDY, rev: n + 2, next: seg, rows: Math.min(n, from + 5000) })
      })
    }
    db.close()
    return performance.now() - t0
  },

  /**
   * One round, each figure against its floor measured just before it:
   * milliseconds, and the trial counts and best values (which must agree).
   */
  async round(n: number, unsummarised: boolean) {
    const localId = 'not-the-origin'
    const recs = Array.from({ length: n }, (_, i) => runRecord(i, ORIGIN))
    const rows: RunRow[] = shareValues(recs.map((r) => toRow(r, localId)))
    const runs: Run[] = shareValues(recs.map((r) => toRun(r, localId, [], r.updated)))
    const objective = minimize('loss')
    // Compiled code on both sides before anything is timed.
    trialBoard(objective, rows.slice(0, 2000))
    const floor = () => timed(() => trialBoard(objective, rows))

    // Cold: a fresh connection (a fresh page's worker), its row cache empty: the summary is read.
    const [coldFloorMs, floorBoard] = await floor()
    const db = await fresh(n)
    const ours = createApi(db)
    const [coldMs, cold] = await timed(() => ours.leaderboard(SCALE_STUDY))
    const fromSummary = db.rowCache.summaryReads

    // Warm: rows cached, one run changed (the board is computed again, not memoized).
    await db.appendRunMetrics(SCALE_STUDY, 7, { loss: 5, acc: 0, step: 10 })
    const [warmFloorMs] = await floor()
    const [warmMs, warm] = await timed(() => ours.leaderboard(SCALE_STUDY))

    // Trials: every run with its whole history, grouped by value set.
    const study = await db.lookupStudy(SCALE_STUDY)
    const [trialsFloorMs, floorTrials] = await timed(() => trials({ listRuns: () => Promise.resolve(runs) }, study, RunState.Any))
    const [trialsMs, ourTrials] = await timed(() => trials(db, study, RunState.Any))
    const trialsFromCache = db.rowCache.placedListings
    // Put back what the warm round changed.
    await db.dexie.runs.put(runRecord(6, ORIGIN))
    db.close()
    // `Trials` on a fresh connection (a fresh page's worker): the rows read from the summary, then the histories.
    const first = await fresh(n)
    const [trialsColdMs, coldTrials] = await timed(() => trials(first, study, RunState.Any))
    first.close()

    // Apart: a study without a summary (an older database's), read cold: every run record.
    let unsummarisedMs = NaN
    if (unsummarised) {
      const old = await fresh(n)
      await old.dexie.summaryHeads.delete(SCALE_STUDY)
      old.close()
      const reader = await fresh(n)
      ;[unsummarisedMs] = await timed(() => createApi(reader).leaderboard(SCALE_STUDY))
      // It stores the summary it built from what it read; the next round reads it.
      await reader.rowCache.saved()
      reader.close()
    }
    return {
      coldFloorMs, coldMs, warmFloorMs, warmMs, trialsFloorMs, trialsMs, trialsColdMs, unsummarisedMs, fromSummary, trialsFromCache,
      boards: [floorBoard.trials.length, cold.trials.length, warm.trials.length],
      best: [floorBoard.trials[0]?.metrics.loss, cold.trials[0]?.metrics.loss, warm.trials[0]?.metrics.loss],
      trialCounts: [floorTrials.length, ourTrials.length, coldTrials.length],
    }
  },
}

/** What the benchmark calls in the worker. */
export type ScaleBenchApi = typeof api

Comlink.expose(api)
