/**
 * The worker's API: the Database, shaped to cross a Comlink boundary, plus what
 * the page needs beyond it (dumps, study overviews, run rows, leaderboards),
 * computed here so that only results cross. Its type, `WorkerApi`, is derived
 * from this implementation; the client is checked against it.
 *
 * How the two stream methods cross. Transferring the streams themselves
 * (`Comlink.transfer(stream, [stream])`) was tried and rejected:
 * - in Node 20 worker_threads (where tests and tools run the same worker) a
 *   transferred ReadableStream sometimes never delivers its first chunk, and
 *   cancelling it hangs;
 * - an error sent through a transferred stream is structured-cloned, which keeps
 *   only name and message: a not-exist error would lose its `code`;
 * - closing a transferred WritableStream resolves as soon as the close message
 *   is posted, before the worker has flushed, so "close flushes" would not hold.
 * So `log` returns a proxied reader (one call per chunk; Dexie's log stream
 * delivers text in large pieces) and `logger` a proxied writer; their failures
 * go through the error handler of `transfer.ts` like any other call's. The
 * client (`client.ts`) turns them back into streams.
 *
 * Dumps cross as Blobs (structured clone passes a Blob by reference, without
 * copying its bytes); progress callbacks must be passed as `Comlink.proxy(fn)`.
 */
import * as Comlink from 'comlink'
import type { DexieDatabase } from '../db/store/dexie-database.js'
import type { Metrics, NewRun, RunState } from '../db/model/run.js'
import type { Study } from '../db/model/study.js'
import { dumpCalls } from './api-dumps.js'
import { logReader, logWriter, type LogRequest } from './api-streams.js'
import { viewCalls } from './api-views.js'
import { JournalFollower, type FollowStatus } from './follow.js'
import { PageSync, type RemoteSettings, type SyncStatus } from './sync.js'
import { releaseSignal } from './transfer.js'

// The types of what the API's calls take and return, for the page (which may not import storage code).
export type { RunRow } from '../db/model/run.js'
export type { ColumnNames } from '../db/analysis/run-columns.js'
export type { RunQuery, RunWindow } from '../db/analysis/run-window.js'
export type { ExportOptions } from '../db/dump/export.js'
export type { ImportProgress, ImportSummary, Rejection } from '../db/merge/import.js'
export type { Checkpoint } from '../db/dump/records.js'
export type { Leaderboard, LeaderboardRun, LeaderboardTrial, StudyOverview } from '../db/analysis/leaderboard.js'
export type { CurvesPicture, HistoryPicture } from '../db/analysis/study.js'
export type { Axis, ParallelCoordinates, Slice, SpreadRow, StudyAnalysis, Whisker } from '../db/analysis/pictures.js'
export type { HistoryAxis } from '../db/analysis/series.js'
export type { LogRead, LogRequest, RemoteLogReader, RemoteLogWriter } from './api-streams.js'
export type { ExportedDump } from './api-dumps.js'
export { dumpFilename } from './api-dumps.js'
export type { LeaderboardOptions, PictureOptions } from './api-views.js'
export type { FollowStatus } from './follow.js'
export type { RemoteSettings, SyncStatus } from './sync.js'

/**
 * The worker API over `db`, which may still be opening: every call waits for
 * it, and fails with its error if opening failed. Calls take an optional
 * trailing AbortSignal, as the Database's do.
 */
