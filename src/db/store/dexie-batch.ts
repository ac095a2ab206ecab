/**
 * One batch of an import on IndexedDB: the records it reads and writes, inside
 * one transaction, and the undo record that lets the import be taken back.
 */
import type { LogEntry, Metrics } from '../model/run.js'
import type { StoredRun, StoredStudy, Tombstone } from '../dump/records.js'
import type { MergeBatch } from '../merge/target.js'
import type { DexieConnection } from './connection.js'
import { appendLogEntries, appendMetricEntries } from './history.js'
import { summarizeBatch } from './summary.js'
import {
  runTombstoneKey, studyTombstoneKey, withAnnotated,
  type LogChunkRecord, type MetricChunkRecord, type RunRecord, type StudyRecord, type TombstoneRecord, type UndoRecord,
} from './schema.js'

/**
 * The ids of every run and the keys of every tombstone in the database, as an
 * import knows them to save reading records that are not there (on a first
 * import, none are): read by its first batch (none, or all when there are at
 * most `KNOWN_MAX`), plus those each batch writes, as long as the change
 * counter `rev` is where the import's last batch left it (nothing else wrote
 * since: every write of a run or a tombstone takes a rev; a rollback elsewhere
 * only puts back or removes records, so the keys stay a superset).
 */
export interface KnownRuns { readonly ids: Set<string>; readonly tombstones: Set<string>; rev: number }

const KNOWN_MAX = 50_000

/** The records one batch reads and writes, and its undo record. */
export class DexieBatch implements MergeBatch {
  private readonly studies = new Map<string, StudyRecord | undefined>()
  private readonly runs = new Map<string, RunRecord | undefined>()
  private readonly priorStudies = new Map<string, StudyRecord | undefined>()
  private readonly priorRuns = new Map<string, RunRecord | undefined>()
  private readonly dirtyStudies = new Set<string>()
  private readonly dirtyRuns = new Set<string>()
  /** Runs whose record and tails this batch may change in place (the prior versions stay intact for undo). */
  private readonly ownedRuns = new Set<string>()
  private readonly sealedMetrics: MetricChunkRecord[] = []
  private readonly sealedLogs: LogChunkRecord[] = []
  /** Tombstones as stored (by key, undefined for none), and those this batch writes, with the versions they replace. */
  private readonly tombs = new Map<string, TombstoneRecord | undefined>()
  private readonly newTombs = new Map<string, TombstoneRecord>()
  /**
   * Studies a tombstone of this batch deletes (their records go once the
   * import commits): the merge sees them gone; a definition made again takes
   * their place, keeping their counter (their runs' seqs stay taken until then).
   */
  private readonly hidden = new Map<string, number>()
  /** After `write`: the first rev it took, how many, and the run records it wrote. */
  firstRev = 0
  revs = 0
  written: RunRecord[] = []

  constructor(private readonly db: DexieConnection, private readonly importId: string, private readonly batch: number) {}

