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
import type { LogOptions } from '../db/model/database.js'
import type { DexieDatabase } from '../db/store/dexie-database.js'
import type { RunRow } from '../db/model/run.js'
import { exportDump as exportDumpStream, type ExportOptions } from '../db/dump/export.js'
import { importDump as importDumpSource, type ImportProgress } from '../db/merge/import.js'
import type { Checkpoint } from '../db/dump/records.js'
import { DivinerError } from '../db/model/errors.js'
import { analysisPicture, chooseCurveRuns, curvesPicture, historyPicture, type CurveChoice, type CurvesPicture, type HistoryPicture } from '../db/analysis/study.js'
import type { StudyAnalysis } from '../db/analysis/pictures.js'
import type { HistoryAxis } from '../db/analysis/series.js'
import { leaderboard, parseObjective, studyOverview, type Leaderboard, type StudyOverview } from '../db/analysis/leaderboard.js'
import { RunState, type Metrics, type NewRun } from '../db/model/run.js'
import type { RowTable, RunQuery, RunWindow } from '../db/analysis/run-window.js'
import { formatObjective, type Study } from '../db/model/study.js'
import { progressReporter } from './progress.js'
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

/** `log`'s options as they cross the boundary; the signal travels as its own argument. */
export type LogRequest = Omit<LogOptions, 'signal'>

/** One read of a remote log: the next piece of text, or the end. */
export type LogRead = { readonly done: true; readonly value?: undefined } | { readonly done: false; readonly value: string }

/** The worker's side of a `log` stream, read one piece at a time by the client. */
export interface RemoteLogReader {
  /** The next piece of text; rejects with the stream's error (a not-exist for a missing run). */
  read(): Promise<LogRead>
  /** Stops reading (a follower stops following). */
  cancel(): Promise<void>
}

/** The worker's side of a `logger` stream. */
export interface RemoteLogWriter {
  write(text: string): Promise<void>
  /** Flushes what was written; resolves once it is stored. */
  close(): Promise<void>
  /** Flushes what was written and ends the stream. */
  abort(): Promise<void>
}

/** What `exportDump` makes: the dump, where a later delta continues from, and a name to save it under. */
export interface ExportedDump {
  readonly blob: Blob
  readonly checkpoint: Checkpoint
  readonly filename: string
}

/** Options of the study pictures. */
export interface PictureOptions {
  /** `+metric` maximizes, `-metric` minimizes; undefined is the study's objective. */
  readonly objective?: string
}

