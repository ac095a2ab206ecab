/**
 * The background upkeep of study summaries (summary.ts) by one connection:
 * storing a summary built from a study's first full read, and compacting the
 * runs written since a head into it (after every so many writes by this
 * connection, or when a read met many). One piece of work per study at a
 * time; a failure only leaves a later reader a longer read.
 */
import type { DexieConnection } from './connection.js'
import { compactSummary } from './summary-compact.js'

/** A connection's writes to a study after which it checks the study's summary… */
const COMPACT_WRITES = 1000
/** …and compacts it if at least this many runs were written since its head. */
const COMPACT_DELTA = 256

/** Summary work in the background, for one connection. */
export class SummaryUpkeep {
  private readonly work = new Map<string, Promise<void>>()
  private readonly writes = new Map<string, number>()
  private all: Promise<void> = Promise.resolve()
  /** Summaries stored after a full read, and compactions done (for tests and benchmarks). */
  builds = 0
  compactions = 0

  constructor(private readonly conn: DexieConnection) {}

  /** Notes a write to one of the study's runs; every so many, compacts the study when enough runs changed. */
  wrote(study: string): void {
    const n = (this.writes.get(study) ?? 0) + 1
    if (n < COMPACT_WRITES) {
      this.writes.set(study, n)
      return
    }
    this.writes.delete(study)
    void this.compact(study, COMPACT_DELTA)
  }

  /** Compacts the study's summary (when `minDelta` runs or more were written since its head). */
  compact(study: string, minDelta = 1): Promise<void> {
    return this.queue(study, async () => {
      if (await compactSummary(this.conn, study, minDelta)) this.compactions++
    })
  }

  /** Stores a summary built from a full read (`write`, from `buildSummary`). */
  store(study: string, write: () => Promise<void>): Promise<void> {
    return this.queue(study, async () => {
      await write()
      this.builds++
    })
  }

  /** Resolves once every piece of work begun so far is over (for tests and benchmarks). */
  idle(): Promise<void> {
    return this.all
  }

  private queue(study: string, job: () => Promise<void>): Promise<void> {
    const next = (this.work.get(study) ?? Promise.resolve()).then(job).catch(() => undefined)
    this.work.set(study, next)
    this.all = Promise.all([this.all, next]).then(() => undefined)
    void next.then(() => {
      if (this.work.get(study) === next) this.work.delete(study)
    })
    return next
  }
}