  /**
   * Reads the studies, runs and tombstones the batch names; resolves to the keys
   * known after it (undefined once unknown). Runs and tombstones not among known
   * keys are not read: they are not there.
   */
  async load(names: readonly string[], ids: readonly string[], known: KnownRuns | undefined): Promise<KnownRuns | undefined> {
    const d = this.db.dexie
    const studies = d.studies.bulkGet([...names])
    if (known && known.rev < 0) {
      // The first batch: every run id and tombstone key, when there are few.
      const [runs, tombstones] = await Promise.all([d.runs.count(), d.tombstones.count()])
      if (runs > KNOWN_MAX || tombstones > KNOWN_MAX) known = undefined
      else if (runs > 0 || tombstones > 0) {
        const [ids, tombstoneKeys] = await Promise.all([runs ? d.runs.toCollection().primaryKeys() : [], tombstones ? d.tombstones.toCollection().primaryKeys() : []])
        known = { ids: new Set(ids), tombstones: new Set(tombstoneKeys as string[]), rev: -1 }
      }
    } else if (known) {
      // Still known if nothing was written since this import's last batch.
      const rev = await d.meta.get('rev')
      if ((rev?.key === 'rev' ? rev.n : 0) !== known.rev) known = undefined
    }
    const read = known ? ids.filter((id) => known.ids.has(id)) : ids
    const runs = read.length ? await d.runs.bulkGet([...read]) : []
    read.forEach((id, i) => this.runs.set(id, runs[i]))
    for (const id of ids) this.priorRuns.set(id, this.runs.get(id))
    for (const [id, rec] of this.priorRuns) if (!rec) this.runs.set(id, undefined)
    const got = await studies
    names.forEach((n, i) => { this.studies.set(n, got[i]); this.priorStudies.set(n, got[i]) })
    const keys = [...names.map(studyTombstoneKey), ...ids.map(runTombstoneKey)]
    const look = known ? keys.filter((k) => known.tombstones.has(k)) : keys
    const tombs = look.length ? await d.tombstones.bulkGet(look) : []
    for (const k of keys) this.tombs.set(k, undefined)
    look.forEach((k, i) => this.tombs.set(k, tombs[i]))
    return known
  }

  study(name: string): StoredStudy | undefined { return this.hidden.has(name) && !this.dirtyStudies.has(name) ? undefined : this.studies.get(name) }

  deletedStudy(name: string): number | undefined { return this.tomb(studyTombstoneKey(name)) }
  deletedRun(id: string): number | undefined { return this.tomb(runTombstoneKey(id)) }

  private tomb(key: string): number | undefined {
    return (this.newTombs.get(key) ?? this.tombs.get(key))?.deleted
  }

  /** Stages a tombstone; what it covers is removed once the import commits (dexie-tombstones.ts). */
  putTombstone(t: Tombstone): void {
    const key = t.kind === 'study' ? studyTombstoneKey(t.study.name) : runTombstoneKey(t.run.id)
    const study = t.kind === 'study' ? t.study.name : t.run.study
    this.newTombs.set(key, { key, study, deleted: t.deleted, rev: 0, tombstone: t })
    const local = t.kind === 'study' ? this.study(study) : undefined
    if (local && local.created <= t.deleted) {
      this.hidden.set(study, local.counter)
      this.dirtyStudies.delete(study)
    }
  }

  /** The keys of the tombstones this batch wrote (swept once the import commits). */
  tombstoneKeys(): string[] {
    return [...this.newTombs.keys()]
  }
  run(id: string): StoredRun | undefined { return this.runs.get(id) }

  /** The studies this batch creates (none of that name was there before it). */
  createdStudies(): string[] {
    return [...this.dirtyStudies].filter((name) => !this.priorStudies.get(name))
  }

  putStudy(study: StoredStudy): void {
    const prior = this.studies.get(study.name)
    const counter = Math.max(study.counter, this.hidden.get(study.name) ?? 0)
    this.studies.set(study.name, { ...study, counter, rev: prior?.rev ?? 0 })
    this.dirtyStudies.add(study.name)
  }

  putRun(run: StoredRun): void {
    const local = this.runs.get(run.id)
    if (!local) {
      this.runs.set(run.id, { ...run, mCount: 0, mSealed: 0, mTail: [], lCount: 0, lSealed: 0, lTail: [], touched: 0, rev: 0 })
      this.dirtyRuns.add(run.id)
      this.ownedRuns.add(run.id)
      return
    }
    const rec = this.editRun(local)
    rec.state = run.state
    rec.status = run.status
    rec.updated = run.updated
    rec.runtime = run.runtime
    rec.retries = run.retries
    if (run.noteAt !== undefined) Object.assign(rec, { note: run.note ?? '', noteAt: run.noteAt })
    if (run.tagsAt !== undefined) Object.assign(rec, { tags: [...(run.tags ?? [])], tagsAt: run.tagsAt })
  }

  appendMetrics(id: string, entries: readonly Metrics[]): void {
    const rec = this.editRun(this.stored(id))
    this.sealedMetrics.push(...appendMetricEntries(rec, entries))
  }

