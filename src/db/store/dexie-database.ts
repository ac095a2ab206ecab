/**
 * The Database on Dexie over IndexedDB (SPEC §2): real IndexedDB in a browser,
 * fake-indexeddb in Node.
 */
import { Dexie } from 'dexie'
import type { Database, LogOptions, StudyInfo } from '../model/database.js'
import { STALE_AFTER_MS } from '../model/database.js'
import { DivinerError, invalid, notExist } from '../model/errors.js'
import { appendLogEntries, appendMetricEntries } from './history.js'
import { newId } from '../model/ids.js'
import { recoverImports } from '../dump/import.js'
import { RunState, type Metrics, type NewRun, type Run } from '../model/run.js'
import { RowCache } from './row-cache.js'
import type { RowTable } from '../analysis/run-window.js'
import { DivinerDexie, type LogEntry, type RunRecord, type StudyRecord } from './schema.js'
import { validateStudy, type Study } from '../model/study.js'

/** A run without its history: what tables and leaderboards of many runs need. */
export interface RunRow extends Omit<Run, 'metrics'> {
  /** The last metrics entry (empty when none was reported). */
  readonly last: Metrics
  /** Entries in the metric history. */
  readonly metricCount: number
  /** Entries (timestamped chunks) in the log. */
  readonly logCount: number
}

/** Options for a DexieDatabase. */
export interface DexieDatabaseOptions {
  /** The clock, in epoch milliseconds (tests move it to make keepalives stale). */
  readonly now?: () => number
  /** How often a log follower looks for new text written by other connections, ms. */
  readonly followPollMs?: number
  /** How long a logger buffers text before writing it, ms. */
  readonly loggerFlushMs?: number
}

/** Throws a DivinerError of code `aborted` when `signal` is aborted. */
export function checkSignal(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DivinerError('aborted', 'the operation was cancelled')
}

function isQuotaError(e: unknown): boolean {
  const err = e as { name?: string; inner?: { name?: string }; failures?: unknown } | null
  // A bulk write reports the failures of its requests (Dexie's BulkError), a transaction its cause (inner).
  const failures = Array.isArray(err?.failures) ? err.failures as unknown[] : []
  return err?.name === 'QuotaExceededError' || err?.inner?.name === 'QuotaExceededError' || failures.some(isQuotaError)
}

/** Maps a storage failure to a DivinerError a user can act on; other errors pass through. */
export function storageError(e: unknown): unknown {
  if (isQuotaError(e)) {
    return new DivinerError('quota', 'the browser refused to store more data (storage quota exceeded): free disk space or delete old studies, then try again')
  }
  return e
}

function isState(state: number): boolean {
  return state === RunState.Pending || state === RunState.Success || state === RunState.Failure
}

function checkSeq(seq: number, what: string): void {
  if (!Number.isSafeInteger(seq) || seq < 1) throw invalid(`${what}: seq must be an integer ≥ 1, got ${seq}`, 'seq')
}

/** The Database on Dexie. One instance is one connection; several may share a database. */
export class DexieDatabase implements Database {
  /** The underlying Dexie database (for the dump codec and benchmarks; not for the UI). */
  readonly dexie: DivinerDexie
  private readonly now: () => number
  private readonly followPollMs: number
  private readonly loggerFlushMs: number
  private readonly changes = new EventTarget()
  private localId: string | undefined
  /** This connection's cache of run rows (what listRunRows and tables read). */
  readonly rowCache: RowCache = new RowCache(this)

  constructor(name: string, options: DexieDatabaseOptions = {}) {
    this.dexie = new DivinerDexie(name)
    this.now = options.now ?? Date.now
    this.followPollMs = options.followPollMs ?? 250
    this.loggerFlushMs = options.loggerFlushMs ?? 250
  }

  /** Closes the connection. */
  close(): void {
    this.rowCache.clear()
    this.dexie.close()
  }

