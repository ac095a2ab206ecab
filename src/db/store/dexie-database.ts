/**
 * The Database on Dexie over IndexedDB (SPEC §2): real IndexedDB in a browser,
 * fake-indexeddb in Node.
 */
import { Dexie } from 'dexie'
import type { RowTable } from '../analysis/run-window.js'
import type { ExportView } from '../dump/export.js'
import type { MergeOptions, MergeSession } from '../merge/target.js'
import { checkNewRun, checkRunState } from '../model/checks.js'
import type { Database, LogOptions, StudyInfo } from '../model/database.js'
import { checkSignal, DivinerError, notExist } from '../model/errors.js'
import { newId } from '../model/ids.js'
import { loggerStream, logStream, waitForChange } from '../model/log-stream.js'
import { RunState, type LogEntry, type Metrics, type NewRun, type Run, type RunRow } from '../model/run.js'
import { validateStudy, type Objective, type Study } from '../model/study.js'
import type { TrialBoard } from '../analysis/trial-board.js'
import type { HistoryPicture } from '../analysis/study.js'
import { KEEP_FROM_RUNS, keptBoard, keptHistory } from './kept-boards.js'
import { DexieExportView } from './dexie-export.js'
import { beginDexieMerge, recoverImports } from './dexie-import.js'
import { readLogEntries, type DexieLogCursor } from './dexie-log.js'
import { listStudyRuns } from './dexie-list.js'
import { toRun, toStudyInfo } from './dexie-views.js'
import { appendLogEntries, appendMetricEntries } from './history.js'
import { RowCache } from './row-cache.js'
import { emptyHead } from './summary.js'
import { SummaryUpkeep } from './summary-upkeep.js'
import { DexieConnection } from './connection.js'
import { withAnnotated, type RunRecord } from './schema.js'
import { runAnnotations, runNoteChange, runTagsChange, setStudyNote } from './dexie-notes.js'
import { deleteRun, deleteStudy } from './dexie-tombstones.js'
import type { Annotating, RunAnnotation } from '../model/annotations.js'

/** Options for a DexieDatabase. */
export interface DexieDatabaseOptions {
  /** The clock, in epoch milliseconds (tests move it to make keepalives stale). */
  readonly now?: () => number
  /** How often a log follower looks for new text written by other connections, ms. */
  readonly followPollMs?: number
  /** How long a logger buffers text before writing it, ms. */
  readonly loggerFlushMs?: number
  /** Runs a study has at least for an import to keep its leaderboard (kept-boards.ts; tests lower it). */
  readonly keepBoardsFrom?: number
}

/** The Database on Dexie. One instance is one connection; several may share a database. */
export class DexieDatabase extends DexieConnection implements Database, Annotating {
  private readonly followPollMs: number
  private readonly loggerFlushMs: number
  private readonly keepBoardsFrom: number
  /** This connection's cache of run rows (what listRunRows and tables read). */
  readonly rowCache: RowCache
  /** This connection's background work on study summaries (summary.ts). */
  readonly summaries: SummaryUpkeep

  constructor(name: string, options: DexieDatabaseOptions = {}) {
    super(name, options.now ?? Date.now)
    this.summaries = new SummaryUpkeep(this)
    this.rowCache = new RowCache(this, this.summaries)
    this.followPollMs = options.followPollMs ?? 250
    this.loggerFlushMs = options.loggerFlushMs ?? 250
    this.keepBoardsFrom = options.keepBoardsFrom ?? KEEP_FROM_RUNS
  }

  /** Closes the connection. */
  close(): void {
    this.rowCache.clear()
    this.dexie.close()
  }

  async createTable(signal?: AbortSignal): Promise<void> {
    checkSignal(signal)
    await this.guard(async () => {
      await this.dexie.open()
      this.localId = await this.dexie.transaction('rw', this.dexie.meta, async () => {
        const rec = await this.dexie.meta.get('db')
        if (rec?.key === 'db') return rec.id
        const id = newId()
        await this.dexie.meta.put({ key: 'db', id })
        return id
      })
      await recoverImports(this)
    })
  }