  appendLog(id: string, entries: readonly LogEntry[]): void {
    const rec = this.editRun(this.stored(id))
    this.sealedLogs.push(...appendLogEntries(rec, entries))
  }

  private stored(id: string): RunRecord {
    const rec = this.runs.get(id)
    if (!rec) throw new Error(`run ${id} is not in this batch`)
    return rec
  }

  /** The run's record, made safe to change in place (the prior version stays intact for undo). */
  private editRun(rec: RunRecord): RunRecord {
    if (this.ownedRuns.has(rec.id)) return rec
    const copy = { ...rec, mTail: [...rec.mTail], lTail: [...rec.lTail] }
    this.runs.set(copy.id, copy)
    this.dirtyRuns.add(copy.id)
    this.ownedRuns.add(copy.id)
    return copy
  }

  /**
   * Writes what the batch changed, with its undo record, in the running
   * transaction, and takes the runs it wrote into their studies' summaries.
   */
  async write(): Promise<void> {
    const d = this.db.dexie
    const now = this.db.clock()
    this.revs = this.dirtyStudies.size + this.dirtyRuns.size + this.newTombs.size
    let rev = await this.db.nextRev(this.revs)
    this.firstRev = rev
    const studies = [...this.dirtyStudies].map((n) => ({ ...(this.studies.get(n) as StudyRecord), rev: rev++ }))
    const runs = [...this.dirtyRuns].map((id) => withAnnotated({ ...(this.runs.get(id) as RunRecord), touched: now, rev: rev++ }))
    const undo: UndoRecord = {
      importId: this.importId, batch: this.batch,
      insertedStudies: studies.filter((s) => !this.priorStudies.get(s.name)).map((s) => s.name),
      insertedRuns: runs.filter((r) => !this.priorRuns.get(r.id)).map((r) => r.id),
      insertedMetricChunks: this.sealedMetrics.map((c) => [c.run, c.chunk]),
      insertedLogChunks: this.sealedLogs.map((c) => [c.run, c.chunk]),
      priorStudies: studies.map((s) => this.priorStudies.get(s.name)).filter((s): s is StudyRecord => s !== undefined),
      priorRuns: runs.map((r) => this.priorRuns.get(r.id)).filter((r): r is RunRecord => r !== undefined),
      studies: [...new Set([...studies.map((s) => s.name), ...runs.map((r) => r.study)])],
      ...(this.newTombs.size ? {
        insertedTombstones: [...this.newTombs.keys()].filter((k) => !this.tombs.get(k)),
        priorTombstones: [...this.newTombs.keys()].map((k) => this.tombs.get(k)).filter((t): t is TombstoneRecord => t !== undefined),
      } : {}),
    }
    const summarize = await summarizeBatch(this.db, runs, new Set(this.createdStudies()), this.sealedMetrics, this.firstRev, this.firstRev + this.revs - 1)
    // Every put is issued before any is awaited, so IndexedDB writes them while the summary is made.
    const puts: Promise<unknown>[] = [d.undo.add(undo)]
    if (studies.length) puts.push(d.studies.bulkPut(studies))
    if (runs.length) puts.push(d.runs.bulkPut(runs))
    this.written = runs
    if (this.sealedMetrics.length) puts.push(d.metricChunks.bulkPut(this.sealedMetrics))
    if (this.sealedLogs.length) puts.push(d.logChunks.bulkPut(this.sealedLogs))
    if (this.newTombs.size) puts.push(d.tombstones.bulkPut([...this.newTombs.values()].map((t) => ({ ...t, rev: rev++ }))))
    // Each failure is met below (the transaction aborts); none may count as unhandled meanwhile.
    for (const put of puts) put.catch(() => undefined)
    try {
      await summarize()
    } catch (e) {
      // A put that failed (a full disk) aborted the transaction: its error, not the summary's abort, is the cause.
      for (const put of puts) await put
      throw e
    }
    for (const put of puts) await put
  }
}
