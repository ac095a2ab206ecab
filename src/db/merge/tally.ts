/**
 * An import's tallies (SPEC §3): what happened to each run a line named
 * (added, updated, unchanged or rejected, with the reasons), and the summary
 * types an import resolves to.
 */
import type { ImportSource, RunHead } from '../dump/records.js'

/** One run the import did not take, and why. */
export interface Rejection {
  /** `study:seq` as the dump names it. */
  readonly run: string
  readonly id: string
  readonly reason: string
}

/** What an import did (SPEC §6). */
export interface ImportSummary {
  /** What kind of file was read: a Diviner dump, an Optuna JournalStorage log or an Optuna RDB storage (SQLite). */
  readonly source: ImportSource
  /** The ids of the databases the dump came from. */
  readonly origins: string[]
  readonly studies: { added: number; updated: number; unchanged: number; conflicts: number }
  readonly runs: { added: number; updated: number; unchanged: number; rejected: number }
  /** Each conflicting study and why. */
  readonly conflicts: { study: string; reason: string }[]
  /** Rejected runs with reasons (the first 1,000). */
  readonly rejections: Rejection[]
  readonly records: number
  readonly bytes: number
}

const MAX_LISTED_REJECTIONS = 1000

type RunOutcome = 'added' | 'updated' | 'unchanged' | 'rejected'

/** What happened to each run of an import, by id. */
export class RunTally {
  private readonly outcome = new Map<string, RunOutcome>()
  /** The first `MAX_LISTED_REJECTIONS` rejections. */
  readonly rejections: Rejection[] = []
  private rejected = 0

  /**
   * Rejects a run line. A run that an earlier line of this import already took
   * stays taken (its later history lines still apply); the line is ignored.
   */
  reject(head: Pick<RunHead, 'study' | 'seq' | 'id'>, reason: string): void {
    if (this.outcome.has(head.id)) return
    this.outcome.set(head.id, 'rejected')
    this.rejected++
    if (this.rejections.length < MAX_LISTED_REJECTIONS) this.rejections.push({ run: `${head.study}:${head.seq}`, id: head.id, reason })
  }

  /**
   * Notes that a run line was taken. A run an earlier line rejected (its study
   * came later in the dump) is taken after all: it no longer counts as rejected,
   * and its history lines from here on apply.
   */
  taken(id: string, outcome: 'added' | 'unchanged'): void {
    const was = this.outcome.get(id)
    if (was === 'rejected') {
      this.rejected--
      const listed = this.rejections.findIndex((r) => r.id === id)
      if (listed >= 0) this.rejections.splice(listed, 1)
    }
    if (was === undefined || was === 'rejected') this.outcome.set(id, outcome)
  }

  /** Notes that a taken run changed (it counts as updated unless it was added). */
  updated(id: string): void {
    if (this.outcome.get(id) === 'unchanged') this.outcome.set(id, 'updated')
  }

  /** True when the run's lines were rejected (so far). */
  isRejected(id: string): boolean {
    return this.outcome.get(id) === 'rejected'
  }

  /** The counts of the summary. */
  counts(): { added: number; updated: number; unchanged: number; rejected: number } {
    const runs = { added: 0, updated: 0, unchanged: 0, rejected: this.rejected }
    for (const outcome of this.outcome.values()) if (outcome !== 'rejected') runs[outcome]++
    return runs
  }
}