  async createStudyIfNotExist(study: Study, signal?: AbortSignal): Promise<boolean> {
    checkSignal(signal)
    const s = validateStudy(study)
    const d = this.dexie
    const created = await this.guard(() => d.transaction('rw', d.studies, d.meta, d.summaryHeads, async () => {
      if (await d.studies.get(s.name)) return false
      const rev = await this.nextRev()
      await d.studies.add({
        name: s.name, objective: s.objective, params: s.params,
        replicates: s.replicates ?? 0, description: s.description ?? '', oracle: s.oracle ?? { name: 'grid' },
        ...(s.command ? { command: s.command } : {}),
        created: this.clock(), counter: 0, rev,
      })
      // A new study has no runs: its summary starts empty (summary.ts).
      await d.summaryHeads.put(emptyHead(s.name, rev))
      return true
    }))
    if (created) this.notify(s.name)
    return created
  }

  async lookupStudy(name: string, signal?: AbortSignal): Promise<StudyInfo> {
    checkSignal(signal)
    return this.guard(() => this.dexie.transaction('r', this.dexie.studies, this.dexie.runs, async () => {
      const rec = await this.dexie.studies.get(name)
      if (!rec) throw notExist(`no study ${name}`)
      return toStudyInfo(rec, await this.lastTouched(name))
    }))
  }

  async listStudies(prefix: string, since?: Date, signal?: AbortSignal): Promise<StudyInfo[]> {
    checkSignal(signal)
    const from = since?.getTime() ?? -Infinity
    return this.guard(() => this.dexie.transaction('r', this.dexie.studies, this.dexie.runs, async () => {
      const recs = await this.dexie.studies.where('name').startsWith(prefix).toArray()
      const out: StudyInfo[] = []
      for (const rec of recs) {
        const info = toStudyInfo(rec, await this.lastTouched(rec.name))
        if (info.activity.getTime() >= from) out.push(info)
      }
      return out
    }))
  }

  /** When the study's run written last was written (runs are written in rev order: the one of the greatest rev). */
  private async lastTouched(study: string): Promise<number> {
    const last = await this.dexie.runs.where('[study+rev]')
      .between([study, Dexie.minKey], [study, Dexie.maxKey]).last()
    return last?.touched ?? -Infinity
  }

  async nextSeq(study: string, signal?: AbortSignal): Promise<number> {
    checkSignal(signal)
    return this.guard(() => this.dexie.transaction('rw', this.dexie.studies, async () => {
      const rec = await this.dexie.studies.get(study)
      if (!rec) throw notExist(`no study ${study}`)
      rec.counter++
      await this.dexie.studies.put(rec)
      return rec.counter
    }))
  }

  async insertRun(run: NewRun, signal?: AbortSignal): Promise<Run> {
    checkSignal(signal)
    const { replicate, seq: requested } = checkNewRun(run)
    const localId = await this.id()
    const rec = await this.guard(() => this.dexie.transaction('rw', this.dexie.studies, this.dexie.runs, this.dexie.meta, async () => {
      const study = await this.dexie.studies.get(run.study)
      if (!study) throw notExist(`no study ${run.study}`)
      let seq = requested
      if (seq > 0) {
        if (await this.findRun(run.study, seq)) throw new DivinerError('conflict', `run ${run.study}:${seq} already exists`)
        if (seq > study.counter) { study.counter = seq; await this.dexie.studies.put(study) }
      } else {
        seq = ++study.counter
        await this.dexie.studies.put(study)
      }
      const now = this.clock()
      const rec: RunRecord = {
        id: newId(), study: run.study, seq, origin: { db: localId, seq },
        values: run.values, replicate, state: RunState.Pending, status: '', config: run.config ?? {},
        created: now, updated: now, runtime: 0, retries: 0,
        mCount: 0, mSealed: 0, mTail: [], lCount: 0, lSealed: 0, lTail: [],
        touched: now, rev: await this.nextRev(),
      }
      await this.dexie.runs.add(rec)
      return rec
    }))
    this.notify(run.study)
    this.summaries.wrote(run.study)
    return toRun(rec, localId, [], this.clock())
  }