  /** The current time on this database's clock, epoch ms. */
  clock(): number {
    return this.now()
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

  /** This database's identity: a random id made by the first `createTable`, shared by every connection. */
  async id(): Promise<string> {
    if (this.localId === undefined) await this.createTable()
    return this.localId as string
  }

  /**
   * Takes `count` fresh values of the local change counter and returns the first;
   * every changed record gets its own. Call inside a write transaction that includes `meta`.
   */
  async nextRev(count = 1): Promise<number> {
    const rec = await this.dexie.meta.get('rev')
    const first = (rec?.key === 'rev' ? rec.n : 0) + 1
    await this.dexie.meta.put({ key: 'rev', n: first + count - 1 })
    return first
  }

  async createStudyIfNotExist(study: Study, signal?: AbortSignal): Promise<boolean> {
    checkSignal(signal)
    const s = validateStudy(study)
    const created = await this.guard(() => this.dexie.transaction('rw', this.dexie.studies, this.dexie.meta, async () => {
      if (await this.dexie.studies.get(s.name)) return false
      await this.dexie.studies.add({
        name: s.name, objective: s.objective, params: s.params,
        replicates: s.replicates ?? 0, description: s.description ?? '', oracle: s.oracle ?? { name: 'grid' },
        created: this.now(), counter: 0, rev: await this.nextRev(),
      })
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

  private async lastTouched(study: string): Promise<number> {
    const last = await this.dexie.runs.where('[study+touched]')
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
    const replicate = run.replicate ?? 0
    if (!Number.isInteger(replicate) || replicate < 0 || replicate >= 64) {
      throw invalid(`run of study ${run.study}: replicate must be an integer in 0..63, got ${replicate}`, 'replicate')
    }
    if (run.seq !== undefined && run.seq !== 0) checkSeq(run.seq, `run of study ${run.study}`)
    const localId = await this.id()
    const rec = await this.guard(() => this.dexie.transaction('rw', this.dexie.studies, this.dexie.runs, this.dexie.meta, async () => {
      const study = await this.dexie.studies.get(run.study)
      if (!study) throw notExist(`no study ${run.study}`)
      let seq = run.seq ?? 0
      if (seq > 0) {
        if (await this.findRun(run.study, seq)) throw new DivinerError('conflict', `run ${run.study}:${seq} already exists`)
        if (seq > study.counter) { study.counter = seq; await this.dexie.studies.put(study) }
      } else {
        seq = ++study.counter
        await this.dexie.studies.put(study)
      }
      const now = this.now()
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
    return toRun(rec, localId, [], this.now())
  }

  async updateRun(study: string, seq: number, state: RunState, message: string, runtime: number, retry: number, signal?: AbortSignal): Promise<void> {
    checkSignal(signal)
    if (!isState(state)) throw invalid(`run ${study}:${seq}: state must be pending (1), success (2) or failure (4), got ${state}`, 'state')
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

  private async modifyRun(study: string, seq: number, change: (rec: RunRecord, now: number) => void | Promise<void>): Promise<void> {
    const d = this.dexie
    await this.guard(() => d.transaction('rw', [d.runs, d.metricChunks, d.logChunks, d.meta], async () => {
      const rec = await this.findRun(study, seq)
      if (!rec) throw notExist(`no run ${study}:${seq}`)
      const now = this.now()
      await change(rec, now)
      rec.touched = now
      rec.rev = await this.nextRev()
      await d.runs.put(rec)
    }))
    this.notify(study)
  }

  /** The stored record of run `study:seq`, or undefined. */
  findRun(study: string, seq: number): Promise<RunRecord | undefined> {
    return this.dexie.runs.where('[study+seq]').equals([study, seq]).first()
  }

  async listRuns(study: string, states: RunState, since?: Date, signal?: AbortSignal): Promise<Run[]> {
    checkSignal(signal)
    const from = since?.getTime() ?? -Infinity
    const localId = await this.id()
    const d = this.dexie
    return this.guard(() => d.transaction('r', d.studies, d.runs, d.metricChunks, async () => {
      if (!(await d.studies.get(study))) throw notExist(`no study ${study}`)
      const now = this.now()
      const recs = (await d.runs.where('[study+seq]').between([study, Dexie.minKey], [study, Dexie.maxKey]).toArray())
        .filter((r) => r.updated >= from && (reportedState(r, now) & states) !== 0)
      const out: Run[] = []
      for (const rec of recs) out.push(toRun(rec, localId, rec.mSealed ? await this.sealedMetrics(rec) : [], now))
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
      return toRun(rec, localId, await this.sealedMetrics(rec), this.now())
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
    const rows = await this.rowCache.with(study, (s) => s.rows(this.now()))
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
    return this.rowCache.with(study, (s) => work(s.tableAt(this.now(), paramNames)))
  }

  /** The sealed part of a run's metric history, in order. */
  async sealedMetrics(rec: RunRecord): Promise<Metrics[]> {
    if (rec.mSealed === 0) return []
    const chunks = await this.dexie.metricChunks.where('[run+chunk]').between([rec.id, 0], [rec.id, rec.mSealed]).toArray()
    return chunks.flatMap((c) => c.entries)
  }

  /** The sealed part of a run's log, in order. */
  async sealedLog(rec: RunRecord): Promise<LogEntry[]> {
    if (rec.lSealed === 0) return []
    const chunks = await this.dexie.logChunks.where('[run+chunk]').between([rec.id, 0], [rec.id, rec.lSealed]).toArray()
    return chunks.flatMap((c) => c.entries)
  }

  log(study: string, seq: number, options: LogOptions = {}): ReadableStream<string> {
    const since = options.since?.getTime() ?? -Infinity
    const { follow = false, signal } = options
    const cursor = { next: 0, nextChunk: 0 }
    let cancelled = false
    return new ReadableStream<string>({
      pull: async (controller) => {
        for (;;) {
          if (cancelled) return
          if (signal?.aborted) { controller.close(); return }
          const entries = await this.readLog(study, seq, cursor)
          const text = entries.filter((e) => e.t >= since).map((e) => e.text).join('')
          if (text) { controller.enqueue(text); return }
          if (entries.length) continue
          if (!follow) { controller.close(); return }
          await this.waitForChange(signal)
        }
      },
      cancel: () => { cancelled = true },
    }, { highWaterMark: 0 })
  }

  /** Reads log entries from `cursor` on (advancing it), at most a few chunks at a time. */
  private async readLog(study: string, seq: number, cursor: { next: number; nextChunk: number }): Promise<LogEntry[]> {
    const d = this.dexie
    return this.guard(() => d.transaction('r', d.runs, d.logChunks, async () => {
      const rec = await this.findRun(study, seq)
      if (!rec) throw notExist(`no run ${study}:${seq}`)
      const tailStart = rec.lCount - rec.lTail.length
      const out: LogEntry[] = []
      if (cursor.next < tailStart) {
        const chunks = await d.logChunks.where('[run+chunk]')
          .between([rec.id, cursor.nextChunk], [rec.id, rec.lSealed]).limit(16).toArray()
        for (const c of chunks) {
          out.push(...c.entries.slice(Math.max(0, cursor.next - c.from)))
          cursor.next = c.from + c.entries.length
          cursor.nextChunk = c.chunk + 1
        }
        if (cursor.next < tailStart) return out
      }
      out.push(...rec.lTail.slice(cursor.next - tailStart))
      cursor.next = rec.lCount
      cursor.nextChunk = rec.lSealed
      return out
    }))
  }

  /** Resolves after a local change, after the poll interval (for other connections), or on abort. */
  private waitForChange(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.changes.removeEventListener('change', done)
        signal?.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, this.followPollMs)
      this.changes.addEventListener('change', done)
      signal?.addEventListener('abort', done)
    })
  }

  logger(study: string, seq: number): WritableStream<string> {
    let buffer: LogEntry[] = []
    let chars = 0
    let timer: ReturnType<typeof setTimeout> | undefined
    let failure: unknown
    let flushing: Promise<void> = Promise.resolve()
    const flush = (): Promise<void> => {
      if (timer !== undefined) { clearTimeout(timer); timer = undefined }
      const entries = buffer
      buffer = []
      chars = 0
      flushing = flushing.then(() => this.appendLog(study, seq, entries)).catch((e: unknown) => { failure ??= e })
      return flushing.then(() => { if (failure !== undefined) throw failure })
    }
    return new WritableStream<string>({
      write: async (text) => {
        if (failure !== undefined) throw failure
        const t = this.now()
        const last = buffer[buffer.length - 1]
        if (last && last.t === t) last.text += text
        else buffer.push({ t, text })
        chars += text.length
        if (chars >= 16_384) await flush()
        else timer ??= setTimeout(() => { void flush().catch(() => undefined) }, this.loggerFlushMs)
      },
      close: () => flush(),
      abort: () => flush(),
    })
  }

  /** Tells in-process followers that `study` changed. */
  notify(study: string): void {
    this.changes.dispatchEvent(new CustomEvent('change', { detail: study }))
  }

  /** Runs `work`, mapping storage failures to DivinerErrors. */
  async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (e) {
      throw storageError(e)
    }
  }
}

/** The state a run is reported in: failure when pending with a keepalive older than 60 s. */
export function reportedState(rec: Pick<RunRecord, 'state' | 'updated'>, now: number): RunState {
  return rec.state === RunState.Pending && now - rec.updated > STALE_AFTER_MS ? RunState.Failure : rec.state
}

/** The public view of a stored study. */
export function toStudyInfo(rec: StudyRecord, lastTouched: number): StudyInfo {
  const study: StudyInfo = {
    name: rec.name, objective: rec.objective, params: rec.params, replicates: rec.replicates,
    description: rec.description, oracle: rec.oracle,
    created: new Date(rec.created), activity: new Date(Math.max(rec.created, lastTouched)),
  }
  return study
}

/** The public view of a stored run, given the sealed part of its metric history. */
export function toRun(rec: RunRecord, localId: string, sealed: readonly Metrics[], now: number): Run {
  const run: Run = {
    id: rec.id, study: rec.study, seq: rec.seq, values: rec.values, replicate: rec.replicate,
    state: reportedState(rec, now), status: rec.status, config: rec.config,
    created: new Date(rec.created), updated: new Date(rec.updated), runtime: rec.runtime, retries: rec.retries,
    metrics: sealed.length ? [...sealed, ...rec.mTail] : rec.mTail,
  }
  return rec.origin.db === localId && rec.origin.seq === rec.seq ? run : { ...run, origin: rec.origin }
}

/** Opens (creating if needed) the database `name` on the environment's IndexedDB, ready to use. */
export async function openDatabase(name: string, options?: DexieDatabaseOptions): Promise<DexieDatabase> {
  const db = new DexieDatabase(name, options)
  await db.createTable()
  return db
}
