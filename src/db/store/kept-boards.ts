/**
 * Leaderboards kept for a big study's first screen: its default board (by
 * its own objective, successful runs only) and its objective history over
 * seq, made once a large import has brought its runs in and stored with what
 * they were made from. Ranking 100,000 runs takes the reading of every row
 * and half a second of work; a kept board is one small record. It is given
 * out only while it is exactly what the study's rows would give: no rollback
 * or deletion and no run of the study written since its rows were read, and
 * no pending run gone stale since.
 */
import { historyPicture, type HistoryPicture } from '../analysis/study.js'
import { trialBoard, trialNumbersOf, withTrialNumbers, type TrialBoard } from '../analysis/trial-board.js'
import { STALE_AFTER_MS } from '../model/database.js'
import { RunState } from '../model/run.js'
import { formatObjective, type Objective } from '../model/study.js'
import type { DexieConnection } from './connection.js'
import type { RowCache } from './row-cache.js'
import type { KeptBoardRecord } from './schema.js'
import { revAndEpoch, since } from './summary.js'

/** Trials a kept board holds: the best this many (a board showing more is ranked afresh). */
export const KEPT_TRIALS = 100

/** Runs a study has at least for its board to be kept: smaller ones rank in a moment. */
export const KEEP_FROM_RUNS = 5000

/** What a kept board ranks by (the study's objective, successful runs only). */
export function keptBoardKey(objective: Objective): string {
  return `${formatObjective(objective)} successful`
}

/**
 * True when nothing the board was ranked from has changed since: the same
 * epoch (which a rollback and a deletion bump) and no run of the study
 * written after its rows' rev. Inside a transaction over meta and runs.
 */
async function current(conn: DexieConnection, rec: Pick<KeptBoardRecord, 'study' | 'rev' | 'epoch'>): Promise<boolean> {
  const { epoch } = await revAndEpoch(conn)
  return epoch === rec.epoch && (await since(conn, rec.study, rec.rev).count()) === 0
}

/**
 * Ranks and keeps the default board of each of `studies` that has at least
 * `from` runs (else drops any kept before). Queued with the row cache's
 * requests, whose rows it ranks; a board whose study changed meanwhile is
 * not kept.
 */
export async function keepBoards(conn: DexieConnection, rowCache: RowCache, studies: Iterable<string>, from = KEEP_FROM_RUNS): Promise<void> {
  const d = conn.dexie
  for (const study of studies) {
    const info = await conn.guard(() => d.studies.get(study))
    if (!info) continue
    const made = await rowCache.with(study, (s, at): KeptBoardRecord | undefined => {
      const now = conn.clock()
      const rows = s.tableAt(now, Object.keys(info.params)).rows
      if (rows.length < from) return undefined
      const board = trialBoard(info.objective, rows, false)
      let validUntil = Infinity
      for (const row of rows) if (row.state === RunState.Pending) validUntil = Math.min(validUntil, row.updated.getTime() + STALE_AFTER_MS)
      const best = withTrialNumbers({ ...board, trials: board.trials.slice(0, KEPT_TRIALS) }, trialNumbersOf(rows))
      const history = historyPicture(rows, info.objective, 'seq', undefined, () => board.trials)
      return { study, key: keptBoardKey(info.objective), rev: at.rev, epoch: at.epoch, validUntil, board: best, history }
    })
    await conn.guard(() => d.transaction('rw', [d.keptBoards, d.meta, d.runs], async () => {
      if (made && (await current(conn, made))) await d.keptBoards.put(made)
      else await d.keptBoards.delete(study)
    }))
  }
}

/** The study's kept record by `objective`, when it is still exact (see above); else undefined. */
function currentRecord(conn: DexieConnection, study: string, objective: Objective): Promise<KeptBoardRecord | undefined> {
  const d = conn.dexie
  return conn.guard(() => d.transaction('r', [d.keptBoards, d.meta, d.runs], async () => {
    const rec = await d.keptBoards.get(study)
    if (!rec || rec.key !== keptBoardKey(objective) || conn.clock() > rec.validUntil) return undefined
    return (await current(conn, rec)) ? rec : undefined
  }))
}

/**
 * The study's kept board by `objective`, when it is still exactly what
 * ranking the study's rows would give (see above); else undefined.
 */
export async function keptBoard(conn: DexieConnection, study: string, objective: Objective): Promise<TrialBoard | undefined> {
  return (await currentRecord(conn, study, objective))?.board
}

/**
 * The study's kept objective history over seq by `objective`, when it is
 * still exactly what the study's rows would draw (see above); else undefined.
 */
export async function keptHistory(conn: DexieConnection, study: string, objective: Objective): Promise<HistoryPicture | undefined> {
  return (await currentRecord(conn, study, objective))?.history
}
