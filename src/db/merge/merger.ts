/**
 * The merge of SPEC §4, store-agnostic: it applies records to a store batch by
 * batch through `MergeSession`, deciding per record what changes, and keeps the
 * import's tallies for its summary.
 */
import { DivinerError } from '../model/errors.js'
import { studiesEquivalent, type Study } from '../model/study.js'
import type { DumpRecord, ImportSource, MergeItem, MergeRecord, RunHead, StoredStudy, StudyNotes } from '../dump/records.js'
import { badDump, type Line } from '../dump/lines.js'
import { widenStudy } from '../optuna/study.js'
import { RunTally, type ImportSummary } from './tally.js'
import { descriptionPrecedes, headWins, mergeRunNotes, mergeStudyNotes, runNotesOf, type StudyDescription } from './rules.js'
import type { MergeBatch, MergeSession } from './target.js'

export type { ImportSummary, Rejection } from './tally.js'

type StudyOutcome = 'added' | 'existing' | 'conflict' | 'deleted'

/** Merges batches of records into a store, keeping the import's tallies. */
export class Merger {
  /** Records (lines after the header) applied so far. */
  records = 0
  /** Batches applied so far. */
  batches = 0
  private readonly origins = new Set<string>()
  private readonly studyOutcome = new Map<string, StudyOutcome>()
  private readonly studyChanged = new Set<string>()
  private readonly conflicts: { study: string; reason: string }[] = []
  /** What happened to each run line's run, and the rejections. */
  private readonly runs = new RunTally()
  /** Runs deleted (here or by a tombstone of the import): their history lines are ignored. */
  private readonly gone = new Set<string>()

  constructor(private readonly session: MergeSession) {}

  /** Applies one batch atomically; followers hear of the studies it changed. */
  async apply(items: readonly MergeItem[]): Promise<void> {
    if (items.length === 0) return
    const names = new Set<string>()
    const ids = new Set<string>()
    let records = 0
    for (const { record: r } of items) {
      if (r.type !== 'header') records++
      if (r.type === 'study' || r.type === 'foreign-study') names.add(r.study.name)
      else if (r.type === 'run') { names.add(r.run.study); ids.add(r.run.id) } else if (r.type !== 'header') ids.add(r.run)
    }
    await this.session.apply([...names], [...ids], (batch) => {
      for (const { record, line } of items) this.applyRecord(batch, record, line)
    })
    this.batches++
    this.records += records
    this.session.announce([...names].filter((name) => this.studyChanged.has(name)))
  }

  private applyRecord(batch: MergeBatch, record: MergeRecord, line: Line): void {
    switch (record.type) {
      case 'header': this.origins.add(record.header.origin); return
      case 'study':
        if (record.deleted !== undefined) { this.applyStudyTombstone(batch, record.study, record.created, record.deleted); return }
        if (this.studyGone(batch, record.study.name, record.created)) return
        this.applyStudy(batch, record.study, record.created)
        if (record.notes) this.applyStudyNotes(batch, record.study.name, record.notes)
        return
      case 'foreign-study': this.applyForeignStudy(batch, record.study, record.created); return
      case 'run': this.applyRun(batch, record.run); return
      case 'metrics':
      case 'log': this.applyHistory(batch, record, line)
    }
  }

  private applyStudy(batch: MergeBatch, study: Study, created: number): void {
    const local = batch.study(study.name)
    const incoming: StudyDescription = {
      replicates: study.replicates ?? 0, description: study.description ?? '', oracle: study.oracle ?? { name: 'grid' }, created,
      ...(study.command ? { command: study.command } : {}),
    }
    if (!local) {
      batch.putStudy({ name: study.name, objective: study.objective, params: study.params, ...incoming, counter: 0 })
      this.studyOutcome.set(study.name, 'added')
      return
    }
    if (this.studyOutcome.get(study.name) === 'conflict') return
    if (!studiesEquivalent(local, study)) {
      this.conflict(study.name, `study ${study.name} here has a different objective or params than the dump's; kept this one, rejected the dump's runs`)
      return
    }
    if (!this.studyOutcome.has(study.name)) this.studyOutcome.set(study.name, 'existing')
    if (descriptionPrecedes(incoming, local)) {
      batch.putStudy({ ...local, ...incoming })
      this.studyChanged.add(study.name)
    }
  }

