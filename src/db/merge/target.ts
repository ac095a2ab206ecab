/**
 * The narrow interface a merge writes through: what any store (IndexedDB in
 * the browser, a journal directory in Node) offers an import. The merge reads
 * the studies and runs a batch names, decides, and hands back what changed;
 * the store makes each batch atomic and the whole import undoable.
 */
import type { LogEntry, Metrics } from '../model/run.js'
import type { StoredRun, StoredStudy, Tombstone } from '../dump/records.js'

/** One batch of a merge, as the store shows it: reads of what the batch named, and the writes it makes. */
export interface MergeBatch {
  /** The study of that name, as stored or as this batch left it. */
  study(name: string): StoredStudy | undefined
  /** The run of that id, as stored or as this batch left it. */
  run(id: string): StoredRun | undefined
  /** Stores a study (new, or a changed definition or counter). */
  putStudy(study: StoredStudy): void
  /** Stores a new run (its counts must be 0), or new fields of a run (its counts must be what is stored). */
  putRun(run: StoredRun): void
  /** Appends entries to the run's metric history, after the ones it has. */
  appendMetrics(id: string, entries: readonly Metrics[]): void
  /** Appends entries to the run's log, after the ones it has. */
  appendLog(id: string, entries: readonly LogEntry[]): void
  /** When the study of that name was deleted (its tombstone), epoch ms, or undefined. */
  deletedStudy(name: string): number | undefined
  /** When the run of that id was deleted (its tombstone), epoch ms, or undefined. */
  deletedRun(id: string): number | undefined
  /**
   * Records a tombstone: a study deleted at `deleted` (its definition created
   * by then and every run of it go; when a definition made after the delete
   * stays, only its runs created by then), or a run deleted at `deleted`. The
   * store removes what the tombstone covers, in the batch or once the import commits.
   */
  putTombstone(tombstone: Tombstone): void
}

/** An import in progress in one store. */
export interface MergeSession {
  /** The id of the database merged into (runs first inserted there have it as origin). */
  readonly localId: string
  /**
   * Applies one batch atomically: loads the named studies and runs, lets
   * `merge` read and change them, and stores what it changed. Rejects (with
   * nothing of the batch stored) when the store fails or `merge` throws.
   */
  apply(names: readonly string[], ids: readonly string[], merge: (batch: MergeBatch) => void): Promise<void>
  /** Tells this store's followers that these studies changed (the page lists a study while its import goes on). */
  announce(studies: Iterable<string>): void
  /** Makes every applied batch permanent; `changed` are the studies the import changed. */
  commit(changed: ReadonlySet<string>): Promise<void>
  /**
   * Undoes every applied batch: the store is as before the import, which failed
   * with `cause`. When the undo cannot finish now, rejects with an error that
   * says so (and when the rest will be undone).
   */
  rollback(cause: unknown): Promise<void>
}

/** What a store may know of an import before it starts. */
export interface MergeOptions {
  /**
   * The remote the records come from (a pull), by the name its push state is
   * kept under. A store that keeps one may count what the import writes as
   * already pushed there, where nothing unpushed comes before it: the remote
   * has it, and a push that read it back would send nothing.
   */
  readonly from?: string
}

/** A store an import can merge into. */
export interface MergeTarget {
  /** Starts an import; close it with `commit` or `rollback`. */
  beginMerge(options?: MergeOptions): Promise<MergeSession>
}
