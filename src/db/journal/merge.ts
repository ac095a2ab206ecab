/**
 * Importing into a journal directory (`diviner-local import`): the merge
 * writes into a hidden file of its own, which becomes a journal file only
 * when the whole import has applied, so other processes see all of it or
 * nothing. Seqs are reserved through the directory's counters, under the
 * lock of each study a batch touches.
 */
import type { LogEntry, Metrics } from '../model/run.js'
import type { StoredRun, StoredStudy, Tombstone } from '../dump/records.js'
import type { MergeBatch, MergeSession } from '../merge/target.js'
import type { JournalSource } from './export-view.js'
import { newJournalName } from './files.js'
import { withCounter } from './seq.js'
import type { JournalRun, JournalStudy } from './state.js'
import { JournalWriter } from './writer.js'
import { randomBytes } from 'node:crypto'

/** What an import needs of a journal database. */
export interface JournalMergeHost extends JournalSource {
  readonly dir: string
  /** Records that this process wrote a file itself: it is not read back. */
  adoptFile(name: string, bytes: number, lines: number): void
  /** Forgets what was read and reads the directory again. */
  reload(): void
  /** Tells this process's followers that something changed. */
  announce(): void
}

/** Starts an import into the journal directory of `db`. */
export async function beginJournalMerge(db: JournalMergeHost): Promise<MergeSession> {
  const localId = await db.id()
  const temp = `.import-${randomBytes(6).toString('hex')}.jsonl.tmp`
  return new JournalMergeSession(db, localId, new JournalWriter(db.dir, temp, localId, () => db.clock()))
}

class JournalMergeSession implements MergeSession {
  constructor(private readonly db: JournalMergeHost, readonly localId: string, private readonly writer: JournalWriter) {}

  async apply(names: readonly string[], _ids: readonly string[], merge: (batch: MergeBatch) => void): Promise<void> {
    const sorted = [...new Set(names)].sort()
    // Each study's counter is locked (in name order, so two imports cannot wait on each other) while the batch decides seqs.
    const locked = async (i: number, counters: Map<string, number>): Promise<void> => {
      if (i === sorted.length) {
        this.db.refresh()
        const batch = new JournalBatch(this.db, counters)
        merge(batch)
        batch.write(this.writer)
        for (const [name, counter] of batch.counters) counters.set(name, counter)
        return
      }
      const name = sorted[i] as string
      await withCounter(this.db.dir, name, async (counter) => {
        counters.set(name, counter)
        await locked(i + 1, counters)
        return counters.get(name) as number
      })
    }
    await locked(0, new Map())
  }

  announce(): void {
    this.db.announce()
  }

  async commit(): Promise<void> {
    if (!this.writer.created) return
    await this.writer.sync()
    const lines = this.writer.lines
    const bytes = this.writer.bytes
    this.writer.publish(newJournalName('import'))
    this.db.adoptFile(this.writer.name, bytes, lines)
  }

  async rollback(): Promise<void> {
    this.writer.discard()
    this.db.reload()
  }
}

/** One batch of an import, on the journal state; its changes are written to the import's file. */
class JournalBatch implements MergeBatch {
  private readonly dirtyStudies = new Set<string>()
  private readonly tombs: Tombstone[] = []
  private readonly headChanged = new Set<string>()
  private readonly historyChanged = new Set<string>()
  /** The counters after the batch, by study. */
  readonly counters = new Map<string, number>()

  constructor(private readonly db: JournalSource, locked: ReadonlyMap<string, number>) {
    for (const [name, counter] of locked) {
      const s = db.state.studies.get(name)
      this.counters.set(name, Math.max(counter, s?.counter ?? 0, db.state.maxSeq(name)))
    }
  }

  study(name: string): StoredStudy | undefined {
    const s = this.db.state.studies.get(name)
    return s && { ...s, counter: this.counters.get(name) ?? s.counter }
  }

  run(id: string): StoredRun | undefined {
    return this.db.state.runs.get(id)
  }

  putStudy(study: StoredStudy): void {
    const state = this.db.state
    const local = state.studies.get(study.name)
    if (!local) {
      state.studies.set(study.name, { ...study, activity: study.created, rev: ++state.rev })
    } else {
      Object.assign(local, { params: study.params, replicates: study.replicates, description: study.description, oracle: study.oracle, created: study.created, rev: ++state.rev })
      if (study.noteAt !== undefined) Object.assign(local, { note: study.note ?? '', noteAt: study.noteAt })
    }
    this.counters.set(study.name, Math.max(this.counters.get(study.name) ?? 0, study.counter))
    this.dirtyStudies.add(study.name)
  }

  putRun(run: StoredRun): void {
    const state = this.db.state
    const local = state.runs.get(run.id)
    if (!local) {
      state.apply({ type: 'run', run: { ...run, metricCount: 0, logCount: 0 } })
    } else {
      Object.assign(local, { state: run.state, status: run.status, updated: run.updated, runtime: run.runtime, retries: run.retries, rev: ++state.rev })
      if (run.noteAt !== undefined) Object.assign(local, { note: run.note ?? '', noteAt: run.noteAt })
      if (run.tagsAt !== undefined) Object.assign(local, { tags: [...(run.tags ?? [])], tagsAt: run.tagsAt })
    }
    this.headChanged.add(run.id)
  }

  deletedStudy(name: string): number | undefined { return this.db.state.deletedStudy(name) }
  deletedRun(id: string): number | undefined { return this.db.state.deletedRun(id) }

  putTombstone(t: Tombstone): void {
    this.db.state.applyTombstone(t)
    this.tombs.push(t)
  }

  appendMetrics(id: string, entries: readonly Metrics[]): void {
    const run = this.stored(id)
    run.metrics.push(...entries)
    run.mCount = run.metrics.length
    run.rev = ++this.db.state.rev
    this.historyChanged.add(id)
  }

  appendLog(id: string, entries: readonly LogEntry[]): void {
    const run = this.stored(id)
    run.log.push(...entries)
    run.lCount = run.log.length
    run.rev = ++this.db.state.rev
    this.historyChanged.add(id)
  }

  private stored(id: string): JournalRun {
    const run = this.db.state.runs.get(id)
    if (!run) throw new Error(`run ${id} is not in this batch`)
    return run
  }

  /** Writes what the batch changed to the import's file. */
  write(writer: JournalWriter): void {
    const state = this.db.state
    for (const name of this.dirtyStudies) {
      const s = state.studies.get(name)
      if (!s) continue // deleted by a tombstone of this batch
      s.counter = Math.max(s.counter, this.counters.get(name) ?? 0)
      writer.writeStudy(s)
    }
    for (const id of this.headChanged) {
      const run = state.runs.get(id)
      if (!run) continue
      writer.writeRun(state.studies.get(run.study) as JournalStudy, run)
    }
    for (const id of this.historyChanged) {
      if (this.headChanged.has(id)) continue
      const run = state.runs.get(id)
      if (!run) continue
      writer.ensureRun(state.studies.get(run.study) as JournalStudy, run)
    }
    // Last, as they were applied after what the batch wrote before them (replay removes what they cover).
    for (const t of this.tombs) writer.writeTombstone(t)
  }
}