  /**
   * True when a study definition created at `created` was deleted here (a
   * tombstone at or after its creation): it is not brought back.
   */
  private studyGone(batch: MergeBatch, name: string, created: number): boolean {
    const deleted = batch.deletedStudy(name)
    if (deleted === undefined || created > deleted) return false
    if (!this.studyOutcome.has(name)) this.studyOutcome.set(name, batch.study(name) ? 'existing' : 'deleted')
    return true
  }

  /** A study's tombstone: recorded unless a later one is here; the store removes what it covers. */
  private applyStudyTombstone(batch: MergeBatch, study: Study, created: number, deleted: number): void {
    const here = batch.deletedStudy(study.name)
    if (!this.studyOutcome.has(study.name)) this.studyOutcome.set(study.name, 'existing')
    if (here !== undefined && here >= deleted) return
    const local = batch.study(study.name)
    const def: StoredStudy = local ?? {
      name: study.name, objective: study.objective, params: study.params, replicates: study.replicates ?? 0,
      description: study.description ?? '', oracle: study.oracle ?? { name: 'grid' }, created, counter: 0,
    }
    batch.putTombstone({ kind: 'study', study: def, deleted })
    if (local) this.studyChanged.add(study.name)
  }

  /** A study's note, merged by last writer wins (rules.ts); a conflicting study's is ignored. */
  private applyStudyNotes(batch: MergeBatch, name: string, notes: StudyNotes): void {
    const local = batch.study(name)
    if (!local || this.studyOutcome.get(name) === 'conflict') return
    const merged = mergeStudyNotes(local, notes)
    if (merged === undefined) return
    batch.putStudy({ ...local, ...merged })
    this.studyChanged.add(name)
  }

  private conflict(study: string, reason: string): void {
    this.studyOutcome.set(study, 'conflict')
    this.conflicts.push({ study, reason })
  }

  /** A study from another tool's file: added, or widened when the study here came from the same source, else a conflict. */
  private applyForeignStudy(batch: MergeBatch, study: Study, created: number): void {
    const source = (study.oracle as { source?: unknown } | undefined)?.source
    if (typeof source === 'string') this.origins.add(source)
    const local = batch.study(study.name)
    if (!local) { this.applyStudy(batch, study, created); return }
    if (this.studyOutcome.get(study.name) === 'conflict') return
    const merged = widenStudy(local, study)
    if (!merged) {
      const tool = String(source).startsWith('optuna:') ? 'Optuna' : 'imported'
      this.conflict(study.name, `study ${study.name} here is not the same ${tool} study as the file's (${String(source)}); kept this one, rejected the file's runs`)
      return
    }
    if (!this.studyOutcome.has(study.name)) this.studyOutcome.set(study.name, 'existing')
    if (!studiesEquivalent(local, merged) || merged.description !== local.description) {
      batch.putStudy({ ...local, params: merged.params, description: merged.description ?? local.description, oracle: merged.oracle ?? local.oracle })
      this.studyChanged.add(study.name)
    }
  }

  private reject(head: Pick<RunHead, 'study' | 'seq' | 'id'>, reason: string): void {
    this.runs.reject(head, reason)
  }

  private applyRun(batch: MergeBatch, head: RunHead): void {
    if (this.studyOutcome.get(head.study) === 'conflict') {
      this.reject(head, `study ${head.study} conflicts with the one here`)
      return
    }
    if (head.deleted !== undefined) { this.applyRunTombstone(batch, head, head.deleted); return }
    if (batch.deletedRun(head.id) !== undefined || this.runOfDeletedStudy(batch, head)) {
      // Deleted here: not brought back; its history lines are ignored too.
      this.gone.add(head.id)
      this.taken(head.id, 'unchanged')
      return
    }
    const study = batch.study(head.study)
    if (!study) {
      this.reject(head, batch.deletedStudy(head.study) === undefined ? `study ${head.study} is neither in the dump nor here` : `study ${head.study} was deleted here`)
      return
    }
    const local = batch.run(head.id)
    if (!local) {
      // The run keeps its seq where that seq is free here, else takes the next one.
      const seq = head.seq > study.counter ? head.seq : study.counter + 1
      batch.putStudy({ ...study, counter: seq })
      batch.putRun({
        id: head.id, study: head.study, seq, origin: head.origin, values: head.values, replicate: head.replicate,
        state: head.state, status: head.status, config: head.config, created: head.created, updated: head.updated,
        runtime: head.runtime, retries: head.retries, mCount: 0, lCount: 0, ...runNotesOf(head),
      })
      this.taken(head.id, 'added')
      this.studyChanged.add(head.study)
      return
    }
    if (local.study !== head.study) {
      this.reject(head, `run ${head.id} belongs to study ${local.study} here`)
      return
    }
    this.taken(head.id, 'unchanged')
    const wins = headWins(head, local)
    const notes = mergeRunNotes(local, head)
    if (wins || notes !== undefined) {
      const state = wins ? { state: head.state, status: head.status, updated: head.updated, runtime: head.runtime, retries: head.retries } : {}
      batch.putRun({ ...local, ...state, ...notes })
      this.changed(head.id, head.study)
    }
  }

