/**
 * A journal directory's records as the Database's values: a study's info, a
 * run, a run's row, each in the state it is reported in now.
 */
import { STALE_AFTER_MS, type StudyInfo } from '../model/database.js'
import { RunState, type Run, type RunRow } from '../model/run.js'
import type { JournalRun, JournalStudy } from './state.js'

/** The state a run is reported in: failure when pending with a keepalive older than 60 s. */
export function reportedState(run: JournalRun, now: number): RunState {
  return run.state === RunState.Pending && now - run.updated > STALE_AFTER_MS ? RunState.Failure : run.state
}

/** The study as `lookupStudy` and `listStudies` give it. */
export function studyInfo(s: JournalStudy): StudyInfo {
  return {
    name: s.name, objective: s.objective, params: s.params, replicates: s.replicates, description: s.description,
    ...(s.command ? { command: s.command } : {}), ...(s.note ? { note: s.note } : {}),
    oracle: s.oracle, created: new Date(s.created), activity: new Date(Math.max(s.created, s.activity)),
  }
}

/** The run as `lookupRun` and `listRuns` give it: its origin only when it came from elsewhere. */
export function toRun(r: JournalRun, localId: string, now: number): Run {
  const run: Run = {
    id: r.id, study: r.study, seq: r.seq, values: r.values, replicate: r.replicate, state: reportedState(r, now),
    status: r.status, config: r.config, created: new Date(r.created), updated: new Date(r.updated),
    runtime: r.runtime, retries: r.retries, metrics: r.metrics.slice(),
    ...(r.note ? { note: r.note } : {}), ...(r.tags?.length ? { tags: [...r.tags] } : {}),
  }
  return r.origin.db === localId && r.origin.seq === r.seq ? run : { ...run, origin: r.origin }
}

/** The run without its histories, with its last metrics entry and the counts (a `listRunRows` row). */
export function toRunRow(r: JournalRun, localId: string, now: number): RunRow {
  const { metrics: _m, ...run } = toRun(r, localId, now)
  return { ...run, last: r.metrics.at(-1) ?? {}, metricCount: r.mCount, logCount: r.lCount }
}