/** How `leaderboard` ranks. */
export interface LeaderboardOptions {
  /** `+metric` maximizes, `-metric` minimizes; undefined ranks by the study's objective. */
  readonly objective?: string
  /** The runs to consider, by reported state (default any). */
  readonly states?: number
  /**
   * Send only the best `limit` trials (all when undefined or 0): a board
   * showing the top N of 20,000 trials need not copy them all to the page.
   * `lacking` still counts every trial.
   */
  readonly limit?: number
}

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

    /**
     * Imports a dump (SPEC §3), merging it with what is here. `onProgress`
     * (a `Comlink.proxy`) hears about it at most about 10 times a second, and
     * once more with the final figures before the summary arrives. Rejects with
     * `bad-dump` or `unsupported-version` (details.line names the line),
     * leaving the database as it was.
     */
    importDump: (file: Blob, onProgress?: (p: ImportProgress) => void, signal?: AbortSignal) =>
      call(signal, async (d) => {
        const progress = progressReporter(onProgress)
        try {
          const summary = await importDumpSource(d, file, { onProgress: (p) => progress.report(p), signal })
          // A finished import has read the whole file.
          await progress.finish({ bytesRead: file.size, bytesTotal: file.size, records: summary.records })
          return summary
        } catch (e) {
          throw cancelled(e, signal, 'the import was cancelled; the database is as it was before')
        } finally {
          progress.release()
        }
      }),

    /**
     * Exports a dump (everything, chosen studies or runs, or a delta since a
     * checkpoint) as a Blob, with the checkpoint a later delta continues from
     * and a file name saying what it holds.
     */
    exportDump: (options: Omit<ExportOptions, 'onProgress'> = {}, onProgress?: (p: { runs: number; bytes: number }) => void, signal?: AbortSignal) =>
      call(signal, async (d): Promise<ExportedDump> => {
        const progress = progressReporter(onProgress)
        try {
          signal?.throwIfAborted()
          let runs = 0
          const stream = exportDumpStream(d, { ...options, onProgress: (p) => { runs = p.runs; progress.report(p) } })
          const blob = await dumpBlob(stream, signal)
          const checkpoint = await stream.checkpoint
          await progress.finish({ runs, bytes: blob.size })
          return { blob, checkpoint, filename: dumpFilename(options, new Date(d.clock())) }
        } catch (e) {
          throw cancelled(e, signal, 'the export was cancelled')
        } finally {
          progress.release()
        }
      }),

    /** The studies whose names start with `prefix` (active since `since`), with run counts and best result. */
    studyOverviews: (prefix = '', since?: Date, signal?: AbortSignal) =>
      call(signal, async (d): Promise<StudyOverview[]> => {
        const studies = await d.listStudies(prefix, since, signal)
        const out: StudyOverview[] = []
        for (const s of studies) out.push(studyOverview(s, await d.listRunRows(s.name, RunState.Any, signal)))
        return out
      }),

    /** The study's runs in `states` without their metric histories, by seq. */
    runRows: (study: string, states: RunState = RunState.Any, signal?: AbortSignal) =>
      call(signal, (d) => d.listRunRows(study, states, signal)),

    /**
     * A window of the study's runs table: `count` rows from position `offset`
     * of the runs `query` selects, in its order, with the number selected and
     * the table's columns. Sorting and filtering happen here, memoized per
     * version of the study's rows, so the page's work never grows with the
     * number of runs.
     */
    runWindow: (study: string, query: RunQuery, offset: number, count: number, signal?: AbortSignal) =>
      call(signal, async (d): Promise<RunWindow> => {
        const info = await d.lookupStudy(study, signal)
        return d.withRowTable(study, Object.keys(info.params), (t) => t.window(query, offset, count), signal)
      }),

    /** The names (`study:seq`) of every run `query` selects, in its order (for "select all shown"). */
    runNames: (study: string, query: RunQuery, signal?: AbortSignal) =>
      call(signal, async (d): Promise<string[]> => {
        const info = await d.lookupStudy(study, signal)
        return d.withRowTable(study, Object.keys(info.params), (t) => Array.from(t.result(query), (i) => `${study}:${(t.rows[i] as RunRow).seq}`), signal)
      }),

    /**
     * The run `step` places after run `seq` (before it, when negative) among
     * those `query` selects, with its position; undefined past either end or
     * when `seq` is not selected.
     */
    runNeighbor: (study: string, query: RunQuery, seq: number, step: number, signal?: AbortSignal) =>
      call(signal, async (d): Promise<{ seq: number; position: number; total: number } | undefined> => {
        const info = await d.lookupStudy(study, signal)
        return d.withRowTable(study, Object.keys(info.params), (t) => {
          const result = t.result(query)
          const at = t.position(query, seq)
          const next = result[at + step]
          if (at < 0 || next === undefined || at + step < 0) return undefined
          return { seq: (t.rows[next] as RunRow).seq, position: at + step, total: result.length }
        }, signal)
      }),

    /** The study's replicated trials ranked by its objective or `options.objective`. */
    leaderboard: (study: string, options: LeaderboardOptions = {}, signal?: AbortSignal) =>
      call(signal, async (d): Promise<Leaderboard> => {
        const info = await d.lookupStudy(study, signal)
        const objective = parseObjective(options.objective, info.objective)
        const board = leaderboard(objective, await d.listRunRows(study, options.states ?? RunState.Any, signal))
        return options.limit ? { ...board, trials: board.trials.slice(0, options.limit) } : board
      }),

    // ---- Study pictures (issue 5): bounded summaries computed here, drawn by the page. ----

    /** The objective of each successful run against seq or time, with the best so far and replicate spread whiskers. */
    objectiveHistory: (study: string, options: PictureOptions & { readonly axis?: HistoryAxis } = {}, signal?: AbortSignal) =>
      call(signal, async (d): Promise<HistoryPicture> => {
        const info = await d.lookupStudy(study, signal)
        const objective = parseObjective(options.objective, info.objective)
        const axis = options.axis ?? 'seq'
        const rows = await pictureRows(d, info, signal)
        return memoByRows(rows, `history ${axis} ${formatObjective(objective)}`, (r) => historyPicture(r, objective, axis))
      }),

    /** Learning curves (metric history against report index) of the runs of the top N trials, or of runs named by seq. */
    learningCurves: (study: string, options: PictureOptions & CurveChoice & { readonly metric?: string } = {}, signal?: AbortSignal) =>
      call(signal, async (d): Promise<CurvesPicture> => {
        const info = await d.lookupStudy(study, signal)
        const objective = parseObjective(options.objective, info.objective)
        const rows = await pictureRows(d, info, signal)
        const board = memoByRows(rows, `board ${formatObjective(objective)}`, (r) => leaderboard(objective, r))
        const chosen = chooseCurveRuns(board.trials, objective, options)
        const histories: Metrics[][] = []
        for (const c of chosen) histories.push([...(await d.lookupRun(study, c.seq, signal)).metrics])
        return curvesPicture(objective, chosen, histories, options.metric)
      }),

    /** Parallel coordinates, slices, parameter importance and replicate spread of the study's trials. */
    studyAnalysis: (study: string, options: PictureOptions = {}, signal?: AbortSignal) =>
      call(signal, async (d): Promise<StudyAnalysis> => {
        const info = await d.lookupStudy(study, signal)
        const objective = parseObjective(options.objective, info.objective)
        const rows = await pictureRows(d, info, signal)
        return memoByRows(rows, `analysis ${formatObjective(objective)}`, (r) => analysisPicture(info, r, objective))
      }),
  }
}