export function createApi(db: DexieDatabase | Promise<DexieDatabase>) {
  const ready = Promise.resolve(db)
  // A failed open is reported to each caller; it is not an unhandled rejection here.
  ready.catch(() => undefined)

  /** Runs `work` once the database is ready, and lets go of the call's signal after it. */
  async function call<T>(signal: AbortSignal | undefined, work: (db: DexieDatabase) => Promise<T>): Promise<T> {
    try {
      return await work(await ready)
    } finally {
      releaseSignal(signal)
    }
  }

  const follower = new JournalFollower(ready)
  const sync = new PageSync(ready)
  // Automatic sync hears of every write of this connection (a sync's own pulls aside).
  ready.then((d) => d.changes.addEventListener('change', () => sync.changed())).catch(() => undefined)

  return {
    createTable: (signal?: AbortSignal) =>
      call(signal, (d) => d.createTable(signal)),
    createStudyIfNotExist: (study: Study, signal?: AbortSignal) =>
      call(signal, (d) => d.createStudyIfNotExist(study, signal)),
    lookupStudy: (name: string, signal?: AbortSignal) =>
      call(signal, (d) => d.lookupStudy(name, signal)),
    listStudies: (prefix: string, since?: Date, signal?: AbortSignal) =>
      call(signal, (d) => d.listStudies(prefix, since, signal)),
    nextSeq: (study: string, signal?: AbortSignal) =>
      call(signal, (d) => d.nextSeq(study, signal)),
    insertRun: (run: NewRun, signal?: AbortSignal) =>
      call(signal, (d) => d.insertRun(run, signal)),
    updateRun: (study: string, seq: number, state: RunState, message: string, runtime: number, retry: number, signal?: AbortSignal) =>
      call(signal, (d) => d.updateRun(study, seq, state, message, runtime, retry, signal)),
    appendRunMetrics: (study: string, seq: number, metrics: Metrics, signal?: AbortSignal) =>
      call(signal, (d) => d.appendRunMetrics(study, seq, metrics, signal)),
    listRuns: (study: string, states: RunState, since?: Date, signal?: AbortSignal) =>
      call(signal, (d) => d.listRuns(study, states, since, signal)),
    lookupRun: (study: string, seq: number, signal?: AbortSignal) =>
      call(signal, (d) => d.lookupRun(study, seq, signal)),
    // Notes and tags (model/annotations.ts).
    setStudyNote: (study: string, note: string, signal?: AbortSignal) =>
      call(signal, (d) => d.setStudyNote(study, note, signal)),
    setRunNote: (study: string, seq: number, note: string, signal?: AbortSignal) =>
      call(signal, (d) => d.setRunNote(study, seq, note, signal)),
    setRunTags: (study: string, seq: number, tags: readonly string[], signal?: AbortSignal) =>
      call(signal, (d) => d.setRunTags(study, seq, tags, signal)),
    runAnnotations: (study: string, signal?: AbortSignal) =>
      call(signal, (d) => d.runAnnotations(study, signal)),
    // Deleting, with tombstones that dumps carry.
    deleteStudy: (study: string, signal?: AbortSignal) =>
      call(signal, (d) => d.deleteStudy(study, signal)),
    deleteRun: (study: string, seq: number, signal?: AbortSignal) =>
      call(signal, (d) => d.deleteRun(study, seq, signal)),
    /** The run's log as a proxied reader; `signal` ends a follower. */
    log: async (study: string, seq: number, options: LogRequest = {}, signal?: AbortSignal) => {
      const d = await ready
      return Comlink.proxy(logReader(d.log(study, seq, { ...options, signal }), signal))
    },
    /** A proxied writer appending to the run's log. */
    logger: async (study: string, seq: number) => {
      const d = await ready
      return Comlink.proxy(logWriter(d.logger(study, seq)))
    },

    ...dumpCalls(call),
    ...viewCalls(call),

    /**
     * Follows the journal directory a diviner-local server serves at `url`:
     * what its runners append is merged here as it comes (every 200 ms).
     */
    followJournal: async (url: string): Promise<FollowStatus> => follower.follow(url),
    /** How following a journal goes. */
    followStatus: async (): Promise<FollowStatus> => follower.current(),

    /** The sync with a bucket: its remote (without the secret), how the last sync went, what waits. */
    syncStatus: (): Promise<SyncStatus> => sync.current(),
    /** Sets the remote (its keys stay in this browser); an empty secret keeps the saved one. */
    saveRemote: (settings: RemoteSettings): Promise<SyncStatus> => sync.save(settings),
    /** Forgets the remote and its keys. */
    forgetRemote: (): Promise<SyncStatus> => sync.forget(),
    /** Checks that the remote's bucket answers with its keys; rejects saying what is wrong. */
    testRemote: (): Promise<void> => sync.test(),
    /** Pushes and pulls now; rejects with what went wrong. */
    syncNow: (): Promise<SyncStatus> => sync.syncNow(),
  }
}

/** The type of the worker API, as the client sees it through `Comlink.wrap`. */
export type WorkerApi = ReturnType<typeof createApi>
