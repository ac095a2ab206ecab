/**
 * What a journal directory holds, in memory: every study and run with its
 * whole history and log, built by replaying the directory's records. Replay
 * follows the dump merge rules (docs/dump-format.md), except that a run's
 * seq is taken as written: every writer of a directory reserves seqs through
 * the same counters, so seqs are the directory's own.
 */
import type { DumpRecord, RunHead, StoredRun, StoredStudy, StudyNotes, Tombstone } from '../dump/records.js'
import { canonicalJson, descriptionPrecedes, headWins, mergeRunNotes, mergeStudyNotes, runNotesOf } from '../merge/rules.js'
import { studiesEquivalent, type Study } from '../model/study.js'
import type { LogEntry, Metrics } from '../model/run.js'

/** `T` with its fields writable: the journal state changes its records in place. */
type Writable<T> = { -readonly [K in keyof T]: T[K] }

/** A study as the journal state keeps it. */
export interface JournalStudy extends Writable<StoredStudy> {
  /** The latest of its creation and any update of one of its runs, epoch ms. */
  activity: number
  /** The state's change counter at its last change. */
  rev: number
}

/** A run as the journal state keeps it: its fields, whole history and log. */
export interface JournalRun extends Writable<StoredRun> {
  metrics: Metrics[]
  log: LogEntry[]
  /** The state's change counter at its last change. */
  rev: number
}

/** Something wrong in a journal that was skipped, for the user to hear of once. */
export interface JournalProblem { readonly file: string; readonly line: number; readonly reason: string }

/** The studies and runs of a journal directory. */
export class JournalState {
  readonly studies = new Map<string, JournalStudy>()
  readonly runs = new Map<string, JournalRun>()
  /** Tombstones of deleted studies and runs, by key (`study:<name>`, `run:<id>`), with the change counter at their last change. */
  readonly tombstones = new Map<string, { tombstone: Tombstone; rev: number }>()
  private readonly bySeq = new Map<string, Map<number, string>>()
  /** Counts every change; what a delta export selects on (valid within this process). */
  rev = 0

  /** Forgets everything (to replay the directory again). */
  clear(): void {
    this.studies.clear()
    this.runs.clear()
    this.tombstones.clear()
    this.bySeq.clear()
  }

  /** The run `study:seq`, or undefined. */
  runAt(study: string, seq: number): JournalRun | undefined {
    const id = this.bySeq.get(study)?.get(seq)
    return id === undefined ? undefined : this.runs.get(id)
  }

  /** The study's runs by seq. */
  runsOf(study: string): JournalRun[] {
    const seqs = this.bySeq.get(study)
    if (!seqs) return []
    return [...seqs.keys()].sort((a, b) => a - b).map((s) => this.runs.get(seqs.get(s) as string) as JournalRun)
  }

  /** The largest seq any run of the study has (0 without runs). */
  maxSeq(study: string): number {
    let max = 0
    for (const seq of this.bySeq.get(study)?.keys() ?? []) if (seq > max) max = seq
    return max
  }

  /**
   * Applies one record of a journal. Returns why it was skipped (a run of an
   * unknown study, a gap in a history, a seq taken by another run, a study
   * defined differently), or undefined when it applied.
   */
  apply(record: DumpRecord): string | undefined {
    switch (record.type) {
      case 'header': return undefined
      case 'study': {
        if (record.deleted !== undefined) return this.applyTombstone({ kind: 'study', study: storedStudy(record.study, record.created), deleted: record.deleted })
        if ((this.deletedStudy(record.study.name) ?? -Infinity) >= record.created) return undefined
        const skipped = this.applyStudy(record.study, record.created)
        if (record.notes) this.applyStudyNotes(record.study.name, record.notes)
        return skipped
      }
      case 'run': {
        const { deleted, metricCount: _m, logCount: _l, ...fields } = record.run
        if (deleted !== undefined) return this.applyTombstone({ kind: 'run', run: { ...fields, mCount: 0, lCount: 0 }, deleted })
        if (this.deletedRun(record.run.id) !== undefined || (this.deletedStudy(record.run.study) ?? -Infinity) >= record.run.created) return undefined
        return this.applyRun(record.run)
      }
      case 'metrics': return this.applyHistory(record.run, 'metrics', record.from, record.entries)
      case 'log': return this.applyHistory(record.run, 'log', record.from, record.entries)
    }
  }

  private applyStudy(study: Study, created: number): string | undefined {
    const incoming = {
      name: study.name, objective: study.objective, params: study.params, replicates: study.replicates ?? 0,
      description: study.description ?? '', oracle: study.oracle ?? { name: 'grid' }, created,
      ...(study.command ? { command: study.command } : {}),
    }
    const local = this.studies.get(study.name)
    if (!local) {
      this.studies.set(study.name, { ...incoming, counter: 0, activity: created, rev: ++this.rev })
      return undefined
    }
    if (studiesEquivalent(local, study)) {
      if (descriptionPrecedes(incoming, local)) Object.assign(local, incoming, { rev: ++this.rev })
      return undefined
    }
    // Two writers created the study at once, differently: the earlier definition stays, in every reader.
    const earlier = incoming.created !== local.created ? incoming.created < local.created
      : canonicalJson([incoming.objective, incoming.params]) < canonicalJson([local.objective, local.params])
    if (earlier) Object.assign(local, incoming, { rev: ++this.rev })
    return `study ${study.name} is defined differently in two journal files; kept the one created first`
  }