/** A study's run rows at one version, and that version's query table (which identifies the version). */
interface VersionRows { readonly rows: readonly RunRow[]; readonly version: RowTable }

/**
 * The study's run rows as the row cache holds them for the runs table. The
 * cache makes a new table for every version of the study's rows, so pictures
 * computed from the rows can be memoized on it.
 */
function pictureRows(d: DexieDatabase, info: Study, signal: AbortSignal | undefined): Promise<VersionRows> {
  return d.withRowTable(info.name, Object.keys(info.params), (t) => ({ rows: t.rows, version: t }), signal)
}

/** Pictures already computed, per version of a study's rows and what was asked. */
const pictures = new WeakMap<RowTable, Map<string, unknown>>()

/** `compute()`, or its result from an earlier call on the same version of the rows with the same `key`. */
function memoByRows<T>(at: VersionRows, key: string, compute: (rows: readonly RunRow[]) => T): T {
  let memo = pictures.get(at.version)
  if (!memo) pictures.set(at.version, (memo = new Map()))
  if (!memo.has(key)) memo.set(key, compute(at.rows))
  return memo.get(key) as T
}

/** Reads an export into a Blob; an abort of `signal` cancels the export. */
function dumpBlob(stream: ReadableStream<Uint8Array>, signal: AbortSignal | undefined): Promise<Blob> {
  const body = signal ? stream.pipeThrough(new TransformStream<Uint8Array, Uint8Array>(), { signal }) : stream
  return new Response(body).blob()
}

/**
 * What a call that failed with `e` rejects with: when its signal was aborted,
 * a DivinerError of code `aborted` (unless `e` already is a DivinerError, such
 * as the reason the caller aborted with), as the Database's calls do.
 */
function cancelled(e: unknown, signal: AbortSignal | undefined, message: string): unknown {
  return signal?.aborted && !(e instanceof DivinerError) ? new DivinerError('aborted', message) : e
}

/**
 * A file name saying what a dump holds and when it was made (local time):
 * `diviner-all-20240131-235959.diviner.gz`, `diviner-<study>-…`, `diviner-3-studies-…`,
 * `diviner-12-runs-…`, `diviner-changes-since-<rev>-…`.
 */
export function dumpFilename(options: Omit<ExportOptions, 'onProgress'>, when: Date): string {
  return `diviner-${dumpSubject(options)}-${timestamp(when)}.diviner.gz`
}

function dumpSubject(options: Omit<ExportOptions, 'onProgress'>): string {
  if (options.since) return `changes-since-${options.since.rev}`
  if (options.runs) return options.runs.length === 1 ? '1-run' : `${options.runs.length}-runs`
  if (options.studies && options.definitionsOnly) return options.studies.length === 1 ? `${safeName(options.studies[0] ?? '')}-definition` : `${options.studies.length}-definitions`
  if (options.studies) {
    const [only] = options.studies
    return options.studies.length === 1 && only !== undefined ? safeName(only) : `${options.studies.length}-studies`
  }
  return 'all'
}

/** `name` with every character outside [A-Za-z0-9._-] replaced by `_`, at most 80 characters. */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80)
}

function timestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`
}

/** The type of the worker API, as the client sees it through `Comlink.wrap`. */
export type WorkerApi = ReturnType<typeof createApi>

/** Reads `stream` on request; a client that goes away without cancelling cancels it (Comlink's finalizer). */
function logReader(stream: ReadableStream<string>, signal: AbortSignal | undefined): RemoteLogReader & { [Comlink.finalizer](): void } {
  const reader = stream.getReader()
  let finished = false
  const finish = () => {
    if (finished) return
    finished = true
    releaseSignal(signal)
  }
  return {
    async read() {
      try {
        const r = await reader.read()
        if (r.done) finish()
        return r.done ? { done: true } : { done: false, value: r.value }
      } catch (e) {
        finish()
        throw e
      }
    },
    async cancel() {
      finish()
      await reader.cancel()
    },
    [Comlink.finalizer]() {
      if (!finished) void this.cancel().catch(() => undefined)
    },
  }
}

/** Writes to `stream` on request; a client that goes away without closing closes it, which flushes. */
function logWriter(stream: WritableStream<string>): RemoteLogWriter & { [Comlink.finalizer](): void } {
  const writer = stream.getWriter()
  let ended = false
  return {
    write: (text) => writer.write(text),
    async close() {
      ended = true
      await writer.close()
    },
    async abort() {
      ended = true
      await writer.abort()
    },
    [Comlink.finalizer]() {
      if (!ended) void writer.close().catch(() => undefined)
    },
  }
}