  async updateRun(study: string, seq: number, state: RunState, message: string, runtime: number, retry: number, signal?: AbortSignal): Promise<void> {
    checkSignal(signal)
    checkRunState(study, seq, state)
    await this.modifyRun(study, seq, (rec, now) => {
      rec.state = state
      rec.status = message
      rec.runtime = runtime
      rec.retries = retry
      rec.updated = now
    })
  }

  async appendRunMetrics(study: string, seq: number, metrics: Metrics, signal?: AbortSignal): Promise<void> {
    checkSignal(signal)
    await this.modifyRun(study, seq, async (rec) => {
      const sealed = appendMetricEntries(rec, [{ ...metrics }])
      if (sealed.length) await this.dexie.metricChunks.bulkPut(sealed)
    })
  }

  /** Appends entries to the run's log (what a logger does when it flushes). */
  async appendLog(study: string, seq: number, entries: readonly LogEntry[], signal?: AbortSignal): Promise<void> {
    checkSignal(signal)
    if (entries.length === 0) return
    await this.modifyRun(study, seq, async (rec) => {
      const sealed = appendLogEntries(rec, entries)
      if (sealed.length) await this.dexie.logChunks.bulkPut(sealed)
    })
  }

  /** Changes the run's record in one transaction, stamping the write (and its notes index). */
  private async modifyRun(study: string, seq: number, change: (rec: RunRecord, now: number) => void | Promise<void>): Promise<void> {
    const d = this.dexie
    await this.guard(() => d.transaction('rw', [d.runs, d.metricChunks, d.logChunks, d.meta], async () => {
      const rec = await this.findRun(study, seq)
      if (!rec) throw notExist(`no run ${study}:${seq}`)
      const now = this.clock()
      await change(rec, now)
      rec.touched = now
      rec.rev = await this.nextRev()
      await d.runs.put(withAnnotated(rec))
    }))
    this.notify(study)
    this.summaries.wrote(study)
  }

  /**
   * Read from the study's summary (summary.ts) when it has one, else from
   * every run record (after which the summary is stored): see dexie-list.ts.
   */
  async listRuns(study: string, states: RunState, since?: Date, signal?: AbortSignal): Promise<Run[]> {
    checkSignal(signal)
    if (!(await this.guard(() => this.dexie.studies.get(study)))) throw notExist(`no study ${study}`)
    return listStudyRuns(this, this.summaries, this.rowCache, study, states, since)
  }

  /** The runs `study:seq` for each of `seqs` (undefined for none), read in one transaction. */
  async lookupRuns(study: string, seqs: readonly number[], signal?: AbortSignal): Promise<(Run | undefined)[]> {
    checkSignal(signal)
    const localId = await this.id()
    const d = this.dexie
    return this.guard(() => d.transaction('r', d.runs, d.metricChunks, async () => {
      const recs = await d.runs.where('[study+seq]').anyOf(seqs.map((seq) => [study, seq])).toArray()
      const bySeq = new Map(recs.map((r) => [r.seq, r]))
      const out: (Run | undefined)[] = []
      for (const seq of seqs) {
        const rec = bySeq.get(seq)
        out.push(rec && toRun(rec, localId, await this.sealedMetrics(rec), this.clock()))
      }
      return out
    }))
  }

  async lookupRun(study: string, seq: number, signal?: AbortSignal): Promise<Run> {
    checkSignal(signal)
    const localId = await this.id()
    const d = this.dexie
    return this.guard(() => d.transaction('r', d.runs, d.metricChunks, async () => {
      const rec = await this.findRun(study, seq)
      if (!rec) throw notExist(`no run ${study}:${seq}`)
      return toRun(rec, localId, await this.sealedMetrics(rec), this.clock())
    }))
  }

  /**
   * The study's runs in `states` without their histories, by seq: each with its
   * last metrics entry and the number of entries. Served from this
   * connection's row cache (see row-cache.ts), which reads a study's records
   * once and then only those written since, so repeated calls on a study of
   * 100,000 runs cost a copy, not a read.
   */
  async listRunRows(study: string, states: RunState = RunState.Any, signal?: AbortSignal): Promise<RunRow[]> {
    checkSignal(signal)
    if (!(await this.guard(() => this.dexie.studies.get(study)))) throw notExist(`no study ${study}`)
    const rows = await this.rowCache.with(study, (s) => s.rows(this.clock()))
    return (states & RunState.Any) === RunState.Any ? rows.slice() : rows.filter((r) => (r.state & states) !== 0)
  }

