/**
 * Stored records as the Database shows them (a run's reported state, the
 * public Run and StudyInfo), and storage failures as errors a user can act on.
 */
import type { StudyInfo } from '../model/database.js'
import { STALE_AFTER_MS } from '../model/database.js'
import { DivinerError } from '../model/errors.js'
import { RunState, type Metrics, type Run, type RunRow } from '../model/run.js'
import { knownLastEntries } from '../model/trial.js'
import type { RunRecord, StudyRecord } from './schema.js'

/** The state a run is reported in: failure when pending with a keepalive older than 60 s. */
export function reportedState(rec: Pick<RunRecord, 'state' | 'updated'>, now: number): RunState {
  return rec.state === RunState.Pending && now - rec.updated > STALE_AFTER_MS ? RunState.Failure : rec.state
}

/** The public view of a stored study. */
export function toStudyInfo(rec: StudyRecord, lastTouched: number): StudyInfo {
  const study: StudyInfo = {
    name: rec.name, objective: rec.objective, params: rec.params, replicates: rec.replicates,
    description: rec.description, oracle: rec.oracle, ...(rec.command ? { command: rec.command } : {}),
    ...(rec.note ? { note: rec.note } : {}),
    created: new Date(rec.created), activity: new Date(Math.max(rec.created, lastTouched)),
  }
  return study
}

/** The public view of a stored run, given the sealed part of its metric history. */
export function toRun(rec: RunRecord, localId: string, sealed: readonly Metrics[], now: number): Run {
  return recordRun(rec, localId, sealed.length ? [...sealed, ...rec.mTail] : rec.mTail, now)
}

/** The public view of a stored run, given its whole metric history. */
export function recordRun(rec: RunRecord, localId: string, history: readonly Metrics[], now: number): Run {
  const run: Run = {
    id: rec.id, study: rec.study, seq: rec.seq, values: rec.values, replicate: rec.replicate,
    state: reportedState(rec, now), status: rec.status, config: rec.config,
    created: new Date(rec.created), updated: new Date(rec.updated), runtime: rec.runtime, retries: rec.retries,
    metrics: history,
    ...(rec.note ? { note: rec.note } : {}), ...(rec.tags?.length ? { tags: [...rec.tags] } : {}),
  }
  return rec.origin.db === localId && rec.origin.seq === rec.seq ? run : { ...run, origin: rec.origin }
}

/**
 * Makes the public views of runs from their rows (as a summary holds them:
 * origin shown as `toRow` shows it), row `i`'s whole history being
 * `history(i)`, decoded when first read and then kept (the row's last entry
 * is noted for `runTrial`, which then decodes nothing). The rows given must
 * have distinct seqs.
 */
export function rowRuns(history: (i: number) => readonly Metrics[], now: number): (row: RunRow, i: number) => Run {
  const rowOfSeq = new Map<number, number>()
  const decoded: (readonly Metrics[] | undefined)[] = []
  // One accessor for all the runs of a listing, so that they share one shape (a getter per run would not).
  const metrics: PropertyDescriptor = {
    enumerable: true, configurable: true,
    get(this: Run) {
      const i = rowOfSeq.get(this.seq) as number
      return (decoded[i] ??= history(i))
    },
  }
  return (row, i) => {
    const state = reportedState({ state: row.state, updated: row.updated.getTime() }, now)
    const run = {
      id: row.id, study: row.study, seq: row.seq, values: row.values, replicate: row.replicate, state, status: row.status, config: row.config,
      created: row.created, updated: row.updated, runtime: row.runtime, retries: row.retries,
    }
    Object.defineProperty(run, 'metrics', metrics)
    if (row.origin) Object.assign(run, { origin: row.origin })
    rowOfSeq.set(row.seq, i)
    knownLastEntries.set(run as Run, row.last)
    return run as Run
  }
}

function isQuotaError(e: unknown): boolean {
  const err = e as { name?: string; inner?: { name?: string }; failures?: unknown } | null
  // A bulk write reports the failures of its requests (Dexie's BulkError), a transaction its cause (inner).
  const failures = Array.isArray(err?.failures) ? err.failures as unknown[] : []
  return err?.name === 'QuotaExceededError' || err?.inner?.name === 'QuotaExceededError' || failures.some(isQuotaError)
}

/** Maps a storage failure to a DivinerError a user can act on; other errors pass through. */
export function storageError(e: unknown): unknown {
  if (isQuotaError(e)) {
    return new DivinerError('quota', 'the browser refused to store more data (storage quota exceeded): free disk space or delete old studies, then try again')
  }
  return e
}
