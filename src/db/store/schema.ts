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
import type { RunNotes, StudyNotes, Tombstone } from '../dump/records.js'
export type { LogEntry } from '../model/run.js'
import type { HistoryPicture } from '../analysis/study.js'
import type { TrialBoard } from '../analysis/trial-board.js'
import type { Objective, OracleSpec } from '../model/study.js'
import type { Params } from '../model/params.js'
import type { Values } from '../model/values.js'
import type { PullMark } from '../sync/segments.js'
import type { HistoryColumns } from './history-columns.js'
import type { RowColumns } from './row-columns.js'

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
export interface StudyRecord extends StudyNotes {
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
export interface RunRecord extends RunNotes {
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
  /**
   * The run's study when it has a note or tags, else absent: a sparse index,
   * so a study's annotated runs are found without reading all its runs.
   */
  annotated?: string
}

/** `rec` with `annotated` set when it has a note or tags, and absent otherwise. */
export function withAnnotated(rec: RunRecord): RunRecord {
  const has = (rec.note !== undefined && rec.note !== '') || (rec.tags !== undefined && rec.tags.length > 0)
  if (has) return rec.annotated === rec.study ? rec : { ...rec, annotated: rec.study }
  if (rec.annotated === undefined) return rec
  const { annotated: _, ...rest } = rec
  return rest
}

/** A sealed, immutable chunk of a run's metric history: entries from `chunk * METRIC_CHUNK`. */
export interface MetricChunkRecord { run: string; chunk: number; entries: Metrics[] }

/** A sealed, immutable chunk of a run's log: entries from index `from`. */
export interface LogChunkRecord { run: string; chunk: number; from: number; entries: LogEntry[] }

/**
 * A deleted study or run (a tombstone, docs/dump-format.md): what it was, when
 * it was deleted, and the change counter then (a delta export carries it).
 * `key` is `study:<name>` or `run:<id>`.
 */
export interface TombstoneRecord {
  key: string
  /** The study deleted, or the study of the run deleted. */
  study: string
  deleted: number
  rev: number
  tombstone: Tombstone
}

/** The key of a study's tombstone. */
export function studyTombstoneKey(name: string): string {
  return `study:${name}`
}

/** The key of a run's tombstone. */
export function runTombstoneKey(id: string): string {
  return `run:${id}`
}

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
  /** The studies whose runs the batch wrote (their summaries are dropped if it is undone; absent in undo records of older versions: all are). */
  studies?: string[]
  /** Tombstones the batch added, by key, and the earlier versions of those it replaced (absent when none). */
  insertedTombstones?: string[]
  priorTombstones?: TombstoneRecord[]
}

/**
 * Where a study's summary stands (summary.ts): every run of the study whose
 * record's `rev` is at most `rev` is in the study's segments, as of that rev;
 * runs written since are read from their records (the `[study+rev]` index).
 */
export interface SummaryHeadRecord {
  study: string
  rev: number
  /** The number the next segment gets. */
  next: number
  /** Rows in all segments, superseded ones included (when far above the study's runs, the segments are rewritten). */
  rows: number
}

/** Some runs of a study as rows in columns (row-columns.ts), each at the rev it had. */
export interface SegmentRecord { study: string; n: number; rows: RowColumns }

/** The metric histories of the runs of the segment of the same key, in its order (history-columns.ts). */
export interface HistorySegmentRecord { study: string; n: number; histories: HistoryColumns }

/** How far one segment of a remote was pulled (see sync/segments.ts). */
export interface PullMarkRecord extends PullMark {
  remote: string
  key: string
}

/**
 * The remote this page syncs with, as the Sync panel set it: the bucket, the
 * keys (kept in this browser's storage only; never exported), and how often
 * to sync. `id` is always 'remote' (one remote).
 */
export interface RemoteRecord {
  id: 'remote'
  endpoint: string
  bucket: string
  prefix: string
  region: string
  pathStyle: boolean
  accessKeyId: string
  secretAccessKey: string
  /** Sync automatically (after changes, and every `everySeconds` while online). */
  auto: boolean
  everySeconds: number
}

/** How far this database pushed to a remote: the change counter its last push covered. */
export interface PushStateRecord {
  remote: string
  rev: number
}

/**
 * A study's default leaderboard and objective history kept for its first
 * screen (kept-boards.ts): its best trials as ranked when the study's rows
 * were current to database rev `rev` (rollback epoch `epoch`), good until
 * `validUntil` (ms; a pending run goes stale then).
 */
export interface KeptBoardRecord {
  study: string
  /** What it ranks by: `keptBoardKey(objective)`. */
  key: string
  rev: number
  epoch: number
  validUntil: number
  /** The board, its trials cut to the best `KEPT_TRIALS`, with their Optuna trial numbers. */
  board: TrialBoard
  /** The objective history over seq by the same objective, drawn from the same rows (absent from boards kept before it was). */
  history?: HistoryPicture
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
  pullMarks!: Table<PullMarkRecord, [string, string]>
  remotes!: Table<RemoteRecord, string>
  pushStates!: Table<PushStateRecord, string>
  summaryHeads!: Table<SummaryHeadRecord, string>
  segments!: Table<SegmentRecord, [string, number]>
  historySegments!: Table<HistorySegmentRecord, [string, number]>
  tombstones!: Table<TombstoneRecord, string>
  keptBoards!: Table<KeptBoardRecord, string>

  constructor(name: string) {
    super(name, { cache: 'disabled' })
    // Dexie's observability tracks the keys each write transaction writes and posts them to every other context on
    // the origin when it commits, for its liveQuery; nothing here uses liveQuery (writes are announced on the
    // worker's own changes channel, worker/changes.ts), so that work is left out.
    this.unuse({ stack: 'dbcore', name: 'Observability' })
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
    // Version 4 keeps each study's runs summarised in columns (summary.ts), maintained as runs are written,
    // in place of the row cache's snapshots; runs gain a per-study index of revs (what a summary has yet to
    // take in; its last entry is also the study's last activity) in place of [study+touched] (each index
    // costs every run write, about a tenth of a millisecond in Chromium). Summaries are built on first use:
    // nothing to migrate.
    this.version(4).stores({
      runs: 'id, &[study+seq], rev, [study+rev]',
      rowSnapshots: null,
      summaryHeads: 'study',
      segments: '[study+n]',
      historySegments: '[study+n]',
    })
    // Version 5 adds sync: the remote a page syncs with (its keys stay in this browser only) and what it pushed there.
    this.version(5).stores({ remotes: 'id', pushStates: 'remote' })
    // Version 6 indexes the runs that have a note or tags by study (a sparse index: only those runs are in it;
    // no run had either before, so nothing to migrate).
    this.version(6).stores({ runs: 'id, &[study+seq], rev, [study+rev], annotated' })
    // Version 7 keeps the tombstones of deleted studies and runs, so that a merge does not bring them back (new: nothing to migrate).
    this.version(7).stores({ tombstones: 'key, rev' })
    // Version 8 keeps big studies' default leaderboards for their first screen (a cache: nothing to migrate).
    this.version(8).stores({ keptBoards: 'study' })
  }
}
