/**
 * The IndexedDB schema (declared once, versioned) and the shape of stored records.
 *
 * A run is one record. Its metric history and log live in the record up to a
 * bounded "tail"; older entries are sealed into immutable chunk records. Writing
 * or importing a run of ordinary size therefore touches one record, and a long
 * history costs one extra record per chunk, never one per metric point.
 */
import { Dexie, type Table } from 'dexie'
import type { LogEntry, Metrics, RunConfig, RunState } from '../model/run.js'
export type { LogEntry } from '../model/run.js'
import type { Objective, OracleSpec } from '../model/study.js'
import type { Params } from '../model/params.js'
import type { Values } from '../model/values.js'
import type { PullMark } from '../sync/segments.js'

/** Metric entries per sealed chunk. */
export const METRIC_CHUNK = 256
/** A log tail is sealed once it holds this many entries… */
export const LOG_CHUNK_ENTRIES = 64
/** …or this many UTF-16 code units of text. */
export const LOG_CHUNK_CHARS = 32_768

/**
 * A bookkeeping record: this database's identity, the local change counter,
 * and the rollback epoch (raised whenever an import's rollback puts records
 * back to older versions or removes them, so caches keyed on `rev` start afresh).
 */
export type MetaRecord = { key: 'db'; id: string } | { key: 'rev'; n: number } | { key: 'epoch'; n: number }

/** A stored study. Times are epoch milliseconds. */
export interface StudyRecord {
  name: string
  objective: Objective
  params: Params
  replicates: number
  description: string
  /** The command template, when the study has one. */
  command?: string
  oracle: OracleSpec
  /** When the study was first created anywhere (an import keeps the earliest definition and its time). */
  created: number
  /** The last seq handed out here (by nextSeq, insertRun or an import). */
  counter: number
  /** Local change counter at the last change of the definition. */
  rev: number
}


/** A stored run. Times are epoch milliseconds; `runtime` is milliseconds. */
export interface RunRecord {
  /** Global identity, assigned at first insert anywhere. */
  id: string
  study: string
  seq: number
  /** The database that first inserted the run, and its seq there. */
  origin: { db: string; seq: number }
  values: Values
  replicate: number
  state: RunState
  status: string
  config: RunConfig
  created: number
  updated: number
  runtime: number
  retries: number
  /** Metric entries in all; the tail holds entries from `mSealed * METRIC_CHUNK`. */
  mCount: number
  mSealed: number
  mTail: Metrics[]
  /** Log entries in all; the tail holds entries from `lCount - lTail.length`. */
  lCount: number
  lSealed: number
  lTail: LogEntry[]
  /** Local time of the last local write (insert, update, append, import): study activity. */
  touched: number
  /** Local change counter at the last local write: what a delta export selects on. */
  rev: number
}

/** A sealed, immutable chunk of a run's metric history: entries from `chunk * METRIC_CHUNK`. */
export interface MetricChunkRecord { run: string; chunk: number; entries: Metrics[] }

/** A sealed, immutable chunk of a run's log: entries from index `from`. */
export interface LogChunkRecord { run: string; chunk: number; from: number; entries: LogEntry[] }

/** An import in progress: while this record exists, its undo entries can put the database back. */
export interface ImportRecord { id: string; started: number }

/**
 * What one applied batch of an import changed, so that it can be undone: keys
 * it inserted and the prior versions of records it replaced.
 */
export interface UndoRecord {
  importId: string
  batch: number
  insertedStudies: string[]
  insertedRuns: string[]
  insertedMetricChunks: [string, number][]
  insertedLogChunks: [string, number][]
  priorStudies: StudyRecord[]
  priorRuns: RunRecord[]
}

/**
 * A study's run rows (runs without histories or logs, in their stored state)
 * as the row cache last saw them, so that a page opening the study reads one
 * record and the runs changed since, instead of every run record. Valid while
 * `epoch` is the database's rollback epoch; current up to `rev`.
 */
export interface RowSnapshotRecord {
  study: string
  rev: number
  epoch: number
  /** `RunRow`s (see dexie.ts), by seq. */
  rows: unknown[]
}

/** How far one segment of a remote was pulled (see sync/segments.ts). */
export interface PullMarkRecord extends PullMark {
  remote: string
  key: string
}

/** The Dexie database: tables and their indexes, by schema version. */
export class DivinerDexie extends Dexie {
  meta!: Table<MetaRecord, string>
  studies!: Table<StudyRecord, string>
  runs!: Table<RunRecord, string>
  metricChunks!: Table<MetricChunkRecord, [string, number]>
  logChunks!: Table<LogChunkRecord, [string, number]>
  imports!: Table<ImportRecord, string>
  undo!: Table<UndoRecord, [string, number]>
  rowSnapshots!: Table<RowSnapshotRecord, string>
  pullMarks!: Table<PullMarkRecord, [string, string]>

  constructor(name: string) {
    super(name, { cache: 'disabled' })
    this.version(1).stores({
      meta: 'key',
      studies: 'name, rev',
      runs: 'id, &[study+seq], [study+touched], rev',
      metricChunks: '[run+chunk]',
      logChunks: '[run+chunk]',
      imports: 'id',
      undo: '[importId+batch]',
    })
    // Version 2 adds the row cache's snapshots (a cache: nothing to migrate).
    this.version(2).stores({ rowSnapshots: 'study' })
    // Version 3 adds how far each remote's segments were pulled (new: nothing to migrate).
    this.version(3).stores({ pullMarks: '[remote+key]' })
  }
}
