/**
 * The Database interface: an async port of Diviner's `database.go` (SPEC §2).
 */
import type { Metrics, NewRun, Run, RunState } from './run.js'
import type { Study } from './study.js'

/** How `log` reads a run's log. */
export interface LogOptions {
  /** Only text appended at or after this time. */
  readonly since?: Date
  /** Keep the stream open and deliver text as it is appended, until the reader cancels. */
  readonly follow?: boolean
  /** Ends the stream (a follower included). */
  readonly signal?: AbortSignal
}

/** A study with its local bookkeeping, as listed. */
export interface StudyInfo extends Study {
  /** When the study was first created, in whichever database that was (an import keeps the earliest). */
  readonly created: Date
  /** Latest of its creation and any insert or update of one of its runs. */
  readonly activity: Date
  /** Its note (Markdown), when it has one (model/annotations.ts). */
  readonly note?: string
}

/**
 * Tracks and manages studies and runs. Every method is async; missing studies
 * or runs reject with a `DivinerError` of code `not-exist`.
 */
export interface Database {
  /** Prepares storage; idempotent. */
  createTable(signal?: AbortSignal): Promise<void>
  /** Stores `study` unless one of that name exists (which is never changed); true when created. */
  createStudyIfNotExist(study: Study, signal?: AbortSignal): Promise<boolean>
  /** The study named `name`. */
  lookupStudy(name: string, signal?: AbortSignal): Promise<StudyInfo>
  /** Studies whose name starts with `prefix` and whose last activity is not before `since`, by name. */
  listStudies(prefix: string, since?: Date, signal?: AbortSignal): Promise<StudyInfo[]>
  /** Reserves the study's next sequence number; unique across every connection. */
  nextSeq(study: string, signal?: AbortSignal): Promise<number>
  /**
   * Inserts a run into an existing study: pending, empty status and metrics, zero
   * runtime, created = updated = now, a new global id; `seq > 0` must have been
   * reserved by `nextSeq`, otherwise one is assigned.
   */
  insertRun(run: NewRun, signal?: AbortSignal): Promise<Run>
  /** Sets state, status, runtime (ms) and retries, and `updated = now`: the keepalive. */
  updateRun(study: string, seq: number, state: RunState, message: string, runtime: number, retry: number, signal?: AbortSignal): Promise<void>
  /** Appends one entry to the run's metric history. */
  appendRunMetrics(study: string, seq: number, metrics: Metrics, signal?: AbortSignal): Promise<void>
  /**
   * The study's runs whose reported state is in `states` and that were updated
   * at or after `since`, by seq. A pending run whose keepalive is over 60 s old
   * is reported as failure (what is stored is unchanged).
   */
  listRuns(study: string, states: RunState, since?: Date, signal?: AbortSignal): Promise<Run[]>
  /** The run `study:seq`, with its reported state. */
  lookupRun(study: string, seq: number, signal?: AbortSignal): Promise<Run>
  /** The run's log text as a stream, returned at once; errors (such as not-exist) arrive through it. */
  log(study: string, seq: number, options?: LogOptions): ReadableStream<string>
  /** A stream that appends what is written to the run's log, stamped with its arrival time; close flushes. */
  logger(study: string, seq: number): WritableStream<string>
}

/** How long a pending run may go without a keepalive before it is reported as failed. */
export const STALE_AFTER_MS = 60_000
