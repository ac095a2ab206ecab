/**
 * The records a dump is made of (docs/dump-format.md), as plain data: what the
 * decoder produces, what a reader of another tool's file produces, and what the
 * merge applies. Types and constants only.
 */
import type { LogEntry, Metrics, RunConfig, RunOrigin, RunState } from '../model/run.js'
import type { Objective, OracleSpec, Study } from '../model/study.js'
import type { Params } from '../model/params.js'
import type { Values } from '../model/values.js'
import type { Line } from './lines.js'

/** The format name in every dump header. */
export const DUMP_FORMAT = 'diviner-local-dump'
/** The format version this code writes and reads. */
export const DUMP_VERSION = 1

/** What a dump covers, as its header says. */
export type DumpCovers =
  | { readonly kind: 'all' }
  | { readonly kind: 'studies'; readonly studies: readonly string[] }
  | { readonly kind: 'runs'; readonly runs: readonly string[] }
  | { readonly kind: 'delta'; readonly since: Checkpoint }

/** A point in a database's history: changes after it go into the next delta. */
export interface Checkpoint { readonly db: string; readonly rev: number }

/** The first line of a dump (and of each appended member). */
export interface DumpHeader {
  readonly format: typeof DUMP_FORMAT
  readonly version: number
  /** The exporting database's id. */
  readonly origin: string
  readonly exported: Date
  readonly covers: DumpCovers
  /** Where a delta of the exporting database continues from. */
  readonly checkpoint: Checkpoint
}

/**
 * A study's note, as stores keep it and dumps carry it (model/annotations.ts):
 * the text and when it was last edited (epoch ms). Absent when never edited; a
 * note removed is '' with its time, so the removal wins over older text.
 */
export interface StudyNotes {
  readonly note?: string
  readonly noteAt?: number
}

/** A run's note and tags, each with the time of its last edit (epoch ms); merged field by field. */
export interface RunNotes {
  readonly note?: string
  readonly noteAt?: number
  readonly tags?: readonly string[]
  readonly tagsAt?: number
}

/**
 * A study as a store keeps it: its definition with every default filled in,
 * when it was first created anywhere, and the last seq handed out locally.
 */
export interface StoredStudy extends StudyNotes {
  readonly name: string
  readonly objective: Objective
  readonly params: Params
  readonly replicates: number
  readonly description: string
  readonly oracle: OracleSpec
  /** The command template, when the study has one. */
  readonly command?: string
  /** When the study was first created anywhere (epoch ms; an import keeps the earliest definition). */
  readonly created: number
  /** The last seq handed out here (by nextSeq, insertRun or an import). */
  readonly counter: number
}

/** A run's descriptive part, without its history and log. Times are epoch ms; runtime is ms. */
export interface RunFields extends RunNotes {
  /** Global identity, assigned at first insert anywhere; never changes. */
  readonly id: string
  readonly study: string
  /** The local seq. */
  readonly seq: number
  /** The database that first inserted the run, and its seq there. */
  readonly origin: RunOrigin
  readonly values: Values
  readonly replicate: number
  readonly state: RunState
  readonly status: string
  readonly config: RunConfig
  readonly created: number
  readonly updated: number
  readonly runtime: number
  readonly retries: number
}

/** A run as a store keeps it, for merging and exporting: its fields and the length of its history and log. */
export interface StoredRun extends RunFields {
  /** Entries in the metric history. */
  readonly mCount: number
  /** Entries in the log. */
  readonly lCount: number
}

/** A run's descriptive part as a dump carries it (history and log travel in their own records). */
export interface RunHead extends RunFields {
  /** Metric entries and log entries the run had when written (informational). */
  readonly metricCount: number
  readonly logCount: number
  /** When the run was deleted (epoch ms): the line is its tombstone. */
  readonly deleted?: number
}

/**
 * A deleted study or run, as stores keep it and dumps carry it (a study or run
 * line with `deleted`), so that a merge does not bring it back: its last
 * definition or fields, and when it was deleted (epoch ms).
 */
export type Tombstone =
  | { readonly kind: 'study'; readonly study: StoredStudy; readonly deleted: number }
  | { readonly kind: 'run'; readonly run: StoredRun; readonly deleted: number }

/** One decoded line of a dump. */
export type DumpRecord =
  | { readonly type: 'header'; readonly header: DumpHeader }
  | { readonly type: 'study'; readonly study: Study; readonly created: number; readonly notes?: StudyNotes; readonly deleted?: number }
  | { readonly type: 'run'; readonly run: RunHead }
  | { readonly type: 'metrics'; readonly run: string; readonly from: number; readonly entries: Metrics[] }
  | { readonly type: 'log'; readonly run: string; readonly from: number; readonly entries: LogEntry[] }

/**
 * A study definition read from another tool's file (an Optuna study): merged
 * into a study of the same name only when that study came from the same source
 * (params widened as a longer file brings new ones), else a conflict.
 */
export interface ForeignStudyRecord { readonly type: 'foreign-study'; readonly study: Study; readonly created: number }

/** A record the merge applies: a dump record, or a study read from another tool's file. */
export type MergeRecord = DumpRecord | ForeignStudyRecord

/** One record to merge and the line it came from (named by errors). */
export interface MergeItem { readonly line: Line; readonly record: MergeRecord }

/** The kinds of file an import reads, recognised by their content. */
export type ImportSource = 'diviner-dump' | 'optuna-journal' | 'optuna-sqlite'

/**
 * A reader of a file (a dump, or another tool's file), turning it into merge
 * records: it yields them in chunks, in order (a study before its runs, a run
 * before its history), and counts the bytes it has read. Its errors are
 * DivinerErrors naming the line.
 */
export interface RecordReader {
  readonly kind: ImportSource
  readonly records: AsyncIterable<readonly MergeItem[]>
  /** Bytes of the source read so far. */
  bytesRead(): number
}
