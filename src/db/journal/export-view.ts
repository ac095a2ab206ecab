/**
 * What an export reads of a journal directory: its state as this process has
 * read it, refreshed first. The change counter is this process's own, so a
 * checkpoint of a journal is good for deltas within one process only.
 */
import { withoutOrigins, type ExportRun, type ExportView } from '../dump/export.js'
import type { StoredStudy } from '../dump/records.js'
import { notExist } from '../model/errors.js'
import type { JournalRun, JournalState } from './state.js'
import type { Tombstone } from '../dump/records.js'

function exportRun(run: JournalRun): ExportRun {
  return { run, metrics: run.metrics, log: run.log }
}

/** A run's line alone, without its history and log. */
function bareRun(run: JournalRun): ExportRun {
  return { run, metrics: [], log: [] }
}

/** What the export view needs of a journal database. */
export interface JournalSource {
  readonly state: JournalState
  id(): Promise<string>
  clock(): number
  /** Reads what other processes appended since the last look. */
  refresh(): boolean
}

/** The export view of a journal directory. */
export class JournalExportView implements ExportView {
  private sorted: { study: string; rev: number; runs: JournalRun[] } | undefined

  constructor(private readonly db: JournalSource) {}

  id(): Promise<string> { return this.db.id() }
  clock(): number { return this.db.clock() }

  async changeCounter(): Promise<number> {
    await this.db.id()
    this.db.refresh()
    return this.db.state.rev
  }

  async studyNames(): Promise<string[]> {
    await this.db.id()
    this.db.refresh()
    return [...this.db.state.studies.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  }

  async study(name: string): Promise<StoredStudy | undefined> {
    return this.db.state.studies.get(name)
  }

  async runPage(study: string, afterSeq: number, limit: number, skip?: ReadonlySet<string>): Promise<{ runs: ExportRun[]; last: number }> {
    const state = this.db.state
    if (this.sorted?.study !== study || this.sorted.rev !== state.rev) this.sorted = { study, rev: state.rev, runs: state.runsOf(study) }
    const runs = this.sorted.runs
    let lo = 0
    let hi = runs.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((runs[mid] as JournalRun).seq <= afterSeq) lo = mid + 1
      else hi = mid
    }
    const page = runs.slice(lo, lo + limit)
    return { runs: withoutOrigins(page, skip).map(({ run, bare }) => (bare ? bareRun(run) : exportRun(run))), last: page.at(-1)?.seq ?? afterSeq }
  }

  async namedRuns(names: readonly { study: string; seq: number }[]): Promise<ExportRun[]> {
    await this.db.id()
    this.db.refresh()
    return names.map(({ study, seq }) => {
      const run = this.db.state.runAt(study, seq)
      if (!run) throw notExist(`no run ${study}:${seq}`)
      return exportRun(run)
    })
  }

  async changedStudies(since: number): Promise<StoredStudy[]> {
    return [...this.db.state.studies.values()].filter((s) => s.rev > since)
  }

  async changedRuns(after: number, limit: number, skip?: ReadonlySet<string>): Promise<{ runs: ExportRun[]; last: number }> {
    const runs = [...this.db.state.runs.values()].filter((r) => r.rev > after).sort((a, b) => a.rev - b.rev).slice(0, limit)
    return { runs: withoutOrigins(runs, skip).map(({ run, bare }) => (bare ? bareRun(run) : exportRun(run))), last: runs.at(-1)?.rev ?? after }
  }

  async tombstones(since?: number): Promise<Tombstone[]> {
    return [...this.db.state.tombstones.values()].filter((t) => since === undefined || t.rev > since).sort((a, b) => a.rev - b.rev).map((t) => t.tombstone)
  }
}