  /** When the study of that name was deleted, or undefined. */
  deletedStudy(name: string): number | undefined {
    return this.tombstones.get(`study:${name}`)?.tombstone.deleted
  }

  /** When the run of that id was deleted, or undefined. */
  deletedRun(id: string): number | undefined {
    return this.tombstones.get(`run:${id}`)?.tombstone.deleted
  }

  /**
   * Records a tombstone (unless a later one of the same study or run is
   * here) and removes what it covers: a run; a study's definition created by
   * then and every run of it, or, when a definition made after the delete
   * stays, its runs created by then (docs/dump-format.md, "Deleting").
   */
  applyTombstone(t: Tombstone): undefined {
    const key = t.kind === 'study' ? `study:${t.study.name}` : `run:${t.run.id}`
    const have = this.tombstones.get(key)
    if (have && have.tombstone.deleted >= t.deleted) return undefined
    this.tombstones.set(key, { tombstone: t, rev: ++this.rev })
    if (t.kind === 'run') { this.removeRun(t.run.id); return undefined }
    const name = t.study.name
    const study = this.studies.get(name)
    const stays = study !== undefined && study.created > t.deleted
    for (const run of this.runsOf(name)) if (!stays || run.created <= t.deleted) this.removeRun(run.id)
    if (study && !stays) this.studies.delete(name)
    return undefined
  }

  private removeRun(id: string): void {
    const run = this.runs.get(id)
    if (!run) return
    this.runs.delete(id)
    this.bySeq.get(run.study)?.delete(run.seq)
  }

  /** A study's note, by last writer wins (merge/rules.ts). */
  private applyStudyNotes(name: string, notes: StudyNotes): void {
    const local = this.studies.get(name)
    const merged = local && mergeStudyNotes(local, notes)
    if (local && merged) Object.assign(local, merged, { rev: ++this.rev })
  }

  private applyRun(head: RunHead): string | undefined {
    const study = this.studies.get(head.study)
    if (!study) return `run ${head.study}:${head.seq} belongs to study ${head.study}, which no journal file defines`
    const local = this.runs.get(head.id)
    if (local) {
      if (local.study !== head.study) return `run ${head.id} belongs to study ${local.study}, not ${head.study}`
      if (headWins(head, local)) {
        Object.assign(local, { state: head.state, status: head.status, updated: head.updated, runtime: head.runtime, retries: head.retries, rev: ++this.rev })
        study.activity = Math.max(study.activity, head.updated)
      }
      // A note and tags merge field by field, by last writer wins.
      const notes = mergeRunNotes(local, head)
      if (notes) Object.assign(local, notes, { rev: ++this.rev })
      return undefined
    }
    const seqs = this.bySeq.get(head.study) ?? new Map<number, string>()
    this.bySeq.set(head.study, seqs)
    const taken = seqs.get(head.seq)
    if (taken !== undefined) return `run ${head.study}:${head.seq} (${head.id}) has the seq of run ${taken}; kept the first`
    seqs.set(head.seq, head.id)
    const run: JournalRun = {
      id: head.id, study: head.study, seq: head.seq, origin: head.origin, values: head.values, replicate: head.replicate,
      state: head.state, status: head.status, config: head.config, created: head.created, updated: head.updated,
      runtime: head.runtime, retries: head.retries, mCount: 0, lCount: 0, metrics: [], log: [], rev: ++this.rev, ...runNotesOf(head),
    }
    this.runs.set(head.id, run)
    study.counter = Math.max(study.counter, head.seq)
    study.activity = Math.max(study.activity, head.updated)
    return undefined
  }

  private applyHistory(id: string, kind: 'metrics' | 'log', from: number, entries: readonly (Metrics | LogEntry)[]): string | undefined {
    if (this.deletedRun(id) !== undefined) return undefined
    const run = this.runs.get(id)
    if (!run) return `${kind} for run ${id}, which no earlier line defines`
    const have = kind === 'metrics' ? run.mCount : run.lCount
    if (from > have) return `the ${kind === 'metrics' ? 'metric history' : 'log'} of run ${run.study}:${run.seq} continues at entry ${from}, but entries ${have}..${from - 1} are missing`
    const fresh = entries.slice(have - from)
    if (fresh.length === 0) return undefined
    if (kind === 'metrics') {
      run.metrics.push(...(fresh as Metrics[]))
      run.mCount = run.metrics.length
    } else {
      run.log.push(...(fresh as LogEntry[]))
      run.lCount = run.log.length
    }
    run.rev = ++this.rev
    return undefined
  }
}

/** A study line's definition as stored (for its tombstone). */
function storedStudy(study: Study, created: number): StoredStudy {
  return {
    name: study.name, objective: study.objective, params: study.params, replicates: study.replicates ?? 0,
    description: study.description ?? '', oracle: study.oracle ?? { name: 'grid' }, created, counter: 0,
    ...(study.command ? { command: study.command } : {}),
  }
}