  /** True when the run belongs to a study deleted after the run was created (a tombstone covers it). */
  private runOfDeletedStudy(batch: MergeBatch, head: RunHead): boolean {
    const deleted = batch.deletedStudy(head.study)
    return deleted !== undefined && head.created <= deleted
  }

  /** A run's tombstone: recorded unless a later one is here; the store removes the run. */
  private applyRunTombstone(batch: MergeBatch, head: RunHead, deleted: number): void {
    this.gone.add(head.id)
    const here = batch.deletedRun(head.id)
    const local = batch.run(head.id)
    if (local && local.study !== head.study) {
      this.reject(head, `run ${head.id} belongs to study ${local.study} here`)
      return
    }
    this.taken(head.id, 'unchanged')
    if (here !== undefined && here >= deleted) return
    const { metricCount: _m, logCount: _l, deleted: _d, ...fields } = head
    batch.putTombstone({ kind: 'run', run: local ?? { ...fields, mCount: 0, lCount: 0 }, deleted })
    if (local) this.changed(head.id, head.study)
  }

  private taken(id: string, outcome: 'added' | 'unchanged'): void {
    this.runs.taken(id, outcome)
  }

  private changed(id: string, study: string): void {
    this.runs.updated(id)
    this.studyChanged.add(study)
  }

  /** Appends the entries of a history line beyond what the run has (histories merge by index). */
  private applyHistory(batch: MergeBatch, record: DumpRecord & { type: 'metrics' | 'log' }, line: Line): void {
    if (this.runs.isRejected(record.run) || this.gone.has(record.run) || batch.deletedRun(record.run) !== undefined) return
    const local = batch.run(record.run)
    if (!local) throw badDump(line.no, `${record.type} for run ${record.run}, which is neither earlier in the dump nor here`)
    const have = record.type === 'metrics' ? local.mCount : local.lCount
    if (record.from > have) {
      const what = record.type === 'metrics' ? 'metric history' : 'log'
      throw badDump(line.no, `the ${what} of run ${record.run} continues at entry ${record.from}, but neither the dump before this line nor this database has entries ${have}..${record.from - 1}`)
    }
    if (record.entries.length - (have - record.from) <= 0) return
    if (record.type === 'metrics') batch.appendMetrics(local.id, record.entries.slice(have - record.from))
    else batch.appendLog(local.id, record.entries.slice(have - record.from))
    this.changed(local.id, local.study)
  }

  /** The studies whose data the import changed so far. */
  changedStudies(): ReadonlySet<string> {
    return this.studyChanged
  }

  /** The summary of what was applied, given the bytes read and the kind of file. */
  summary(bytes: number, source: ImportSource): ImportSummary {
    const studies = { added: 0, updated: 0, unchanged: 0, conflicts: 0 }
    for (const [name, outcome] of this.studyOutcome) {
      if (outcome === 'added') studies.added++
      else if (outcome === 'conflict') studies.conflicts++
      else if (outcome === 'deleted') studies.unchanged++
      else if (this.studyChanged.has(name)) studies.updated++
      else studies.unchanged++
    }
    return {
      source, origins: [...this.origins], studies, runs: this.runs.counts(), conflicts: this.conflicts,
      rejections: this.runs.rejections, records: this.records, bytes,
    }
  }
}

/** Throws a DivinerError of code `aborted` when the import was cancelled (its batches are then undone). */
export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DivinerError('aborted', 'the import was cancelled; the database is as it was before')
}