  /**
   * Runs `work` on the study's query table (its current rows, with sort orders
   * and filters memoized), built from the row cache. `paramNames` are the
   * study's params, which always have columns.
   */
  async withRowTable<T>(study: string, paramNames: readonly string[], work: (table: RowTable) => T, signal?: AbortSignal): Promise<T> {
    checkSignal(signal)
    if (!(await this.guard(() => this.dexie.studies.get(study)))) throw notExist(`no study ${study}`)
    return this.rowCache.with(study, (s) => work(s.tableAt(this.clock(), paramNames)))
  }

  /**
   * The study's default leaderboard by `objective` (its best KEPT_TRIALS
   * trials) as an import kept it, while still exactly what ranking its rows
   * would give; else undefined (kept-boards.ts).
   */
  keptBoard(study: string, objective: Objective, signal?: AbortSignal): Promise<TrialBoard | undefined> {
    checkSignal(signal)
    return keptBoard(this, study, objective)
  }

  /** The study's objective history over seq by `objective` as an import kept it, while still exact; else undefined (kept-boards.ts). */
  keptHistory(study: string, objective: Objective, signal?: AbortSignal): Promise<HistoryPicture | undefined> {
    checkSignal(signal)
    return keptHistory(this, study, objective)
  }

  log(study: string, seq: number, options: LogOptions = {}): ReadableStream<string> {
    return logStream(this, study, seq, { next: 0, nextChunk: 0 }, options)
  }

  /** Reads log entries from `cursor` on (advancing it), at most a few chunks at a time. */
  readLog(study: string, seq: number, cursor: DexieLogCursor): Promise<LogEntry[]> {
    return readLogEntries(this, study, seq, cursor)
  }

  /** Resolves after a local change, after the poll interval (for other connections), or on abort. */
  waitForChange(signal: AbortSignal | undefined): Promise<void> {
    return waitForChange(this.changes, this.followPollMs, signal)
  }

  logger(study: string, seq: number): WritableStream<string> {
    return loggerStream(this, study, seq, { flushMs: this.loggerFlushMs })
  }

  // ---- Notes and tags (model/annotations.ts; see dexie-notes.ts) ----

  async setStudyNote(study: string, note: string, signal?: AbortSignal): Promise<void> { checkSignal(signal); await setStudyNote(this, study, note) }
  async setRunNote(study: string, seq: number, note: string, signal?: AbortSignal): Promise<void> { checkSignal(signal); await this.modifyRun(study, seq, runNoteChange(note)) }
  async setRunTags(study: string, seq: number, tags: readonly string[], signal?: AbortSignal): Promise<void> { checkSignal(signal); await this.modifyRun(study, seq, runTagsChange(tags)) }
  async runAnnotations(study: string, signal?: AbortSignal): Promise<RunAnnotation[]> { checkSignal(signal); return runAnnotations(this, study) }
  async deleteStudy(study: string, signal?: AbortSignal): Promise<void> { checkSignal(signal); await deleteStudy(this, study) }
  async deleteRun(study: string, seq: number, signal?: AbortSignal): Promise<void> { checkSignal(signal); await deleteRun(this, study, seq) }

  /** Starts an import into this database (see dexie-import.ts). */
  beginMerge(options?: MergeOptions): Promise<MergeSession> {
    return beginDexieMerge(this, this.rowCache, this.keepBoardsFrom, options?.from)
  }

  /** A view to export this database from (see dexie-export.ts). */
  exportView(): ExportView {
    return new DexieExportView(this)
  }

}

/** Opens (creating if needed) the database `name` on the environment's IndexedDB, ready to use. */
export async function openDatabase(name: string, options?: DexieDatabaseOptions): Promise<DexieDatabase> {
  const db = new DexieDatabase(name, options)
  await db.createTable()
  return db
}
