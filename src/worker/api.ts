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
import type { LogOptions } from '../db/database.js'
import type { DexieDatabase } from '../db/dexie.js'
import { exportDump as exportDumpStream, type ExportOptions } from '../db/dump/export.js'
import { importDump as importDumpSource, type ImportProgress } from '../db/dump/import.js'
import type { Checkpoint } from '../db/dump/codec.js'
import { DivinerError } from '../db/errors.js'
import { leaderboard, parseObjective, studyOverview, type Leaderboard, type StudyOverview } from '../db/leaderboard.js'
import { RunState, type Metrics, type NewRun } from '../db/run.js'
import type { Study } from '../db/study.js'
import { progressReporter } from './progress.js'
import { releaseSignal } from './transfer.js'

// The types of what the API's calls take and return, for the page (which may not import storage code).
export type { RunRow } from '../db/dexie.js'
export type { ExportOptions } from '../db/dump/export.js'
export type { ImportProgress, ImportSummary, Rejection } from '../db/dump/import.js'
export type { Checkpoint } from '../db/dump/codec.js'
export type { Leaderboard, LeaderboardRun, LeaderboardTrial, StudyOverview } from '../db/leaderboard.js'

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

/**
 * The worker API over `db`, which may still be opening: every call waits for
 * it, and fails with its error if opening failed. Calls take an optional
 * trailing AbortSignal, as the Database's do.
 */
export function createApi(db: Database | Promise<Database>) {
  const ready = Promise.resolve(db)
  // A failed open is reported to each caller; it is not an unhandled rejection here.
  ready.catch(() => undefined)

  /** Runs `work` once the database is ready, and lets go of the call's signal after it. */
  async function call<T>(signal: AbortSignal | undefined, work: (db: Database) => Promise<T>): Promise<T> {
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
  }
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
